"""The cast of roles and the shared fixtures of the test suite (real PostgreSQL and Redis)."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.utils import translation

from members.models import PoliticalStatus, WorkstationRole
from notifications import queue
from workstation.celery import app as celery_app

from .factories import PASSWORD, BranchFactory, UserFactory, WorkstationGroupFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# The suite runs in several processes (pytest-xdist): each publishes to a queue of its own, so
# that a real worker started by one process's test never takes another process's tasks (which
# name rows of another test database).
if _process := os.environ.get("PYTEST_XDIST_WORKER"):
    celery_app.conf.task_default_queue = f"{celery_app.conf.task_default_queue}-{_process}"


@pytest.fixture(autouse=True)
def _clear_cache(request) -> Iterator[None]:
    """Rate-limit counters live in the (database) cache, slow figures in each process's memory;
    every database test starts with none."""
    db_fixture = next((n for n in ("transactional_db", "db") if n in request.fixturenames), None)
    if db_fixture is None and not request.node.get_closest_marker("django_db"):
        yield  # no database, no cache
        return
    if db_fixture is not None:
        request.getfixturevalue(db_fixture)  # set up before the fixture that asked for it
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language, whatever language a request before it read
    (the locale middleware leaves the last request's language active in the thread)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _staff_without_two_factor(settings) -> None:
    """Staff in tests have no authenticator; the tests of two-factor turn the rule on."""
    settings.STAFF_REQUIRE_2FA = False


# --- the cast ---------------------------------------------------------------------------------


@pytest.fixture
def branch(db):
    """The cast's Party branch: the reviewer is its secretary, the member belongs to it."""
    return BranchFactory(name="本科生第一党支部")


@pytest.fixture
def student(db):
    return UserFactory(name="陈同学", political_status=PoliticalStatus.LEAGUE)


@pytest.fixture
def member(branch, reviewer):
    return UserFactory(
        name="张党员",
        political_status=PoliticalStatus.PROBATIONARY,
        branch=branch,
        workstation_role=WorkstationRole.MEMBER,
        group=WorkstationGroupFactory(name="学业辅导组"),
    )


@pytest.fixture
def reviewer(branch):
    secretary = UserFactory(name="李书记", political_status=PoliticalStatus.FULL, branch=branch)
    branch.secretary = secretary
    branch.save(update_fields=["secretary"])
    return secretary


@pytest.fixture
def staff(db):
    return UserFactory(staff=True, name="王老师")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def visitor_client() -> Client:
    return Client()


@pytest.fixture
def student_client(student) -> Client:
    return _client_for(student)


@pytest.fixture
def member_client(member) -> Client:
    return _client_for(member)


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    return _client_for(reviewer)


@pytest.fixture
def staff_client(staff) -> Client:
    return _client_for(staff)


@pytest.fixture
def password() -> str:
    return PASSWORD


# --- a Redis of the test's own, to kill ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A real redis-server on a free port that a test may stop, as a broker outage."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def silent_broker() -> Iterator[str]:
    """A broker address that accepts connections and never answers: the worst kind of outage."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def _reset_broker_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    queue.forget_broker_failures()


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point the portal's Celery app at another broker for the duration."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        _reset_broker_pools()


def purge_test_queue() -> None:
    """Drop the messages earlier tests published and no worker consumed, so that a real worker
    started now works on its own test's messages only."""
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)


@pytest.fixture(scope="session", autouse=True)
def _purge_test_queue() -> Iterator[None]:
    yield
    purge_test_queue()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
