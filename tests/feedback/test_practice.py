"""What the study track counts: suggestions answered per person within dates, in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback import services as feedback_services
from feedback.practice import suggestions_answered
from tests.factories import UserFactory
from tests.practice import counts_of

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def _answered_on(person, day: datetime.date, category):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 30)))
    return SuggestionFactory(
        category=category, answered=True, answered_by=person, answered_at=moment
    )


def test_answers_are_counted_per_person_within_the_dates(services, handler):
    other = UserFactory()
    idle = UserFactory()
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    _answered_on(handler, datetime.date(2026, 3, 1), services)
    _answered_on(handler, datetime.date(2026, 3, 31), services)  # 23:30 local, still March
    _answered_on(handler, datetime.date(2026, 4, 1), services)
    _answered_on(other, datetime.date(2026, 3, 15), services)
    _answered_on(idle, datetime.date(2026, 2, 28), services)
    with CaptureQueriesContext(connection) as queries:
        counts = counts_of(suggestions_answered, [handler.pk, other.pk, idle.pk], start, end)
    assert len(queries) == 1
    assert counts == {handler.pk: 2, other.pk: 1}
    assert counts_of(suggestions_answered, [], start, end) == {}


def test_an_answer_through_the_service_counts_for_whoever_answered(services, handler, staff):
    suggestion = SuggestionFactory(category=services)
    feedback_services.answer_suggestion(actor=handler, suggestion=suggestion, answer="好。")
    today = timezone.localdate()
    assert counts_of(suggestions_answered, {handler.pk, staff.pk}, today, today) == {handler.pk: 1}
