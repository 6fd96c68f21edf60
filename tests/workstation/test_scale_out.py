"""Several machines: two web processes, each in a working directory of its own, and two Celery
workers, against one PostgreSQL and one Redis, as the portal is scaled out. A photo submitted
through one web process is shown through the other (sessions in the database, files in the
storage every process shares), and each reminder goes out once however many workers run the
sweep."""

import datetime
import re
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import timezone

from feedback.models import Photo, Suggestion
from members.models import PoliticalStatus
from notifications.models import Notice
from tests.factories import PASSWORD, UserFactory
from tests.feedback.factories import CategoryFactory, SuggestionFactory, image_bytes
from workstation.celery import app as celery_app

from ..conftest import _free_port, broker_at

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SWEEP = "feedback.remind_overdue"
WEB = ["--workers", "1", "--threads", "2"]
WORKER = ["--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Cluster:
    """The processes of a scaled-out portal, with the environment a deployment gives them."""

    def __init__(self, base: Path, broker_url: str) -> None:
        self.base = base
        self.media = base / "shared-media"
        self.mail = base / "mail"
        self.media.mkdir()
        self.mail.mkdir()
        self.env = {
            "PATH": str(BIN) + ":/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "workstation.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "FEEDBACK_ANONYMITY_KEY": settings.FEEDBACK_ANONYMITY_KEY or settings.SECRET_KEY,
            "DJANGO_HTTPS": "false",
            "STAFF_REQUIRE_2FA": "false",
            "DATABASE_URL": _database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": broker_url,
            "CELERY_QUEUE": f"scale-out-{uuid.uuid4().hex[:8]}",
            "MEDIA_ROOT": str(self.media),
            "EMAIL_URL": f"filemail:///{self.mail}",  # an absolute path after the third slash
            "LOG_LEVEL": "INFO",
        }
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.logs: dict[str, Path] = {}

    def _start(self, name: str, command: list[str]) -> None:
        workdir = self.base / name
        workdir.mkdir()
        log = self.logs[name] = self.base / f"{name}.log"
        with open(log, "wb") as output:
            self.processes.append(
                subprocess.Popen(
                    command, cwd=workdir, env=self.env, stdout=output, stderr=subprocess.STDOUT
                )
            )

    def start_web(self, name: str) -> str:
        port = _free_port()
        self.ports.append(port)
        self._start(
            name,
            [str(BIN / "gunicorn"), "workstation.wsgi", "--bind", f"127.0.0.1:{port}", *WEB],
        )
        return f"http://127.0.0.1:{port}"

    def start_worker(self, name: str) -> None:
        self._start(
            name,
            [str(BIN / "celery"), "-A", "workstation", "worker", "-n", f"{name}@%h", *WORKER],
        )

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def wait_until(self, ready, what: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n}\n{self.log(n)[-2000:]}" for n in self.logs)
                pytest.fail(f"{what} within {timeout} s\n{logs}")
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def emails_to(self) -> list[str]:
        """The recipient of every e-mail any worker sent."""
        return [
            line.removeprefix("To: ").strip()
            for sent in self.mail.iterdir()
            for line in sent.read_text(errors="replace").splitlines()
            if line.startswith("To: ")
        ]


@pytest.fixture
def cluster(tmp_path, private_redis):
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail("Collect the static files first: manage.py collectstatic")
    cluster = Cluster(tmp_path, private_redis.url)
    try:
        yield cluster
    finally:
        cluster.stop()


class Browser:
    """One person's cookies, sent to whichever web process is asked."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME)

    def get(self, url: str):
        return self.opener.open(Request(url, headers={"Accept-Language": "zh-hans"}), timeout=20)  # noqa: S310

    def post(self, url: str, data: dict):
        body = encode_multipart(BOUNDARY, data)
        headers = {"Content-Type": MULTIPART_CONTENT, "X-CSRFToken": self.csrf()}
        return self.opener.open(Request(url, data=body, headers=headers), timeout=20)  # noqa: S310


def _answering(url: str) -> bool:
    try:
        return Browser().get(url + reverse("healthz")).status == 200
    except OSError:
        return False


def test_two_web_processes_and_two_workers_serve_as_one_portal(cluster):
    student = UserFactory(name="陈同学")
    handler = UserFactory(name="赵处理", political_status=PoliticalStatus.FULL)
    staff = UserFactory.create_batch(2, staff=True)
    category = CategoryFactory(name="后勤服务", handlers=[handler])
    six_days_ago = timezone.now() - datetime.timedelta(days=6)
    SuggestionFactory.create_batch(3, category=category, created_at=six_days_ago)

    first, second = cluster.start_web("web-1"), cluster.start_web("web-2")
    cluster.start_worker("worker-1")
    cluster.start_worker("worker-2")
    cluster.wait_until(lambda: _answering(first) and _answering(second), "the web processes")

    # Signed in and submitting through the first process...
    browser = Browser()
    browser.get(first + reverse("account_login"))
    browser.post(first + reverse("account_login"), {"login": student.email, "password": PASSWORD})
    upload = SimpleUploadedFile("photo.jpg", image_bytes(size=(64, 48)), "image/jpeg")
    answer = browser.post(
        first + reverse("feedback:submit"),
        {"title": "图书馆延长开放时间", "body": "期末周希望开到十二点。", "category": category.pk}
        | {"photos": upload},
    )
    suggestion = Suggestion.objects.get(author=student)
    assert answer.url == first + suggestion.get_absolute_url()
    picture = Photo.objects.get(suggestion=suggestion)
    # ...the photo is in the storage every process shares, not in the process's directory.
    assert (cluster.media / picture.image.name).is_file()
    assert not any((cluster.base / "web-1").iterdir())

    # ...and the second process shows it, to the same session.
    page = browser.get(second + suggestion.get_absolute_url()).read().decode()
    assert "图书馆延长开放时间" in page
    assert picture.get_absolute_url() in page
    shown = browser.get(second + picture.get_absolute_url())
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.read() == (cluster.media / picture.image.name).read_bytes()

    # Both workers run the reminder sweep, again and again; each reminder is recorded and
    # e-mailed once.
    cluster.wait_until(
        lambda: all(" ready." in cluster.log(name) for name in ("worker-1", "worker-2")),
        "the workers",
    )
    swept = re.compile(rf"Task {re.escape(SWEEP)}\[[^\]]+\] succeeded")

    def both_swept() -> bool:
        celery_app.send_task(SWEEP, queue=cluster.env["CELERY_QUEUE"])
        time.sleep(0.3)
        return all(swept.search(cluster.log(name)) for name in ("worker-1", "worker-2"))

    with broker_at(cluster.env["REDIS_URL"]):
        cluster.wait_until(both_swept, "both workers sweeping")
    reminders = Notice.objects.filter(kind__in=["feedback-overdue", "feedback-escalated"])
    assert reminders.filter(recipient=handler).count() == 3
    assert reminders.count() == 3 * (1 + len(staff))
    cluster.wait_until(lambda: not Notice.objects.email_pending().exists(), "the e-mails sent")
    sent = cluster.emails_to()
    expected = [n.email_to or n.recipient.email for n in Notice.objects.filter(email_wanted=True)]
    assert sorted(sent) == sorted(expected)
    assert sent.count(staff[0].email) == 3
