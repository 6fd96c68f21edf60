"""A worker killed after the mail server accepted a message, before the notice is marked sent,
sends it again on retry. The notice is marked as soon as the server accepts the message, so a
worker killed while it says goodbye to the server (the slowest step left) does not."""

import os
import signal
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from notifications.services import notify, send_pending_emails
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


class _SlowAtQuit(socketserver.StreamRequestHandler):
    """Just enough SMTP: accepts every message, and is slow to answer QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith(b"QUIT"):
                self.server.quitting.set()
                self.server.released.wait(10)
                self.wfile.write(b"221 bye\r\n")
                return
            if command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.messages.append(body)
                self.wfile.write(b"250 queued\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def mail_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SlowAtQuit)
    server.daemon_threads = True
    server.messages = []
    server.quitting = threading.Event()
    server.released = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()


def test_a_worker_killed_after_the_server_accepted_does_not_send_twice(
    transactional_db, settings, mail_server
):
    port = mail_server.server_address[1]
    notice = notify(recipient=UserFactory(), kind="welcome", key="k")
    database = connection.settings_dict
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from notifications.services import send_pending_emails; send_pending_emails()",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "workstation.settings",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        },
    )
    try:
        assert mail_server.quitting.wait(30), "the worker never sent the message"
        worker.send_signal(signal.SIGKILL)  # killed while saying goodbye
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert len(mail_server.messages) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    mail_server.released.set()
    send_pending_emails()  # the periodic retry

    assert len(mail_server.messages) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert f"notice-{notice.pk}@".encode() in mail_server.messages[0]  # its own Message-ID
