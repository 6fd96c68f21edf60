"""The development timeline: steps in order, dated sensibly; the status follows the latest."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members.models import Milestone, PoliticalStatus
from members.services import record_step, remove_step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def record(person, kind, date, actor=None):
    return record_step(actor=actor, person=person, kind=kind, date=date, note="")


def timeline_to_probationary(person, probationary_days_ago=400):
    """Application → activist → candidate → probationary, each a plausible time apart."""
    start = probationary_days_ago + 3 * 365
    record(person, "application", days_ago(start))
    record(person, "activist", days_ago(start - 100))
    record(person, "candidate", days_ago(start - 100 - 400))
    return record(person, "probationary", days_ago(probationary_days_ago))


def refused(person, kind, date) -> str:
    before = list(person.milestones.values_list("kind", flat=True))
    status = type(person).objects.get(pk=person.pk).political_status
    with pytest.raises(ValidationError) as caught:
        record(person, kind, date)
    assert list(person.milestones.values_list("kind", flat=True)) == before
    assert type(person).objects.get(pk=person.pk).political_status == status
    return " ".join(caught.value.messages)


def test_status_follows_each_step(staff):
    person = UserFactory(political_status=PoliticalStatus.LEAGUE)
    steps = [
        ("application", 1500, PoliticalStatus.APPLICANT),
        ("activist", 1400, PoliticalStatus.ACTIVIST),
        ("candidate", 1000, PoliticalStatus.CANDIDATE),
        ("probationary", 800, PoliticalStatus.PROBATIONARY),
        ("full", 400, PoliticalStatus.FULL),
    ]
    for kind, ago, status in steps:
        milestone = record(person, kind, days_ago(ago), actor=staff)
        person.refresh_from_db()
        assert person.political_status == status
        assert milestone.recorded_by == staff
    assert [m.kind for m in person.milestones.all()] == [kind for kind, _, _ in steps]
    # Staff's change is in the person's history, with who made it.
    assert person.history.first().history_user == staff


def test_probationary_before_activist_is_refused():
    person = UserFactory()
    record(person, "application", days_ago(900))
    message = refused(person, "probationary", days_ago(10))
    assert "需要先记录" in message and "确定为入党积极分子" in message


def test_a_step_cannot_be_skipped_in_english():
    person = UserFactory()
    with translation.override("en"):
        message = refused(person, "activist", days_ago(10))
    assert message == "“Named a Party activist” needs “Application submitted” to be recorded first."


def test_a_date_in_the_future_is_refused():
    person = UserFactory()
    message = refused(person, "application", TODAY + datetime.timedelta(days=1))
    assert "不能晚于今天" in message


def test_full_membership_comes_a_year_after_probation():
    person = UserFactory()
    probationary = timeline_to_probationary(person, probationary_days_ago=300)
    with translation.override("en"):
        message = refused(person, "full", days_ago(1))
    earliest = probationary.date.replace(year=probationary.date.year + 1)
    assert "at least one year after" in message
    assert earliest.strftime("%Y") in message


def test_full_membership_on_the_anniversary_is_accepted():
    person = UserFactory()
    probationary = timeline_to_probationary(person, probationary_days_ago=366)
    anniversary = probationary.date.replace(year=probationary.date.year + 1)
    record(person, "full", anniversary)
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.FULL


def test_candidate_comes_a_year_after_activist():
    person = UserFactory()
    record(person, "application", days_ago(500))
    record(person, "activist", days_ago(300))
    assert "一年" in refused(person, "candidate", days_ago(1))


def test_a_step_cannot_be_dated_before_the_one_before_it():
    person = UserFactory()
    record(person, "application", days_ago(100))
    assert "不能早于" in refused(person, "activist", days_ago(200))


def test_a_step_is_recorded_once():
    person = UserFactory()
    record(person, "application", days_ago(100))
    assert "已经记录" in refused(person, "application", days_ago(50))


def test_an_unknown_kind_is_refused():
    assert refused(UserFactory(), "saint", days_ago(1))


def test_removing_the_latest_step_steps_the_status_back(staff):
    person = UserFactory()
    probationary = timeline_to_probationary(person)
    remove_step(actor=staff, step=probationary)
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.CANDIDATE
    assert not Milestone.objects.filter(pk=probationary.pk).exists()


def test_only_the_latest_step_can_be_removed(staff):
    person = UserFactory()
    timeline_to_probationary(person)
    first = person.milestones.get(kind="application")
    with pytest.raises(ValidationError):
        remove_step(actor=staff, step=first)
    assert person.milestones.count() == 4


def test_removing_the_only_step_restores_the_status_before_it(staff):
    person = UserFactory(political_status=PoliticalStatus.LEAGUE)
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=2))
    application = record(person, "application", days_ago(1))
    remove_step(actor=staff, step=application)
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.LEAGUE


def test_filling_in_an_earlier_step_never_lowers_the_status():
    person = UserFactory(political_status=PoliticalStatus.PROBATIONARY)  # imported as such
    record(person, "application", days_ago(900))
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.PROBATIONARY
