"""Overdue suggestions: the handler is reminded, then staff are told; each once, however often
the sweep runs, and with as many queries for many suggestions as for few."""

import datetime
import functools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from feedback import tasks
from feedback.models import Status, Suggestion
from feedback.statistics import compute
from notifications.models import Notice
from notifications.services import NOTICE_BATCH_SIZE
from tests.factories import UserFactory

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


def test_everyone_told_of_one_suggestion_reads_it_in_his_language(handler, services, staff):
    english = UserFactory(staff=True, english=True)
    first = SuggestionFactory(category=services, title="食堂排队", created_at=_days_ago(6))
    second = SuggestionFactory(category=services, title="自习室", created_at=_days_ago(6))
    feedback_services.remind_overdue(now=NOW)
    for suggestion in (first, second):
        told = Notice.objects.filter(dedup_key__startswith=f"feedback-escalated:{suggestion.pk}:")
        chinese = f"超时未处理，已上报：{suggestion.title}"  # noqa: RUF001
        assert told.get(recipient=staff).title == chinese
        assert told.get(recipient=english).title == f"Escalated, still overdue: {suggestion.title}"
        assert told.get(recipient=english).texts == told.get(recipient=staff).texts


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
    # The late suggestions with something left to tell (none) and staff, in a savepoint (2): no
    # notice looked up.
    assert len(queries) == 4


def test_staff_are_told_when_the_time_comes_after_the_handler(handler, services, staff):
    SuggestionFactory(category=services, created_at=_days_ago(4))
    assert feedback_services.remind_overdue(now=NOW) == 1
    later = NOW + datetime.timedelta(days=2, hours=1)
    assert feedback_services.remind_overdue(now=later) == 1
    assert feedback_services.remind_overdue(now=later) == 0
    assert Notice.objects.filter(kind="feedback-overdue", recipient=handler).count() == 1
    assert Notice.objects.filter(kind="feedback-escalated", recipient=staff).count() == 1


def test_each_stage_of_lateness_is_told_once(handler, services, staff):
    late = SuggestionFactory(category=services, created_at=_days_ago(4))
    feedback_services.remind_overdue(now=NOW)
    # Answered late, then reopened by its author long enough ago to be late again.
    late.status, late.first_response_at = Status.IN_PROGRESS, _days_ago(3)
    late.reopened_at = _days_ago(8)
    late.save()
    feedback_services.remind_overdue(now=NOW)
    feedback_services.remind_overdue(now=NOW)
    stages = sorted(
        key.split(":")[2]
        for key in Notice.objects.filter(kind="feedback-overdue").values_list(
            "dedup_key", flat=True
        )
    )
    assert stages == ["answer-reopened", "first"]


def test_the_task_runs_the_sweep(handler, services):
    SuggestionFactory(category=services, created_at=timezone.now() - datetime.timedelta(days=4))
    assert tasks.remind_overdue() == 1
    assert tasks.remind_overdue() == 0


# --- one rule of lateness, for the sweep, the statistics and the pages ------------------------


def _cases(services) -> dict[str, tuple]:
    """Suggestions in every situation of lateness, each with whether it is overdue now."""
    make = functools.partial(SuggestionFactory, category=services)
    answering = {"status": Status.IN_PROGRESS, "first_response_at": _days_ago(29)}
    return {
        "first response late": (make(created_at=_days_ago(4)), True),
        "first response due": (make(created_at=_days_ago(2)), False),
        "answer late": (make(**answering, created_at=_days_ago(30)), True),
        "answer due": (
            make(status=Status.ACCEPTED, created_at=_days_ago(6), first_response_at=_days_ago(5)),
            False,
        ),
        "reopened lately": (
            make(**answering, created_at=_days_ago(30), reopened_at=_days_ago(2)),
            False,
        ),
        "reopened long ago": (
            make(**answering, created_at=_days_ago(30), reopened_at=_days_ago(8)),
            True,
        ),
        "answered": (make(status=Status.ANSWERED, created_at=_days_ago(30)), False),
        "declined": (make(status=Status.DECLINED, created_at=_days_ago(30)), False),
    }


def test_the_rule_of_lateness(handler, services):
    cases = _cases(services)
    late = set(Suggestion.objects.overdue(NOW).values_list("pk", flat=True))
    marked = dict(Suggestion.objects.with_overdue(NOW).values_list("pk", "is_overdue"))
    for name, (suggestion, overdue) in cases.items():
        assert (suggestion.pk in late) is overdue, name
        assert marked[suggestion.pk] is overdue, name


def test_the_sweep_the_statistics_and_the_queue_agree(handler, services, staff):
    cases = _cases(services)
    expected = {suggestion.pk for suggestion, overdue in cases.values() if overdue}
    feedback_services.remind_overdue(now=NOW)
    reminded = {
        int(key.split(":")[1])
        for key in Notice.objects.filter(kind="feedback-overdue").values_list(
            "dedup_key", flat=True
        )
    }
    assert reminded == expected
    assert compute(Suggestion.objects.all(), NOW)["overdue"] == len(expected)
    client = Client()
    client.force_login(staff)
    queue = client.get(reverse("feedback:queue"), {"age": "overdue", "status": ""})
    assert {suggestion.pk for suggestion in queue.context["page"]} == expected
    page = client.get(reverse("feedback:queue"), {"status": ""}).content.decode()
    assert page.count('class="badge text-bg-danger"') == len(expected)


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        feedback_services.remind_overdue(now=NOW)
    return len(queries)


def test_reminding_many_asks_as_often_as_reminding_few(handler, services, staff):
    SuggestionFactory.create_batch(2, category=services, created_at=_days_ago(6))
    first_few, again_few = _queries(), _queries()
    SuggestionFactory.create_batch(18, category=services, created_at=_days_ago(6))
    first_many, again_many = _queries(), _queries()
    assert first_few == first_many
    assert again_few == again_many
    # Each of the twenty: the handler reminded and staff told, once.
    assert Notice.objects.filter(kind="feedback-overdue", recipient=handler).count() == 20
    assert Notice.objects.filter(kind="feedback-escalated", recipient=staff).count() == 20


def test_telling_hundreds_asks_as_often_as_telling_a_few(handler, services, staff):
    """Past one e-mail batch of notices (NOTICE_BATCH_SIZE), the sweep's first run still asks the
    database as often as for a few: the notices are inserted in one statement."""
    UserFactory.create_batch(29, staff=True)  # thirty staff told of each escalation
    SuggestionFactory.create_batch(2, category=services, created_at=_days_ago(6))
    first_few = _queries()
    few_told = Notice.objects.count()
    SuggestionFactory.create_batch(18, category=services, created_at=_days_ago(6))
    first_many = _queries()
    assert Notice.objects.count() - few_told > NOTICE_BATCH_SIZE
    assert first_many == first_few
    assert Notice.objects.filter(kind="feedback-escalated").count() == 20 * 30
