"""Figures measured inside one Django process, printed as JSON on standard output.

`python -m bench.inprocess sweeps` runs every reminder sweep twice against the benchmark
database — the first run records and enqueues its notices, the second finds them recorded (the
steady state) — counting time, queries and the messages published to the broker.
`python -m bench.inprocess roster --rows N` times a roster import as the admin runs it (rolled
back); it runs in a process of its own so that its peak memory is its own.
"""

import argparse
import json
import time
from collections.abc import Callable

import django

SWEEPS = [
    "study.tasks.remind_behind_schedule",
    "study.tasks.remind_review_queue",
    "study.tasks.remind_activity_tomorrow",
    "feedback.tasks.remind_overdue",
    "feedback.tasks.deliver_anonymous_news",
    "members.tasks.remind_probation_ending",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["sweeps", "roster"])
    parser.add_argument("--rows", type=int, default=10000)
    options = parser.parse_args()
    django.setup()
    if options.what == "sweeps":
        print(json.dumps(measure_sweeps()))
    else:
        from members.management.commands.benchmark_roster_import import measure_roster_import

        print(json.dumps(measure_roster_import(options.rows, report=lambda _line: None)))


def measure_sweeps() -> list[dict]:
    import redis
    from django.conf import settings
    from django.utils.module_loading import import_string

    from members.models import User

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    people = User.objects.count()
    figures = []
    for path in SWEEPS:
        task = import_string(path)
        row = {"sweep": task.name, "people": people}
        for run in ("first", "again"):
            published = broker.llen(queue)
            told, seconds, queries = _measured(task)
            row[run] = {
                "seconds": seconds,
                "queries": queries,
                "told": told,
                "messages": broker.llen(queue) - published,
            }
        figures.append(row)
    return figures


def _measured(work: Callable[[], int]) -> tuple[int, float, int]:
    from django.db import connection

    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        start = time.perf_counter()
        told = work()
        seconds = time.perf_counter() - start
    return told, seconds, count


if __name__ == "__main__":
    main()
