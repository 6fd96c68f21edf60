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
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from . import load
from .report import render

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/workstation"
SEED = 2016
WORKERS, THREADS = 2, 4


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

    results: dict = {"scales": options.scales, "pages": {}, "sweeps": {}, "floor": {}}
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
    print(f"\n(also written to {options.output.relative_to(ROOT)})")


# --- databases --------------------------------------------------------------------------------


def database_url(name: str) -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    return urlunsplit(base._replace(path="/" + name))


def base_name() -> str:
    return urlsplit(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)).path.lstrip("/")


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(database_url("postgres"), autocommit=True)


def prepare_database(scale: int, *, fresh: bool) -> str:
    """The name of a fresh copy of the seeded database of this scale (seeding it if needed)."""
    seeded = f"{base_name()}_bench_{scale}x"
    stamp = f"seed_demo --scale {scale} --seed {SEED} on {datetime.date.today().isoformat()}"
    with admin_connection() as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [seeded],
        ).fetchone()
    if fresh or row is None or row[0] != stamp:
        say(f"{scale}x: seeding {seeded} ({stamp})")
        drop_database(seeded)
        with admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{seeded}"')
        env = server_env(seeded) | {"DJANGO_SETTINGS_MODULE": "workstation.settings"}
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "createcachetable")
        manage(env, "seed_demo", "--scale", str(scale), "--seed", str(SEED), "--allow-production")
        with admin_connection() as connection:
            connection.execute(f"COMMENT ON DATABASE \"{seeded}\" IS '{stamp}'")
    else:
        say(f"{scale}x: reusing {seeded} ({stamp})")
    copy = f"{seeded}_run"
    drop_database(copy)
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{seeded}"')
    # A copy of a database seeded before today's migrations catches up.
    manage(server_env(copy), "migrate", "--no-input", "-v", "0")
    return copy


def drop_database(name: str) -> None:
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def forget_queue(env: dict[str, str]) -> None:
    """The e-mail tasks the sweeps published are for no worker: remove them."""
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).delete(env["CELERY_QUEUE"])


# --- processes --------------------------------------------------------------------------------


def server_env(database: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_HTTPS": "false",
        "DATABASE_URL": database_url(database),
        "CELERY_QUEUE": f"{database}-bench",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def django_output(env: dict[str, str], module: str, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((load.HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "workstation.wsgi",
            "--bind",
            f"{load.HOST}:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if load.get(port, "/bench/floor", {})[0] == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    stop(server)
    sys.exit("gunicorn did not start; see the messages above.")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- pages --------------------------------------------------------------------------------------


def measure_pages(env: dict[str, str], setup: dict, scale: int, options, results: dict) -> None:
    port = free_port()
    server = start_gunicorn(env, port)
    connections = WORKERS * THREADS
    floors = []
    try:
        pages = [page for page in setup["pages"] if options.only in page["page"]]
        for number, page in enumerate(pages, 1):
            key = (page["group"], page["page"], page["role"])
            headers = {"Cookie": setup["cookies"][page["role"]], "Accept-Language": "zh-hans"}
            # Warm up (templates, caches, connections), and read the query count.
            for _ in range(2):
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


def rate(windows: list[load.Window]) -> float:
    seconds = sum(w.seconds for w in windows)
    return sum(w.requests - w.errors for w in windows) / seconds if seconds else 0.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
