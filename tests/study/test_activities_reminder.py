"""The day before an activity, everyone with a place is told, once."""

import datetime

import pytest
from django.utils import timezone

from members.models import PoliticalStatus
from notifications.models import Notice
from study import tasks
from study.services.activities import remind_activity_tomorrow
from tests.factories import UserFactory
from workstation.celery import app as celery_app
from workstation.management.commands.setup_periodic_tasks import PERIODIC_TASKS

from .factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def at_local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def tomorrows_activity(**kwargs):
    return ActivityFactory(
        title="专家讲座 新时代党的建设",
        starts_at=at_local(TOMORROW, 9),
        ends_at=at_local(TOMORROW, 11),
        **kwargs,
    )


def test_people_with_a_place_tomorrow_are_told_once(member):
    activity = tomorrows_activity()
    place = RegistrationFactory(activity=activity, person=member)
    RegistrationFactory(activity=activity, status="waitlisted")
    RegistrationFactory(activity=activity, status="cancelled")
    english = RegistrationFactory(
        activity=activity,
        person=UserFactory(political_status=PoliticalStatus.FULL, language="en"),
    )
    later = ActivityFactory(
        starts_at=at_local(TOMORROW + datetime.timedelta(days=1), 0),
        ends_at=at_local(TOMORROW + datetime.timedelta(days=1), 2),
    )
    RegistrationFactory(activity=later)
    today = ActivityFactory(starts_at=at_local(TODAY, 23), ends_at=at_local(TOMORROW, 1))
    RegistrationFactory(activity=today)

    now = at_local(TODAY, 8)
    assert remind_activity_tomorrow(now=now) == 2
    notices = Notice.objects.filter(kind="study-activity-tomorrow")
    assert {n.dedup_key for n in notices} == {
        f"study-activity-tomorrow:{place.pk}",
        f"study-activity-tomorrow:{english.pk}",
    }
    chinese = notices.get(recipient=member)
    assert "明天" in chinese.title or "Tomorrow" in chinese.title
    assert "新时代党的建设" in chinese.title
    assert activity.place in chinese.body
    assert chinese.link == f"/study/activities/{activity.pk}/"
    assert "Tomorrow" in notices.get(recipient=english.person).title

    # However often the sweep runs, nobody is told twice.
    assert remind_activity_tomorrow(now=now) == 0
    assert remind_activity_tomorrow(now=now + datetime.timedelta(hours=10)) == 0
    assert notices.count() == 2


def test_inactive_people_are_not_told(member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    RegistrationFactory(activity=tomorrows_activity(), person=member)
    assert remind_activity_tomorrow(now=at_local(TODAY, 8)) == 0


@pytest.mark.parametrize("run", ["first", "second"])
def test_the_sweep_asks_a_fixed_number_of_queries(run, django_assert_max_num_queries):
    """Finding who to remind and recording the notices cost the same however many people
    have a place, and a second run records none."""
    now = at_local(TODAY, 8)

    def add(count: int) -> None:
        RegistrationFactory.create_batch(count, activity=tomorrows_activity())

    def sweep(expected: int) -> int:
        if run == "second":
            remind_activity_tomorrow(now=now)
            expected = 0
        with django_assert_max_num_queries(1000) as queries:
            assert remind_activity_tomorrow(now=now) == expected
        return len(queries.captured_queries)

    add(3)
    small = sweep(3)
    Notice.objects.all().delete()
    add(27)
    large = sweep(30)
    if run == "second":
        assert large == small == 2
    else:
        assert large == small
    assert Notice.objects.count() == 30


def test_the_hourly_task_is_registered_and_scheduled(member):
    RegistrationFactory(activity=tomorrows_activity(), person=member)
    assert "study.remind_activity_tomorrow" in celery_app.tasks
    assert ("study.remind_activity_tomorrow", 60) in PERIODIC_TASKS.values()
    # The task runs the sweep (against the real clock: "tomorrow" is tomorrow).
    assert tasks.remind_activity_tomorrow.apply().get() == 1
    assert tasks.remind_activity_tomorrow.apply().get() == 0
