"""Overdue suggestions: the handler is reminded, then staff are told; each once, however often
the sweep runs, and with as many queries for many suggestions as for few."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import services as feedback_services
from feedback import tasks
from feedback.models import Status
from notifications.models import Notice

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def test_a_late_first_response_reminds_the_handler_once(handler, services, staff):
    late = SuggestionFactory(category=services, created_at=_days_ago(4))
    SuggestionFactory(category=services, created_at=_days_ago(1))  # not due yet
    assert feedback_services.remind_overdue(now=NOW) == 1
    assert feedback_services.remind_overdue(now=NOW) == 0
    reminder = Notice.objects.get(kind="feedback-overdue")
    assert reminder.recipient == handler
    assert late.title in reminder.title
    assert not Notice.objects.filter(kind="feedback-escalated").exists()


def test_staying_overdue_escalates_to_staff_once(handler, services, staff):
    SuggestionFactory(category=services, created_at=_days_ago(6))
    feedback_services.remind_overdue(now=NOW)
    feedback_services.remind_overdue(now=NOW)
    assert Notice.objects.filter(kind="feedback-overdue", recipient=handler).count() == 1
    assert Notice.objects.filter(kind="feedback-escalated", recipient=staff).count() == 1


def test_a_late_answer_reminds_the_assignee(handler, services, staff):
    SuggestionFactory(
        category=services,
        status=Status.IN_PROGRESS,
        assignee=handler,
        created_at=_days_ago(8),
        first_response_at=_days_ago(7),
    )
    feedback_services.remind_overdue(now=NOW)
    assert Notice.objects.filter(kind="feedback-overdue", recipient=handler).count() == 1
    assert "feedback-overdue" in Notice.objects.get(recipient=handler).dedup_key


def test_answered_and_closed_ones_are_left_alone(handler, services):
    SuggestionFactory(category=services, status=Status.ANSWERED, created_at=_days_ago(30))
    SuggestionFactory(category=services, status=Status.CLOSED, created_at=_days_ago(30))
    assert feedback_services.remind_overdue(now=NOW) == 0


def test_the_category_targets_apply(handler, services):
    services.first_response_days = 10
    services.save(update_fields=["first_response_days"])
    SuggestionFactory(category=services, created_at=_days_ago(4))
    assert feedback_services.remind_overdue(now=NOW) == 0


def test_without_handlers_staff_are_reminded(staff, other_category):
    SuggestionFactory(category=other_category, created_at=_days_ago(4))
    feedback_services.remind_overdue(now=NOW)
    assert Notice.objects.get(kind="feedback-overdue").recipient == staff


@pytest.mark.parametrize("count", [2, 20])
def test_the_sweep_asks_as_often_for_many(handler, services, staff, count):
    SuggestionFactory.create_batch(count, category=services, created_at=_days_ago(6))
    feedback_services.remind_overdue(now=NOW)
    with CaptureQueriesContext(connection) as queries:
        assert feedback_services.remind_overdue(now=NOW) == 0
    assert len(queries) <= 5


def test_the_task_runs_the_sweep(handler, services):
    SuggestionFactory(category=services, created_at=timezone.now() - datetime.timedelta(days=4))
    assert tasks.remind_overdue() == 1
    assert tasks.remind_overdue() == 0


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        feedback_services.remind_overdue(now=NOW)
    return len(queries)


def test_reminding_many_asks_as_often_as_reminding_few(handler, services, staff):
    SuggestionFactory.create_batch(2, category=services, created_at=_days_ago(6))
    first_few, again_few = _queries(), _queries()
    Notice.objects.all().delete()
    SuggestionFactory.create_batch(18, category=services, created_at=_days_ago(6))
    first_many, again_many = _queries(), _queries()
    assert first_few == first_many
    assert again_few == again_many
    # Each of the twenty: the handler reminded and staff told, once.
    assert Notice.objects.filter(kind="feedback-overdue", recipient=handler).count() == 20
    assert Notice.objects.filter(kind="feedback-escalated", recipient=staff).count() == 20
