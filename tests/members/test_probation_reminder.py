"""Probations ending within 30 days are told to staff and the branch secretary, once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import tasks
from members.models import Milestone, PoliticalStatus
from members.services import remind_probation_ending
from notifications.models import Notice
from tests.factories import MilestoneFactory, UserFactory
from workstation.celery import app as celery_app
from workstation.management.commands.setup_periodic_tasks import PERIODIC_TASKS

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def probationer(branch, *, began: datetime.date, status=PoliticalStatus.PROBATIONARY):
    person = UserFactory(name="赵预备", political_status=status, branch=branch)
    MilestoneFactory(person=person, kind=Milestone.Kind.PROBATIONARY, date=began)
    return person


def a_year_before(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year - 1)


def notices_about(person):
    return Notice.objects.filter(kind="probation-ending", link=person.get_absolute_url())


def test_staff_and_the_secretary_are_told_once(branch, reviewer, staff):
    other_staff = UserFactory(staff=True, english=True)
    person = probationer(branch, began=a_year_before(TODAY + datetime.timedelta(days=20)))
    UserFactory(political_status=PoliticalStatus.FULL, branch=branch)  # not told

    assert remind_probation_ending() == 3
    notices = notices_about(person)
    assert {n.recipient for n in notices} == {reviewer, staff, other_staff}
    ends = (TODAY + datetime.timedelta(days=20)).strftime("%Y")
    chinese = notices.get(recipient=reviewer)
    assert "赵预备" in chinese.title and "预备期" in chinese.title
    assert ends in chinese.body and "本科生第一党支部" in chinese.body
    assert "probation" in notices.get(recipient=other_staff).title

    assert remind_probation_ending() == 0
    assert remind_probation_ending(today=TODAY + datetime.timedelta(days=5)) == 0
    assert notices_about(person).count() == 3


def test_a_probation_further_off_waits(branch, reviewer, staff):
    person = probationer(branch, began=a_year_before(TODAY + datetime.timedelta(days=31)))
    assert remind_probation_ending() == 0
    assert remind_probation_ending(today=TODAY + datetime.timedelta(days=1)) == 2
    assert notices_about(person).count() == 2


def test_an_overdue_probation_is_told_but_a_confirmed_member_is_not(branch, reviewer, staff):
    overdue = probationer(branch, began=TODAY - datetime.timedelta(days=400))
    confirmed = probationer(
        branch, began=TODAY - datetime.timedelta(days=360), status=PoliticalStatus.FULL
    )
    remind_probation_ending()
    assert notices_about(overdue).count() == 2
    assert notices_about(confirmed).count() == 0


def test_a_person_without_branch_is_told_to_staff(staff):
    person = probationer(None, began=TODAY - datetime.timedelta(days=360))
    assert remind_probation_ending() == 1
    assert notices_about(person).get().recipient == staff


def test_the_daily_task_is_registered_and_scheduled(branch, reviewer):
    probationer(branch, began=TODAY - datetime.timedelta(days=360))
    assert "members.remind_probation_ending" in celery_app.tasks
    assert ("members.remind_probation_ending", 24 * 60) in PERIODIC_TASKS.values()
    assert tasks.remind_probation_ending.apply().get() == 1


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        remind_probation_ending(**kwargs)
    return len(queries)


def test_the_sweep_asks_as_often_for_many_probations(branch, reviewer, staff):
    began = a_year_before(TODAY + datetime.timedelta(days=10))
    for _ in range(2):
        probationer(branch, began=began)
    first_few, again_few = _queries(), _queries()
    Notice.objects.all().delete()
    for _ in range(10):
        probationer(branch, began=began)
    first_many, again_many = _queries(), _queries()
    assert first_few == first_many
    assert again_few == again_many
    # Staff and the secretary, about each of the twelve: once, however often it runs.
    assert Notice.objects.filter(kind="probation-ending").count() == 24
