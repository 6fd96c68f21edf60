"""What the study track counts: confirmed sessions per tutor, as sessions and whole hours, in
one query each; unconfirmed sessions and other dates never count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from study.practice import get_source
from tests.practice import counts_of
from tutoring.practice import tutoring_hours, tutoring_sessions

from ..factories import UserFactory
from .factories import PairingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_confirmed_sessions_count_for_the_tutor_who_gave_them(pairing, tutor):
    other = PairingFactory()
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    SessionFactory(pairing=pairing, date=start, minutes=90, confirmed=True)
    SessionFactory(pairing=pairing, date=end, minutes=60, confirmed=True)
    SessionFactory(pairing=pairing, date=datetime.date(2026, 3, 10), minutes=120)  # unconfirmed
    SessionFactory(pairing=pairing, date=datetime.date(2026, 4, 1), confirmed=True)
    SessionFactory(pairing=other, date=datetime.date(2026, 3, 5), minutes=45, confirmed=True)
    idle = UserFactory()
    people = [tutor.pk, other.tutor.pk, idle.pk]
    with CaptureQueriesContext(connection) as queries:
        sessions = counts_of(tutoring_sessions, people, start, end)
        hours = counts_of(tutoring_hours, people, start, end)
    assert len(queries) == 2
    assert sessions == {tutor.pk: 2, other.tutor.pk: 1}
    assert hours == {tutor.pk: 2, other.tutor.pk: 0}
    assert counts_of(tutoring_sessions, [], start, end) == {}


def test_the_study_track_knows_both_sources():
    assert get_source("tutoring-sessions") is tutoring_sessions
    assert get_source("tutoring-hours") is tutoring_hours
