"""The study track's reminders: behind schedule (once a week) and the review queue (once a day),
each sent once however often the sweep runs, in queries that do not grow with the people."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import PoliticalStatus, WorkstationRole
from notifications.models import Notice
from study import tasks
from study.models import Requirement
from study.services.track import remind_behind_schedule, remind_review_queue
from tests.factories import BranchFactory, UserFactory, WorkstationGroupFactory
from workstation.celery import app as celery_app
from workstation.management.commands.setup_periodic_tasks import PERIODIC_TASKS

from .factories import EnrollmentFactory, RequirementFactory, StudyEntryFactory, StudyPlanFactory

pytestmark = pytest.mark.django_db

OLD = timezone.now() - datetime.timedelta(days=4)


@pytest.fixture
def plan():
    plan = StudyPlanFactory()  # a quarter of its time has passed
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=10)
    return plan


def test_participants_behind_schedule_are_told_once_a_week(plan, member):
    behind = EnrollmentFactory(plan=plan, person=member)
    on_track = EnrollmentFactory(plan=plan)
    StudyEntryFactory(person=on_track.person, hours=Decimal("10"), approved=True)
    today = timezone.localdate()
    assert remind_behind_schedule(today=today) == 1
    assert remind_behind_schedule(today=today) == 0
    notice = Notice.objects.get()
    assert notice.recipient == member
    assert notice.kind == "study-behind"
    year, week, _ = today.isocalendar()
    assert notice.dedup_key == f"study-behind:{behind.pk}:{year}-W{week:02d}"
    # Later the same week: nothing new. The week after: told again.
    monday = today - datetime.timedelta(days=today.weekday())
    assert remind_behind_schedule(today=monday + datetime.timedelta(days=6)) == 0
    assert remind_behind_schedule(today=monday + datetime.timedelta(days=7)) == 1


def test_completed_participants_and_ended_plans_are_left_alone(plan):
    EnrollmentFactory(plan=plan, completed_at=timezone.now())
    old_plan = StudyPlanFactory(
        starts_on=timezone.localdate() - datetime.timedelta(days=200),
        ends_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    RequirementFactory(plan=old_plan, kind=Requirement.Kind.HOURS, minimum=10)
    EnrollmentFactory(plan=old_plan)
    assert remind_behind_schedule() == 0


def _grow_behind(plan, count: int) -> None:
    for _ in range(count):
        EnrollmentFactory(plan=plan)


def _queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        function(**kwargs)
    return len(queries)


def test_the_behind_sweep_takes_the_same_queries_for_more_people(plan):
    _grow_behind(plan, 2)
    first_small = _queries(remind_behind_schedule)
    again_small = _queries(remind_behind_schedule)
    _grow_behind(plan, 20)
    first_large = _queries(remind_behind_schedule)
    again_large = _queries(remind_behind_schedule)
    assert again_small == again_large
    # Once everyone is told this week or computed today, no progress is computed again: the
    # participants left (none) are read in one query, in the sweep's savepoint.
    assert again_large == 3
    # Finding who to tell does not grow, nor does recording the notices: they go in together.
    assert first_small == first_large
    assert Notice.objects.filter(kind="study-behind").count() == 22


def test_reviewers_with_entries_waiting_three_days_are_told_once_a_day(reviewer, member, branch):
    StudyEntryFactory.create_batch(2, person=member, submitted=True, submitted_at=OLD)
    StudyEntryFactory(person=member, submitted=True)  # submitted just now
    now = timezone.now()
    assert remind_review_queue(now=now) == 1
    assert remind_review_queue(now=now) == 0
    notice = Notice.objects.get(recipient=reviewer)
    assert notice.kind == "study-queue"
    assert notice.dedup_key == f"study-queue:{reviewer.pk}:{timezone.localdate(now).isoformat()}"
    assert notice.title.startswith("2")
    assert remind_review_queue(now=now + datetime.timedelta(days=1)) == 1


def test_nobody_is_told_of_fresh_entries_or_his_own(reviewer, member):
    StudyEntryFactory(person=member, submitted=True)
    StudyEntryFactory(person=reviewer, submitted=True, submitted_at=OLD)
    assert remind_review_queue() == 0


def test_group_leaders_and_officers_are_reviewers_too():
    group = WorkstationGroupFactory()
    leader = UserFactory(party_member=True, group=group, workstation_role=WorkstationRole.LEADER)
    head = UserFactory(party_member=True, workstation_role=WorkstationRole.HEAD)
    person = UserFactory(party_member=True, group=group, workstation_role=WorkstationRole.MEMBER)
    StudyEntryFactory(person=person, submitted=True, submitted_at=OLD)
    assert remind_review_queue() == 2
    assert set(Notice.objects.values_list("recipient", flat=True)) == {leader.pk, head.pk}


def _grow_queue(count: int) -> None:
    for _ in range(count):
        branch = BranchFactory()
        secretary = UserFactory(political_status=PoliticalStatus.FULL)
        branch.secretary = secretary
        branch.save(update_fields=["secretary"])
        person = UserFactory(party_member=True, branch=branch)
        StudyEntryFactory.create_batch(2, person=person, submitted=True, submitted_at=OLD)


def test_the_queue_sweep_takes_the_same_queries_for_more_people():
    _grow_queue(2)
    first_small = _queries(remind_review_queue)
    again_small = _queries(remind_review_queue)
    _grow_queue(10)
    Notice.objects.all().delete()
    first_large = _queries(remind_review_queue)
    again_large = _queries(remind_review_queue)
    assert again_small == again_large
    # Reviewers told today are left out before their queues are counted: one query.
    assert again_large == 1
    # Telling twelve reviewers costs what telling two does: the notices go in together.
    assert first_small == first_large
    assert Notice.objects.filter(kind="study-queue").count() == 12


def test_the_tasks_are_registered_and_scheduled(plan, member):
    EnrollmentFactory(plan=plan, person=member)
    for name in ("study.remind_behind_schedule", "study.remind_review_queue"):
        assert name in celery_app.tasks
        assert (name, 24 * 60) in PERIODIC_TASKS.values()
    assert tasks.remind_behind_schedule.apply().get() == 1
    assert tasks.remind_review_queue.apply().get() == 0
