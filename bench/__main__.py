"""`make bench`: the portal's throughput, query counts, roster import and reminder sweeps at
several data sizes, against the issue's targets, in one table.

For each scale it keeps a database seeded by `seed_demo --scale N` (reused while it was seeded
today; `--fresh` seeds again) and measures a copy of it, so that every run starts from the same
data and the sweeps' first runs are real first runs. The portal is served by gunicorn as in
production (debug off, 2 workers x 4 threads, `bench.settings`); each page is measured over
keep-alive connections on loopback, alternating with the bare one-query floor, and reported as a
ratio to it.
"""

import argparse
import datetime
import json
import os
import statistics
import time
from pathlib import Path

from . import load
from .processes import (
    ROOT,
    THREADS,
    WORKERS,
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
from .report import render


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="seed_demo scales")
    parser.add_argument("--window", type=float, default=1.5, help="seconds per measuring window")
    parser.add_argument("--rounds", type=int, default=2, help="floor/page alternations per page")
    parser.add_argument("--rows", type=int, default=10000, help="rows of the roster import")
    parser.add_argument("--fresh", action="store_true", help="seed the databases again")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench" / "latest.md")
    options = parser.parse_args()
    started = time.monotonic()

    results: dict = {
        "scales": options.scales,
        "pages": {},
        "dashboards": {},
        "sweeps": {},
        "floor": {},
    }
    for scale in options.scales:
        run_database = prepare_database(scale, fresh=options.fresh)
        env = server_env(run_database)
        try:
            setup = json.loads(django_output(env, "bench.prepare"))
            measure_pages(env, setup, scale, options, results)
            say(f"{scale}x: reminder sweeps")
            results["sweeps"][scale] = json.loads(django_output(env, "bench.inprocess", "sweeps"))
            if scale == options.scales[0] and options.rows:
                say(f"{scale}x: roster import of {options.rows} rows")
                results["roster"] = json.loads(
                    django_output(env, "bench.inprocess", "roster", "--rows", str(options.rows))
                )
        finally:
            drop_database(run_database)
            forget_queue(env)
    minutes = (time.monotonic() - started) / 60
    table = render(results)
    header = (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} cores in {minutes:.1f} min: gunicorn {WORKERS} workers x {THREADS} "
        f"threads, debug off; {WORKERS * THREADS} keep-alive connections, "
        f"{options.rounds} x {options.window:g} s per page alternating with the floor."
    )
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(header + "\n\n" + table + "\n", encoding="utf-8")
    print()
    print(header)
    print()
    print(table)
    print(f"\n(also written to {options.output})")


# --- pages --------------------------------------------------------------------------------------


def measure_pages(env: dict[str, str], setup: dict, scale: int, options, results: dict) -> None:
    port = free_port()
    server = start_gunicorn(env, port)
    connections = WORKERS * THREADS
    floors = []
    try:
        time_dashboards(port, setup, scale, options, results)
        pages = [page for page in setup["pages"] if options.only in page["page"]]
        for number, page in enumerate(pages, 1):
            key = (page["group"], page["page"], page["role"])
            headers = {"Cookie": setup["cookies"][page["role"]], "Accept-Language": "zh-hans"}
            # Warm up every thread of both workers (templates, connections), then read the
            # query count of one more request.
            load.hammer(
                port,
                page["path"],
                headers,
                connections=connections,
                seconds=30,
                max_requests=2 * connections,
            )
            status, response_headers, body = load.get(port, page["path"], headers)
            row = results["pages"].setdefault(key, {"path": page["path"]})
            row[scale] = {
                "status": status,
                "queries": int(response_headers.get("x-bench-queries", -1)),
                "bytes": len(body),
            }
            if status != 200:
                say(f"{scale}x [{number}/{len(pages)}] {page['path']}: answered {status}")
                continue
            page_windows, floor_windows = [], []
            for _ in range(options.rounds):
                for windows, path, path_headers in (
                    (floor_windows, "/bench/floor", {}),
                    (page_windows, page["path"], headers),
                ):
                    windows.append(
                        load.hammer(
                            port,
                            path,
                            path_headers,
                            connections=connections,
                            seconds=options.window,
                            max_requests=5000,
                        )
                    )
            floor_rate = rate(floor_windows)
            page_rate = rate(page_windows)
            floors.append(floor_rate)
            row[scale] |= {
                "ratio": page_rate / floor_rate,
                "per_second": page_rate,
                "errors": sum(w.errors for w in page_windows),
            }
            say(
                f"{scale}x [{number}/{len(pages)}] {page['role']:<8} {page['page']:<22} "
                f"{page_rate:7.1f}/s = {page_rate / floor_rate:.2f} of the floor, "
                f"{row[scale]['queries']} queries"
            )
    finally:
        stop(server)
    results["floor"][scale] = statistics.median(floors) if floors else 0.0


# Requests timed one after another per dashboard, once its figures are kept.
DASHBOARD_REQUESTS = 20


def time_dashboards(port: int, setup: dict, scale: int, options, results: dict) -> None:
    """How long each dashboard takes to answer one request at a time: the first request (the
    page computes the heavy figures of its scope and keeps them, as the copied data has no
    snapshot, unless a dashboard of the same scope came before) and the median and slowest of
    the next ones (the figures read from the cache table, as the periodic task keeps them)."""
    for page in setup["dashboards"]:
        if options.only not in page["page"]:
            continue
        headers = {"Cookie": setup["cookies"][page["role"]], "Accept-Language": "zh-hans"}
        status, _headers, first = load.timed_get(port, page["path"], headers)
        times, queries = [], -1
        for _ in range(DASHBOARD_REQUESTS):
            answer, response_headers, seconds = load.timed_get(port, page["path"], headers)
            status = answer if answer != 200 else status
            times.append(seconds)
            queries = int(response_headers.get("x-bench-queries", -1))
        row = results["dashboards"].setdefault((page["page"], page["role"]), {})
        row[scale] = {
            "status": status,
            "first_ms": first * 1000,
            "median_ms": statistics.median(times) * 1000,
            "slowest_ms": max(times) * 1000,
            "queries": queries,
        }
        say(
            f"{scale}x dashboard {page['page']:<16} first {first * 1000:6.0f} ms, "
            f"then {row[scale]['median_ms']:6.0f} ms (median of {DASHBOARD_REQUESTS}), "
            f"{queries} queries"
        )


def rate(windows: list[load.Window]) -> float:
    seconds = sum(w.seconds for w in windows)
    return sum(w.requests - w.errors for w in windows) / seconds if seconds else 0.0


if __name__ == "__main__":
    main()
