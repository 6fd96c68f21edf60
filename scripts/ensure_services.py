"""Make sure PostgreSQL and Redis answer before Django starts.

Run from the project root as ``.venv/bin/python scripts/ensure_services.py [--browser]``
(``make run`` and ``make test`` do this).  The script:

* reads ``DATABASE_URL`` and ``REDIS_URL`` from the environment, else from ``.env``,
  else uses local defaults;
* installs the Debian packages the project needs (``gettext``; with ``--browser`` also
  ``chromium`` and ``fonts-wqy-microhei``);
* checks that PostgreSQL answers; for a local URL that does not answer, it installs
  PostgreSQL if needed and starts a project-local server in ``var/postgres``;
* creates the database named in ``DATABASE_URL`` if it does not exist;
* checks that Redis answers; for a local URL that does not answer, it installs Redis if
  needed and starts a project-local server in ``var/redis``.

Running it again when everything is up is safe and quick.  It exits non-zero with a
short message when a service cannot be reached or started.
"""

from __future__ import annotations

import argparse
import functools
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
PG_DIR = VAR / "postgres"
PG_DATA = PG_DIR / "data"
PG_RUN = PG_DIR / "run"
PG_LOG = PG_DIR / "server.log"
REDIS_DIR = VAR / "redis"
REDIS_LOG = REDIS_DIR / "redis.log"
REDIS_PID = REDIS_DIR / "redis.pid"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/workstation"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", ""})
LIBPQ_SOCKET_DIR = Path("/var/run/postgresql")
PG_SERVER_USER = "postgres"
PG_TIMEOUT = 30.0
REDIS_TIMEOUT = 15.0
SOCKET_PATH_MAX = 107

BROWSER_PACKAGES = ("chromium", "fonts-wqy-microhei")
APT_LOCK_MARKERS = (
    "Could not get lock",
    "Unable to acquire the dpkg frontend lock",
    "Unable to lock",
)
APT_LOCK_DELAY = 5.0
APT_LOCK_ATTEMPTS = 120
NO_MAIN_CLUSTER_CONF = Path("/etc/postgresql-common/createcluster.d/50-no-main-cluster.conf")


class ServiceError(Exception):
    """A service could not be reached, installed or started."""


def say(message: str) -> None:
    print(message, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class PgTarget:
    """Where DATABASE_URL points."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    @property
    def is_socket(self) -> bool:
        return self.host == "" or self.host.startswith("/")

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS or self.host.startswith("/")

    @property
    def address(self) -> str:
        if self.is_socket:
            return f"{self.host or LIBPQ_SOCKET_DIR} (port {self.port})"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def display_url(self) -> str:
        return f"postgres://{self.user}@{self.address}/{self.dbname}"

    def conninfo(self, dbname: str) -> dict[str, str | int]:
        info: dict[str, str | int] = {"port": self.port, "user": self.user, "dbname": dbname}
        if self.host:
            info["host"] = self.host
        if self.password:
            info["password"] = self.password
        return info


@dataclass(frozen=True)
class RedisTarget:
    """Where REDIS_URL points."""

    url: str
    scheme: str
    host: str
    port: int
    password: str

    @property
    def is_local(self) -> bool:
        return self.scheme == "redis" and self.host in LOCAL_HOSTS

    @property
    def display_url(self) -> str:
        parts = urlsplit(self.url)
        netloc = parts.netloc.rpartition("@")[2]
        return parts._replace(netloc=netloc).geturl()


def load_env() -> environ.Env:
    env_file = ROOT / ".env"
    if env_file.is_file():
        environ.Env.read_env(env_file)
    return environ.Env()


def pg_target(env: environ.Env) -> PgTarget:
    config = env.db_url("DATABASE_URL", default=DEFAULT_DATABASE_URL)
    return PgTarget(
        host=unquote(str(config.get("HOST") or "")),
        port=int(config.get("PORT") or 5432),
        user=str(config.get("USER") or "postgres"),
        password=str(config.get("PASSWORD") or ""),
        dbname=str(config.get("NAME") or "postgres"),
    )


def redis_target(env: environ.Env) -> RedisTarget:
    url = env.str("REDIS_URL", default=DEFAULT_REDIS_URL)
    parts = urlsplit(url)
    return RedisTarget(
        url=url,
        scheme=parts.scheme,
        host=parts.hostname or "",
        port=parts.port or 6379,
        password=unquote(parts.password or ""),
    )


# --------------------------------------------------------------------------- Debian packages


def privileged(command: list[str]) -> list[str]:
    if is_root():
        return command
    sudo = shutil.which("sudo")
    if sudo is None:
        raise ServiceError(f"root is needed to run {command[0]}; run as root or install sudo")
    return [sudo, *command]


def is_installed(package: str) -> bool:
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ServiceError(f"dpkg-query not found; please install {package} yourself") from exc
    return result.returncode == 0 and result.stdout.strip().endswith(" installed")


def run_apt(*args: str) -> None:
    """Run apt-get, waiting while another package manager holds the dpkg lock."""
    command = privileged(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q", *args])
    for attempt in range(APT_LOCK_ATTEMPTS):
        result = subprocess.run(command, stderr=subprocess.PIPE, text=True, check=False)
        if result.returncode == 0:
            return
        if not any(marker in result.stderr for marker in APT_LOCK_MARKERS):
            raise ServiceError(f"apt-get {' '.join(args)} failed:\n{result.stderr.strip()}")
        if attempt == 0:
            say("apt: another package manager holds the dpkg lock; waiting")
        time.sleep(APT_LOCK_DELAY)
    minutes = APT_LOCK_ATTEMPTS * APT_LOCK_DELAY / 60
    raise ServiceError(f"apt: the dpkg lock was still held after {minutes:.0f} minutes")


@functools.cache
def apt_update() -> None:
    say("apt: updating package lists")
    run_apt("update")


def apt_install(*packages: str) -> None:
    """Install those of ``packages`` that are missing."""
    missing = [package for package in packages if not is_installed(package)]
    if not missing:
        say(f"packages: {', '.join(packages)} installed")
        return
    apt_update()
    say(f"apt: installing {' '.join(missing)}")
    run_apt("install", "-y", "--no-install-recommends", *missing)


def write_system_file(path: Path, text: str) -> None:
    subprocess.run(privileged(["mkdir", "-p", str(path.parent)]), check=True)
    subprocess.run(
        privileged(["tee", str(path)]), input=text, text=True, stdout=subprocess.DEVNULL, check=True
    )


# --------------------------------------------------------------------------- helpers


def process_alive(pid: int, name: str) -> bool:
    """True if ``pid`` is a live process called ``name`` (zombies do not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    command, _, rest = stat_line.partition("(")[2].rpartition(")")
    state = rest.split()[0] if rest.split() else "?"
    return command.startswith(name) and state not in {"Z", "X"}


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def tcp_port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(
    check: Callable[[], str | None],
    timeout: float,
    keep_trying: Callable[[], bool] = lambda: True,
) -> str | None:
    """Call ``check`` until it returns None (success), ``timeout`` runs out or
    ``keep_trying`` says there is no point; return the last error."""
    deadline = time.monotonic() + timeout
    error = check()
    while error is not None and time.monotonic() < deadline and keep_trying():
        time.sleep(0.3)
        error = check()
    return error


def log_tail(path: Path, lines: int = 10) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n".join(f"    {line}" for line in text)


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --------------------------------------------------------------------------- PostgreSQL


def pg_error(target: PgTarget) -> str | None:
    """Return None if the server answers, else the connection error."""
    try:
        with psycopg.connect(**target.conninfo("postgres"), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__


def pg_listening(target: PgTarget) -> bool:
    if target.is_socket:
        return (Path(target.host or LIBPQ_SOCKET_DIR) / f".s.PGSQL.{target.port}").exists()
    return tcp_port_open(target.host, target.port)


def pg_version_key(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in bindir.parent.name.split(".") if part.isdigit())


def pg_bindirs() -> list[Path]:
    found = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if (d / "initdb").exists()]
    return sorted(found, key=pg_version_key, reverse=True)


def find_pg_bindir(version: str | None) -> Path | None:
    """Pick the highest installed PostgreSQL, or the one that created ``var/postgres``."""
    bindirs = pg_bindirs()
    if version is not None:
        matching = [d for d in bindirs if d.parent.name == version]
        if bindirs and not matching:
            raise ServiceError(
                f"{relative(PG_DATA)} was created by PostgreSQL {version}, which is not "
                f"installed; install postgresql-{version} or remove {relative(PG_DIR)}"
            )
        bindirs = matching
    if bindirs:
        return bindirs[0]
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def install_postgresql() -> None:
    """Install Debian's PostgreSQL without its default cluster, which would take port 5432."""
    write_system_file(NO_MAIN_CLUSTER_CONF, "create_main_cluster = false\n")
    apt_install("postgresql")


def as_server_user(command: list[str]) -> list[str]:
    if is_root():
        return ["runuser", "-u", PG_SERVER_USER, "--", *command]
    return command


def server_account() -> pwd.struct_passwd | None:
    if not is_root():
        return None
    try:
        return pwd.getpwnam(PG_SERVER_USER)
    except KeyError as exc:
        raise ServiceError(
            f"running as root, but there is no '{PG_SERVER_USER}' user to run PostgreSQL; "
            "install the postgresql package or run as a regular user"
        ) from exc


def make_traversable(directory: Path) -> None:
    """Let the server account reach ``directory`` (o+x on it and its parents)."""
    for path in [directory, *directory.parents]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            path.chmod(mode | stat.S_IXOTH)
            say(f"PostgreSQL: made {path} traversable for the {PG_SERVER_USER} user")


def prepare_pg_dirs(socket_dirs: list[Path]) -> None:
    PG_RUN.mkdir(parents=True, exist_ok=True)
    account = server_account()
    if account is None:
        return
    make_traversable(VAR)
    for path in (PG_DIR, PG_RUN, PG_LOG, *socket_dirs):
        if path == LIBPQ_SOCKET_DIR:
            path.mkdir(mode=0o2775, parents=True, exist_ok=True)
        if path.exists():
            os.chown(path, account.pw_uid, account.pw_gid)


def run_server_tool(command: list[str], what: str) -> None:
    result = subprocess.run(
        as_server_user(command), cwd=PG_DIR, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        tail = log_tail(PG_LOG)
        details = f"\n{output}" + (f"\n  {relative(PG_LOG)}:\n{tail}" if tail else "")
        raise ServiceError(f"PostgreSQL: {what} failed:{details}")


def initdb(bindir: Path, user: str) -> None:
    command = [
        str(bindir / "initdb"),
        "-D", str(PG_DATA),
        "-U", user,
        "--auth=trust",
        "-E", "UTF8",
        "--locale=C.UTF-8",
    ]  # fmt: skip
    run_server_tool(command, "initdb")
    say(f"PostgreSQL: initialised {relative(PG_DATA)} ({bindir.parent.name})")


def socket_dirs_for(target: PgTarget) -> list[Path]:
    dirs = []
    if len(str(PG_RUN / f".s.PGSQL.{target.port}.lock")) <= SOCKET_PATH_MAX or target.is_socket:
        dirs.append(PG_RUN)
    if target.host.startswith("/"):
        dirs.append(Path(target.host))
    elif target.host == "":
        dirs.append(LIBPQ_SOCKET_DIR)
    return dirs


def pg_ctl_start(bindir: Path, target: PgTarget, socket_dirs: list[Path]) -> None:
    listen = "" if target.is_socket else target.host
    options = " ".join(
        [
            f"-p {target.port}",
            f"-k {shlex.quote(','.join(str(d) for d in socket_dirs))}",
            f"-c listen_addresses={shlex.quote(listen)}",
        ]
    )
    command = [
        str(bindir / "pg_ctl"),
        "-D", str(PG_DATA),
        "-l", str(PG_LOG),
        "-o", options,
        "-w", "-t", str(int(PG_TIMEOUT)),
        "start",
    ]  # fmt: skip
    run_server_tool(command, "pg_ctl start")


def running_project_server() -> tuple[int, int] | None:
    """Return (pid, port) of a live server started earlier from var/postgres."""
    try:
        lines = (PG_DATA / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    return (pid, port) if process_alive(pid, "postgres") else None


def data_dir_version() -> str | None:
    try:
        return (PG_DATA / "PG_VERSION").read_text().strip()
    except OSError:
        return None


def start_project_postgres(target: PgTarget) -> None:
    version = data_dir_version()
    bindir = find_pg_bindir(version)
    if bindir is None:
        install_postgresql()
        if pg_error(target) is None:
            say(f"PostgreSQL: answering at {target.address} after installing postgresql")
            return
        bindir = find_pg_bindir(version)
        if bindir is None:
            raise ServiceError("PostgreSQL: installed postgresql, but initdb was not found")
    socket_dirs = socket_dirs_for(target)
    prepare_pg_dirs(socket_dirs)
    if version is None:
        initdb(bindir, target.user)
    pg_ctl_start(bindir, target, socket_dirs)
    error = wait_until(lambda: pg_error(target), PG_TIMEOUT)
    if error is not None:
        raise ServiceError(
            f"PostgreSQL: started a server in {relative(PG_DIR)}, but {target.display_url} "
            f"does not answer: {error}\n  {relative(PG_LOG)}:\n{log_tail(PG_LOG)}"
        )
    say(f"PostgreSQL: started project-local server in {relative(PG_DIR)} at {target.address}")


def wait_for_project_postgres(target: PgTarget, pid: int, port: int) -> None:
    if port != target.port:
        raise ServiceError(
            f"PostgreSQL: the server in {relative(PG_DIR)} (pid {pid}) runs on port {port}, "
            f"but DATABASE_URL wants {target.port}; stop it with "
            f"`pg_ctl -D {relative(PG_DATA)} stop` or fix DATABASE_URL"
        )
    say(f"PostgreSQL: waiting for the server in {relative(PG_DIR)} (pid {pid})")
    alive = functools.partial(process_alive, pid, "postgres")
    error = wait_until(lambda: pg_error(target), PG_TIMEOUT, alive)
    if error is not None and not alive():
        say(f"PostgreSQL: the server in {relative(PG_DIR)} (pid {pid}) exited; starting it again")
        start_project_postgres(target)
        return
    if error is not None:
        raise ServiceError(
            f"PostgreSQL: {target.display_url} does not answer: {error}\n"
            f"  {relative(PG_LOG)}:\n{log_tail(PG_LOG)}"
        )
    say(f"PostgreSQL: answering at {target.address} (server in {relative(PG_DIR)})")


def ensure_postgres(target: PgTarget) -> None:
    error = pg_error(target)
    if error is None:
        say(f"PostgreSQL: answering at {target.address}")
        return
    if not target.is_local:
        raise ServiceError(f"PostgreSQL at {target.display_url} does not answer: {error}")
    running = running_project_server()
    if running is not None:
        wait_for_project_postgres(target, *running)
        return
    if pg_listening(target):
        raise ServiceError(
            f"PostgreSQL at {target.display_url} is running but refused the connection: {error}"
        )
    start_project_postgres(target)


def ensure_database(target: PgTarget) -> None:
    name = target.dbname
    try:
        with psycopg.connect(
            **target.conninfo("postgres"), connect_timeout=3, autocommit=True
        ) as conn:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            if conn.execute(query, (name,)).fetchone():
                say(f"database {name}: exists")
                return
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.DuplicateDatabase:
        say(f"database {name}: exists")
        return
    except psycopg.Error as exc:
        raise ServiceError(f"database {name}: could not create it: {exc}") from exc
    say(f"database {name}: created")


# --------------------------------------------------------------------------- Redis


def redis_error(target: RedisTarget) -> str | None:
    """Return None if Redis answers PING, else the error."""
    client = redis.Redis.from_url(target.url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        return str(exc).strip() or type(exc).__name__
    finally:
        client.close()
    return None


def redis_server_command(target: RedisTarget) -> list[str]:
    bind = "127.0.0.1" if target.host in {"", "localhost"} else target.host
    command = [
        "redis-server",
        "--daemonize", "yes",
        "--bind", bind,
        "--port", str(target.port),
        "--dir", str(REDIS_DIR),
        "--save", "",
        "--appendonly", "no",
        "--logfile", str(REDIS_LOG),
        "--pidfile", str(REDIS_PID),
    ]  # fmt: skip
    if target.password:
        command += ["--requirepass", target.password]
    return command


def start_project_redis(target: RedisTarget) -> None:
    if shutil.which("redis-server") is None:
        apt_install("redis-server")
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        redis_server_command(target), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ServiceError(f"Redis: redis-server failed to start:\n{output}")
    error = wait_until(lambda: redis_error(target), REDIS_TIMEOUT)
    if error is not None:
        raise ServiceError(
            f"Redis: started redis-server in {relative(REDIS_DIR)}, but "
            f"{target.display_url} does not answer: {error}\n"
            f"  {relative(REDIS_LOG)}:\n{log_tail(REDIS_LOG)}"
        )
    say(f"Redis: started project-local server in {relative(REDIS_DIR)} at {target.display_url}")


def ensure_redis(target: RedisTarget) -> None:
    error = redis_error(target)
    if error is None:
        say(f"Redis: answering at {target.display_url}")
        return
    if not target.is_local:
        raise ServiceError(f"Redis at {target.display_url} does not answer: {error}")
    pid = read_pid(REDIS_PID)
    if pid is not None and process_alive(pid, "redis-server"):
        alive = functools.partial(process_alive, pid, "redis-server")
        say(f"Redis: waiting for the server in {relative(REDIS_DIR)} (pid {pid})")
        error = wait_until(lambda: redis_error(target), REDIS_TIMEOUT, alive)
        if error is None:
            say(f"Redis: answering at {target.display_url} (server in {relative(REDIS_DIR)})")
            return
        if alive():
            raise ServiceError(f"Redis at {target.display_url} does not answer: {error}")
    if tcp_port_open(target.host or "127.0.0.1", target.port):
        raise ServiceError(
            f"Redis at {target.display_url} is running but refused the connection: {error}"
        )
    start_project_redis(target)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also install Chromium and CJK fonts for the browser tests",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = load_env()
    try:
        apt_install("gettext", *(BROWSER_PACKAGES if args.browser else ()))
        database = pg_target(env)
        ensure_postgres(database)
        ensure_database(database)
        ensure_redis(redis_target(env))
    except ServiceError as exc:
        print(f"ensure_services: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"ensure_services: {shlex.join(exc.cmd)} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
