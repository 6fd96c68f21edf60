"""`make loadtest`: a headless locust run of a realistic mix against gunicorn and a Celery
worker, then a reconciliation of every acknowledged submission with the database.

`python -m bench.loadtest --users 200 --duration 10m [--scale 10]`. The server runs as
`make bench` runs it (a fresh copy of the seeded database, debug off, 2 workers x 4 threads),
with a Celery worker of its own that sends the notices' e-mails nowhere. Traffic goes to
loopback only, and locust stops by itself when the duration is up.
"""

import argparse
import csv
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import redis

from . import load
from .processes import (
    PYTHON,
    ROOT,
    django_output,
    drop_database,
    forget_queue,
    free_port,
    prepare_database,
    say,
    server_env,
    start_gunicorn,
    stop,
)

DURATION = re.compile(r"(\d+)([smh]?)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", default="10m", help="e.g. 90s, 10m, 1h")
    parser.add_argument("--scale", type=int, default=10, help="seed_demo scale of the data")
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "loadtest")
    options = parser.parse_args()
    seconds = duration_seconds(options.duration)
    options.output.mkdir(parents=True, exist_ok=True)

    database = prepare_database(options.scale, fresh=False)
    # Each simulated person may submit more than the daily limit of real people over a run.
    env = server_env(database) | {"FEEDBACK_DAILY_LIMIT": "100000"}
    worker = server = None
    try:
        setup = json.loads(django_output(env, "bench.prepare", "load"))
        setup_file = options.output / "setup.json"
        setup_file.write_text(json.dumps(setup), encoding="utf-8")
        acks_file = options.output / "acknowledged.json"
        acks_file.unlink(missing_ok=True)
        port = free_port()
        server = start_gunicorn(env, port)
        worker = start_worker(env)
        say(
            f"locust: {options.users} users for {seconds} s against {load.HOST}:{port} "
            f"({len(setup['students'])} students, {len(setup['members'])} members, "
            f"{len(setup['reviewers'])} reviewers at {options.scale}x)"
        )
        csv_prefix = options.output / "locust"
        log = options.output / "locust.log"
        with open(log, "w", encoding="utf-8") as log_file:
            subprocess.run(
                [
                    str(Path(PYTHON).parent / "locust"),
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--only-summary",
                    "--users",
                    str(options.users),
                    "--spawn-rate",
                    str(max(1, options.users // 10)),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "30",
                    "--host",
                    f"http://{load.HOST}:{port}",
                    "--csv",
                    str(csv_prefix),
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env | {"BENCH_LOAD_SETUP": str(setup_file), "BENCH_LOAD_ACKS": str(acks_file)},
                check=False,  # locust exits 1 when any request failed; the summary says which
                timeout=seconds + 300,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        say(f"locust's own log and summary: {log}")
        drain(env)
        stop(server)
        server = None
        reconciled = json.loads(django_output(env, "bench.reconcile", str(acks_file)))
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
        drop_database(database)
        forget_queue(env)
    ok = report(csv_prefix, reconciled, options)
    sys.exit(0 if ok else 1)


def duration_seconds(text: str) -> int:
    match = DURATION.fullmatch(text.strip())
    if not match:
        sys.exit(f"--duration {text!r}: give seconds, or a number with s, m or h (e.g. 10m).")
    number, unit = int(match[1]), match[2] or "s"
    return number * {"s": 1, "m": 60, "h": 3600}[unit]


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "celery"),
            "-A",
            "workstation",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )


def drain(env: dict[str, str], timeout: float = 120) -> None:
    """Wait until the worker has taken every task the run published."""
    broker = redis.Redis.from_url(env["REDIS_URL"])
    deadline = time.monotonic() + timeout
    while broker.llen(env["CELERY_QUEUE"]) and time.monotonic() < deadline:
        time.sleep(1)
    left = broker.llen(env["CELERY_QUEUE"])
    say(f"tasks left on the queue after the run: {left}")


def report(csv_prefix: Path, reconciled: dict, options) -> bool:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8", newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"\n{options.users} users for {options.duration} at {options.scale}x data\n")
    print("| request | count | failed | per s | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    error_rate = failures / requests if requests else 0.0
    print(
        f"\nall requests: p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms; "
        f"error rate {error_rate:.2%} ({failures} of {requests})\n"
    )
    with open(f"{csv_prefix}_failures.csv", encoding="utf-8", newline="") as failures_file:
        for row in csv.DictReader(failures_file):
            print(f"failed {row['Occurrences']}x: {row['Method']} {row['Name']}: {row['Error']}")
    print("| submission | acknowledged | found once | lost | doubled | saved, unacknowledged |")
    print("| --- | --- | --- | --- | --- | --- |")
    sound = True
    for kind, figures in reconciled.items():
        print(
            f"| {kind} | {figures['acknowledged']} | {figures['found']} | {figures['lost']} "
            f"| {figures['doubled']} | {figures['unacknowledged']} |"
        )
        sound &= figures["lost"] == 0 and figures["doubled"] == 0
        sound &= figures["found"] == figures["acknowledged"]
    print("\nnone lost, none doubled" if sound else "\nSUBMISSIONS LOST OR DOUBLED")
    return sound


if __name__ == "__main__":
    main()
