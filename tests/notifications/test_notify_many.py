"""`notify_many`, what every reminder sweep records its notices with: the people already told are
skipped in one query, the others' notices are rendered as `notify` renders them and inserted
together, once each even when two runs race, and their e-mails go to the broker as one message
per batch, after commit; a broker outage loses none of them."""

import base64
import json
import threading
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Notice
from notifications.services import Reminder, notify, notify_many, send_pending_emails
from tests.conftest import broker_at
from tests.factories import UserFactory
from workstation.celery import app as celery_app

COMPARED = ("recipient_id", "kind", "title", "body", "texts", "link", "email_wanted")
COMPARED += ("email_to", "private")
OPTIONS = ({}, {"email": False}, {"email_to": "old@example.edu.cn"}, {"private": True})


def _welcome(person, key: str | None = None, **kwargs) -> Reminder:
    return Reminder(recipient=person, kind="welcome", key=key or f"welcome:{person.pk}", **kwargs)


@pytest.mark.django_db
def test_a_notice_reads_as_notify_would_have_written_it():
    chinese, english = UserFactory(name="陈同学"), UserFactory(english=True, name="Chen")
    for person in (chinese, english):
        for options in OPTIONS:
            suffix = ":".join(f"{k}={v}" for k, v in options.items())
            notify(recipient=person, kind="welcome", key=f"one:{person.pk}:{suffix}", **options)
            notify_many(
                reminders=[_welcome(person, f"many:{person.pk}:{suffix}", link="/x/", **options)]
            )
            one = Notice.objects.get(dedup_key=f"one:{person.pk}:{suffix}")
            many = Notice.objects.get(dedup_key=f"many:{person.pk}:{suffix}")
            for name in COMPARED:
                expected = "/x/" if name == "link" else getattr(one, name)
                assert getattr(many, name) == expected, name
    english_notice = Notice.objects.get(dedup_key=f"many:{english.pk}:")
    assert english_notice.title.startswith("Welcome to")
    assert english_notice.texts["zh-hans"]["title"].startswith("欢迎")


@pytest.mark.django_db
def test_who_was_told_is_skipped_and_a_second_run_records_nothing():
    people = UserFactory.create_batch(3)
    notify(recipient=people[0], kind="welcome", key=f"welcome:{people[0].pk}")
    reminders = [_welcome(person) for person in people] + [_welcome(people[1])]  # one twice
    assert notify_many(reminders=reminders) == 2
    assert notify_many(reminders=reminders) == 0
    assert Notice.objects.count() == 3
    assert sorted(Notice.objects.values_list("recipient_id", flat=True)) == sorted(
        person.pk for person in people
    )


@pytest.mark.django_db
def test_recipients_given_by_id_are_loaded_only_when_told():
    told, already = UserFactory(english=True), UserFactory()
    notify(recipient=already, kind="welcome", key="by-id:already")
    reminders = [_welcome(told.pk, "by-id:told"), _welcome(already.pk, "by-id:already")]
    reminders.append(_welcome(10**9, "by-id:nobody"))  # an account deleted meanwhile
    assert notify_many(reminders=reminders) == 1
    notice = Notice.objects.get(dedup_key="by-id:told")
    assert notice.recipient == told
    assert notice.title.startswith("Welcome to")


def _queries(reminders) -> int:
    with CaptureQueriesContext(connection) as queries:
        notify_many(reminders=reminders)
    return len(queries)


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_people_told(django_capture_on_commit_callbacks):
    few, many = UserFactory.create_batch(3), UserFactory.create_batch(30)
    with django_capture_on_commit_callbacks() as callbacks:
        first_few = _queries([_welcome(person) for person in few])
        first_many = _queries([_welcome(person) for person in many])
    assert first_few == first_many
    assert len(callbacks) == 2  # one e-mail task for each batch, not one per notice
    assert Notice.objects.count() == 33
    # Once everyone is told: one query, whatever the number.
    assert _queries([_welcome(person) for person in few]) == 1
    assert _queries([_welcome(person) for person in many]) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_each_notice_once():
    people = UserFactory.create_batch(20)
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run(chosen) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                counts.append(notify_many(reminders=[_welcome(person) for person in chosen]))
                time.sleep(0.2)  # hold the rows: the other run waits on the unique key
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    # The two runs overlap in ten people.
    threads = [threading.Thread(target=run, args=(part,)) for part in (people[:15], people[5:])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(counts) == 2
    assert Notice.objects.count() == 20
    for person in people:
        assert Notice.objects.filter(recipient=person).count() == 1


def _messages(server_url: str) -> list[tuple[str, list]]:
    """The task messages waiting in the test queue: (task name, arguments)."""
    client = redis.Redis.from_url(server_url)
    found = []
    for raw in client.lrange(celery_app.conf.task_default_queue, 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], args))
    return found


@pytest.mark.django_db(transaction=True)
def test_one_broker_message_per_batch_and_each_email_once(private_redis, mailoutbox):
    people = UserFactory.create_batch(5)
    with broker_at(private_redis.url):
        with transaction.atomic():
            assert notify_many(reminders=[_welcome(person) for person in people], batch_size=2) == 5
            assert _messages(private_redis.url) == []  # nothing leaves before commit
        messages = _messages(private_redis.url)
        assert [name for name, _args in messages] == ["notifications.send_notice_emails"] * 3
        sent_ids = sorted(pk for _name, (ids,) in messages for pk in ids)
        assert sent_ids == sorted(Notice.objects.values_list("pk", flat=True))

        # A real worker takes the three messages and sends five e-mails, once each.
        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            deadline = time.monotonic() + 15
            while len(mailoutbox) < 5 and time.monotonic() < deadline:
                time.sleep(0.1)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(p.email for p in people)
    assert not Notice.objects.email_pending().exists()


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_no_email(private_redis, mailoutbox):
    people = UserFactory.create_batch(4)
    with broker_at(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        with transaction.atomic():
            assert notify_many(reminders=[_welcome(person) for person in people], batch_size=2) == 4
        assert time.monotonic() - started < 10, "a dead broker must not hang the sweep"
    assert Notice.objects.email_pending().count() == 4
    # The periodic task finds them.
    assert send_pending_emails() == 4
    assert len(mailoutbox) == 4
