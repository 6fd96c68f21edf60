"""The e-mail path through a real Redis broker and a real Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.urls import reverse

from notifications.models import Notice
from notifications.services import notify
from notifications.tasks import send_pending_emails
from tests.conftest import broker_at, purge_test_queue
from tests.factories import UserFactory
from workstation.celery import app as celery_app


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker(transactional_db):
    purge_test_queue()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_a_real_worker_emails_a_notice_after_commit(worker, mailoutbox):
    user = UserFactory(english=True)
    with transaction.atomic():
        notice = notify(recipient=user, kind="welcome", key="worker-round-trip")
        assert mailoutbox == []  # nothing leaves before commit
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [user.email]
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_the_periodic_sweep_runs_on_a_real_worker(worker, mailoutbox):
    user = UserFactory()
    Notice.objects.create(recipient=user, kind="test", title="t", dedup_key="sweep")
    result = send_pending_emails.delay()
    assert wait_for(lambda: len(mailoutbox) == 1)
    assert result.id


@pytest.mark.django_db(transaction=True)
def test_a_request_succeeds_while_the_broker_is_down_and_the_email_follows(
    private_redis, mailoutbox, client
):
    user = UserFactory()
    client.force_login(user)
    with broker_at(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        with transaction.atomic():
            notice = notify(recipient=user, kind="welcome", key="broker-down")
        elapsed = time.monotonic() - started
        # The page that shows it still works.
        response = client.get(reverse("notifications:inbox"))

    assert elapsed < 10, "publishing to a dead broker must not hang"
    assert response.status_code == 200
    assert notice.title in response.content.decode()
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert mailoutbox == []

    # The broker is back: the periodic task, on a real worker, sends it, once.
    purge_test_queue()
    with start_worker(celery_app, pool="solo", perform_ping_check=False):
        send_pending_emails.delay()
        assert wait_for(lambda: len(mailoutbox) == 1)
        send_pending_emails.delay()
        time.sleep(1)
    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_many_notices_while_the_broker_hangs_do_not_add_up_timeouts(silent_broker):
    users = UserFactory.create_batch(20)
    with broker_at(silent_broker):
        started = time.monotonic()
        with transaction.atomic():
            for user in users:
                notify(recipient=user, kind="welcome", key=f"batch:{user.pk}")
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert Notice.objects.email_pending().count() == 20


@pytest.mark.django_db(transaction=True)
def test_a_broker_dying_mid_life_does_not_hang_publishing(private_redis):
    user = UserFactory()
    with broker_at(private_redis.url):
        with transaction.atomic():
            notify(recipient=user, kind="welcome", key="alive")  # pooled connection made
        private_redis.stop()
        started = time.monotonic()
        with transaction.atomic():
            notify(recipient=user, kind="welcome", key="dead")
        assert time.monotonic() - started < 10
    assert Notice.objects.filter(dedup_key="dead", emailed_at__isnull=True).exists()
