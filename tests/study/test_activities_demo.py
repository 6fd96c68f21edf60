"""The demo's readings and activities: past ones attended, one under way run by the reviewer,
upcoming ones with places and a waiting list; the same under the same seed, and added once."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import PoliticalStatus
from study.demo_activities import RUNNING_TITLE, seed_activities_and_readings
from study.models import Activity, Reading, ReadingConfirmation, Registration, StudyEntry
from tests.factories import UserFactory

from .factories import EnrollmentFactory, StudyPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(branch, reviewer, member, staff):
    plan = StudyPlanFactory()
    people = [member] + [
        UserFactory(political_status=PoliticalStatus.ACTIVIST, branch=branch) for _ in range(24)
    ]
    for person in people[:5]:
        EnrollmentFactory(plan=plan, person=person)  # the others are enrolled by the demo
    return plan, [staff, reviewer], people


def seed(plan, organisers, people, seed_value=2016):
    return seed_activities_and_readings(
        plan=plan,
        organisers=organisers,
        people=people,
        rng=random.Random(seed_value),
        now=timezone.now(),
    )


def test_the_demo_has_readings_and_activities_in_every_state(cast, reviewer, member):
    plan, organisers, people = cast
    report = seed(plan, organisers, people)
    assert report.created
    assert {reading.stage for reading in Reading.objects.all()} == {1, 2, 3}
    assert Reading.objects.filter(title="中国共产党章程").exists()
    # Every reading has something to read: its study guide, and for some a link too.
    assert all(reading.text for reading in Reading.objects.all())
    assert Reading.objects.exclude(url="").exists()

    now = timezone.now()
    past = Activity.objects.filter(ends_at__lt=now)
    assert past.count() == 3
    attended = Registration.objects.filter(activity__in=past, attended_at__isnull=False)
    assert attended.exists()
    # Every attendance credited its hours once, as an approved entry.
    assert StudyEntry.objects.filter(kind="activity", status="approved").count() == (
        Registration.objects.filter(attended_at__isnull=False).count()
    )

    running = Activity.objects.get(title=RUNNING_TITLE)
    assert running.organiser == reviewer and running.starts_at < now < running.ends_at
    assert running.branch == reviewer.branch

    upcoming = Activity.objects.filter(starts_at__gt=now)
    assert upcoming.count() == 4
    assert Registration.objects.filter(activity__in=upcoming, status="waitlisted").exists()
    for activity in Activity.objects.all():
        taken = activity.registrations.filter(status="registered").count()
        assert taken <= activity.capacity
    assert ReadingConfirmation.objects.exists()


def test_the_demo_is_deterministic_and_added_once(cast):
    plan, organisers, people = cast
    seed(plan, organisers, people)

    def snapshot():
        return sorted(
            (r.activity.title, r.person.email, r.status, r.attended_at is None)
            for r in Registration.objects.select_related("activity", "person")
        )

    first = snapshot()
    again = seed(plan, organisers, people)
    assert not again.created
    assert snapshot() == first
    assert Reading.objects.filter(title="中国共产党章程").count() == 1

    # Once the session under way has ended, a later run schedules a new one.
    running = Activity.objects.get(title=RUNNING_TITLE)
    later = running.ends_at + datetime.timedelta(hours=1)
    seed_activities_and_readings(
        plan=plan, organisers=organisers, people=people, rng=random.Random(1), now=later
    )
    assert Activity.objects.filter(title=RUNNING_TITLE, ends_at__gt=later).count() == 1
    assert snapshot() == first

    Registration.objects.all().delete()
    StudyEntry.objects.all().delete()
    ReadingConfirmation.objects.all().delete()
    Activity.objects.all().delete()
    seed(plan, organisers, people)
    same = snapshot()
    assert [row[0] for row in same] == [row[0] for row in first]
    assert [row[2:] for row in same] == [row[2:] for row in first]


def test_a_demo_reading_opens_on_something_to_read(cast, member_client):
    seed(*cast)
    reading = Reading.objects.get(title="中国共产党廉洁自律准则")
    page = member_client.get(reverse("study:reading", args=[reading.pk])).content.decode()
    assert 'data-testid="reading-text"' in page
    assert "阅读重点" in page and "www.12371.cn" in page
