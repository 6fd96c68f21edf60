"""Figures measured inside one Django process, printed as JSON on standard output.

`python -m bench.inprocess sweeps` runs every reminder sweep twice against the benchmark
database — the first run records and enqueues its notices, the second finds them recorded (the
steady state) — counting time, queries and the messages published to the broker.
`python -m bench.inprocess roster --rows N` times a roster import as the admin runs it (rolled
back), then through the admin's pages themselves (upload and preview page, confirm; saved into
the benchmark's copy of the database); it runs in a process of its own so that its peak memory
is its own.
"""

import argparse
import html
import json
import re
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
        from members.management.commands.benchmark_roster_import import (
            measure_roster_import,
            peak_rss_mb,
        )

        figures = measure_roster_import(options.rows, report=lambda _line: None)
        figures |= measure_admin_import(options.rows)
        figures["peak_rss_mb"] = peak_rss_mb()
        print(json.dumps(figures))


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


HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def measure_admin_import(rows: int) -> dict[str, float]:
    """Upload a roster of `rows` new people in the admin as the demo staff member, then confirm
    it: the seconds of each page and the size of the preview page."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from members.management.commands.benchmark_roster_import import (
        BRANCH_NAMES,
        people,
        workbook,
    )
    from members.models import Branch, User
    from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

    for name in BRANCH_NAMES:
        Branch.objects.get_or_create(name=name)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=DEMO_ACCOUNTS["staff"][0]))
    upload = SimpleUploadedFile("roster.xlsx", workbook(people(rows)))
    start = time.perf_counter()
    preview = client.post(
        "/admin/members/user/import/", {"resource": "0", "format": "", "import_file": upload}
    )
    preview_seconds = time.perf_counter() - start
    confirm = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(preview.text)}
    if preview.status_code != 200 or "import_file_name" not in confirm:
        raise SystemExit(f"the admin's roster preview failed ({preview.status_code})")
    start = time.perf_counter()
    done = client.post("/admin/members/user/process_import/", confirm)
    confirm_seconds = time.perf_counter() - start
    if done.status_code != 302:
        raise SystemExit(f"the admin's roster confirmation failed ({done.status_code})")
    return {
        "admin_preview": preview_seconds,
        "admin_preview_mb": len(preview.content) / 1024 / 1024,
        "admin_confirm": confirm_seconds,
    }


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
