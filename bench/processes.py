"""The databases and processes that `make bench` and `make loadtest` run the portal with."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from . import load

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/workstation"
SEED = 2016
# As production runs the web tier on a small server: 2 processes of 4 threads.
WORKERS, THREADS = 2, 4


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
    # The planner's statistics, as a database in service has them from autovacuum.
    with psycopg.connect(database_url(copy), autocommit=True) as connection:
        connection.execute("ANALYZE")
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
            # Production's proxy keeps a browser's connection open between its requests; the
            # load test's people wait up to 8 s between steps on theirs, which gunicorn's 2 s
            # default would close under them (a reset that a browser retries but locust counts).
            "--keep-alive",
            "10",
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


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
