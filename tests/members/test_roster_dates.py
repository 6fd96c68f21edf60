"""The development dates of a roster row go through the procedure's rules on dates: every row
that breaks one is listed with its row number and the rule, and then nothing is saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from members.models import Milestone, PoliticalStatus
from members.services import RosterDates, record_roster_dates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


GOOD = {
    "application": days_ago(1500),
    "activist": days_ago(1300),
    "candidate": days_ago(900),
    "probationary": days_ago(800),
    "full": days_ago(400),
}


def recorded(person) -> dict[str, datetime.date]:
    return dict(person.milestones.values_list("kind", "date"))


def test_a_good_roster_records_the_dates_and_the_status(staff):
    full = UserFactory(political_status=PoliticalStatus.FULL, birth_date=None)
    probationer = UserFactory(political_status=PoliticalStatus.PROBATIONARY)
    rows = [
        RosterDates(2, full, GOOD, birth_date=datetime.date(1995, 3, 1), status="full"),
        RosterDates(3, probationer, {k: GOOD[k] for k in list(GOOD)[:4]}, status="probationary"),
    ]
    assert record_roster_dates(actor=staff, rows=rows) == []
    full.refresh_from_db()
    assert full.birth_date == datetime.date(1995, 3, 1)
    assert recorded(full) == GOOD | {"approval": GOOD["probationary"]}
    assert full.political_status == PoliticalStatus.FULL
    probationer.refresh_from_db()
    assert probationer.political_status == PoliticalStatus.PROBATIONARY
    assert Milestone.objects.filter(person=probationer, kind="approval").exists()
    # The same file again changes nothing.
    assert record_roster_dates(actor=staff, rows=rows) == []
    assert full.milestones.count() == 6


@pytest.mark.parametrize(
    ("dates", "birth_date", "status", "rule"),
    [
        ({"application": days_ago(100)}, datetime.date(2010, 1, 1), "", "at least 18"),
        ({"application": TODAY + datetime.timedelta(days=3)}, None, "", "in the future"),
        ({"application": days_ago(900), "candidate": days_ago(100)}, None, "", "needs"),
        (
            {"application": days_ago(900), "activist": days_ago(800), "candidate": days_ago(600)},
            None,
            "",
            "at least one year",
        ),
        (
            GOOD | {"full": GOOD["probationary"] + datetime.timedelta(days=200)},
            None,
            "",
            "The probation ends on",
        ),
        ({"application": days_ago(900)}, None, "full", "only with the date of"),
    ],
)
def test_each_broken_rule_is_listed_with_its_row_and_nothing_is_saved(
    staff, dates, birth_date, status, rule
):
    good = UserFactory()
    bad = UserFactory(political_status=PoliticalStatus.LEAGUE)
    rows = [
        RosterDates(2, good, {"application": days_ago(30)}),
        RosterDates(7, bad, dates, birth_date=birth_date, status=status),
    ]
    with translation.override("en"):
        errors = record_roster_dates(actor=staff, rows=rows)
    assert [row for row, _ in errors] == [7]
    assert rule in errors[0][1]
    assert not Milestone.objects.exists()
    bad.refresh_from_db()
    assert bad.political_status == PoliticalStatus.LEAGUE


def test_a_date_recorded_otherwise_is_refused_and_the_status_never_drops(staff):
    person = UserFactory(political_status=PoliticalStatus.FULL)
    Milestone.objects.create(person=person, kind="application", date=days_ago(2000))
    with translation.override("en"):
        errors = record_roster_dates(
            actor=staff, rows=[RosterDates(4, person, {"application": days_ago(1999)})]
        )
    assert errors and errors[0][0] == 4 and "the roster says" in errors[0][1]
    assert (
        record_roster_dates(
            actor=staff, rows=[RosterDates(4, person, {"application": days_ago(2000)})]
        )
        == []
    )
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.FULL


def test_only_who_records_steps_imports_dates(member, student):
    with pytest.raises(PermissionDenied):
        record_roster_dates(actor=member, rows=[RosterDates(2, student, GOOD)])
    assert not Milestone.objects.exists()
