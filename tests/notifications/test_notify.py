import threading

import pytest
from django.db import connection

from notifications.models import Notice
from notifications.services import notify, send_pending_emails
from tests.factories import UserFactory


@pytest.mark.django_db
def test_notify_records_a_notice_in_the_recipients_language():
    chinese = UserFactory(name="陈同学")
    english = UserFactory(english=True, name="Chen")
    zh = notify(recipient=chinese, kind="welcome", key="welcome:zh", email=False)
    en = notify(recipient=english, kind="welcome", key="welcome:en", email=False)
    assert zh.title.startswith("欢迎")
    assert "陈同学" in zh.body
    assert en.title.startswith("Welcome to")


@pytest.mark.django_db
def test_the_same_key_records_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify(recipient=user, kind="welcome", key="once")
        second = notify(recipient=user, kind="welcome", key="once")
    assert first.pk == second.pk
    assert Notice.objects.filter(dedup_key="once").count() == 1
    assert len(callbacks) == 1  # one e-mail enqueued, not two


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calls_record_one_notice():
    user = UserFactory()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            barrier.wait()
            results.append(notify(recipient=user, kind="welcome", key="race", email=False).pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert Notice.objects.filter(dedup_key="race").count() == 1


@pytest.mark.django_db
def test_email_is_rendered_in_the_recipients_language(mailoutbox):
    user = UserFactory(english=True, name="Chen")
    notify(recipient=user, kind="welcome", key="k")
    assert send_pending_emails() == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert "Welcome to" in message.subject
    assert "Hello Chen," in message.body
    html = message.alternatives[0][0]
    assert "Hello Chen," in html


@pytest.mark.django_db
def test_chinese_email_for_a_chinese_reader(mailoutbox):
    user = UserFactory(name="陈同学")
    notify(recipient=user, kind="welcome", key="k")
    send_pending_emails()
    assert "欢迎" in mailoutbox[0].subject
    assert "陈同学" in mailoutbox[0].body


@pytest.mark.django_db
def test_pending_emails_are_sent_once(mailoutbox):
    user = UserFactory()
    notice = notify(recipient=user, kind="welcome", key="k")
    assert send_pending_emails() == 1
    assert send_pending_emails() == 0
    assert len(mailoutbox) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None


@pytest.mark.django_db
def test_a_notice_without_email_wanted_is_not_mailed(mailoutbox):
    notify(recipient=UserFactory(), kind="welcome", key="k", email=False)
    assert send_pending_emails() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_smtp_down_keeps_the_email_pending_then_sends_it(settings, mailoutbox):
    user = UserFactory()
    notice = notify(recipient=user, kind="welcome", key="k")
    # A real SMTP client against a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assert send_pending_emails() == 0
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert notice.email_attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_email_that_keeps_failing_is_given_up(settings):
    settings.NOTICE_EMAIL_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    notice = notify(recipient=UserFactory(), kind="welcome", key="k")
    send_pending_emails()
    send_pending_emails()
    send_pending_emails()
    notice.refresh_from_db()
    assert notice.email_attempts == 2
    assert notice.email_failed_at is not None
    assert notice.is_read is False  # still in the inbox
