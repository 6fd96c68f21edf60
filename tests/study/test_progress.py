"""The progress arithmetic: each requirement kind, stages, the overall share and the schedule."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from study.models import ActivityKind, Requirement, Stage, StudyEntry
from study.practice import registered
from study.progress import progress_of, progress_of_one
from tests.factories import UserFactory

from .factories import (
    ActivityFactory,
    EnrollmentFactory,
    ReadingConfirmationFactory,
    ReadingFactory,
    RegistrationFactory,
    RequirementFactory,
    StageSignOffFactory,
    StudyEntryFactory,
    StudyPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan():
    return StudyPlanFactory()


@pytest.fixture
def enrollment(plan):
    return EnrollmentFactory(plan=plan)


def _requirement(enrollment, **fields):
    return progress_of_one(enrollment).stages[fields.get("stage", Stage.THEORY) - 1].requirements


def test_hours_count_only_approved_entries_of_the_stage_within_the_period(plan, enrollment):
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=6)
    person = enrollment.person
    StudyEntryFactory(person=person, hours=Decimal("2.5"), approved=True)
    StudyEntryFactory(person=person, hours=Decimal("1.0"), approved=True)
    StudyEntryFactory(person=person, hours=Decimal("4"), submitted=True)
    StudyEntryFactory(person=person, hours=Decimal("4"))  # draft
    StudyEntryFactory(person=person, hours=Decimal("4"), status=StudyEntry.Status.RETURNED)
    StudyEntryFactory(person=person, hours=Decimal("4"), approved=True, stage=Stage.SPEECHES)
    before = plan.starts_on - datetime.timedelta(days=1)
    StudyEntryFactory(person=person, hours=Decimal("4"), approved=True, date=before)
    StudyEntryFactory(hours=Decimal("4"), approved=True)  # somebody else

    (item,) = _requirement(enrollment)
    assert item.done == Decimal("3.5")
    assert item.needed == 6
    assert item.fraction == pytest.approx(3.5 / 6)
    assert item.percent == 58
    assert not item.met
    assert item.missing == "2.5 more approved hours"


def test_hours_met_at_the_minimum(plan, enrollment):
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=4)
    StudyEntryFactory(person=enrollment.person, hours=Decimal("5"), approved=True)
    (item,) = _requirement(enrollment)
    assert item.met
    assert item.fraction == 1.0
    assert item.missing == ""


def test_readings_count_the_requirements_readings_confirmed_at_any_time(plan, enrollment):
    readings = ReadingFactory.create_batch(3)
    requirement = RequirementFactory(plan=plan, kind=Requirement.Kind.READINGS, minimum=0)
    requirement.readings.set(readings)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ReadingConfirmationFactory(reading=readings[0], person=enrollment.person, confirmed_at=long_ago)
    ReadingConfirmationFactory(reading=readings[1])  # somebody else
    ReadingConfirmationFactory(person=enrollment.person)  # a reading the plan does not ask for

    (item,) = _requirement(enrollment)
    assert (item.done, item.needed) == (1, 3)
    assert item.missing == f"2 readings to confirm: {readings[1].title}, {readings[2].title}"

    ReadingConfirmationFactory(reading=readings[1], person=enrollment.person)
    ReadingConfirmationFactory(reading=readings[2], person=enrollment.person)
    (item,) = _requirement(enrollment)
    assert item.met


def test_activities_count_attendance_at_activities_of_the_stage_and_type(plan, enrollment):
    RequirementFactory(
        plan=plan,
        kind=Requirement.Kind.ACTIVITIES,
        minimum=2,
        activity_kind=ActivityKind.BRANCH_STUDY,
    )
    RequirementFactory(plan=plan, kind=Requirement.Kind.ACTIVITIES, minimum=3)
    person = enrollment.person
    RegistrationFactory(person=person, activity=ActivityFactory(past=True), attended=True)
    RegistrationFactory(
        person=person,
        activity=ActivityFactory(past=True, kind=ActivityKind.LECTURE),
        attended=True,
    )
    RegistrationFactory(person=person, activity=ActivityFactory(past=True))  # did not come
    RegistrationFactory(
        person=person, activity=ActivityFactory(past=True, stage=Stage.SPEECHES), attended=True
    )
    outside = timezone.now() - datetime.timedelta(days=60)
    RegistrationFactory(
        person=person,
        activity=ActivityFactory(starts_at=outside, ends_at=outside + datetime.timedelta(hours=2)),
        attended=True,
    )

    branch_study, any_kind = sorted(_requirement(enrollment), key=lambda i: i.requirement.pk)
    assert (branch_study.done, branch_study.needed) == (1, 2)
    assert branch_study.missing == "1 more activity to attend"
    assert (any_kind.done, any_kind.needed) == (2, 3)


def test_reflection_is_met_by_one_long_enough_approved_text(plan, enrollment):
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=300)
    person = enrollment.person
    reflection = StudyEntry.Kind.REFLECTION
    StudyEntryFactory(person=person, kind=reflection, notes="学" * 150, approved=True)
    StudyEntryFactory(person=person, kind=reflection, notes="思" * 120, approved=True)
    StudyEntryFactory(person=person, kind=reflection, notes="悟" * 400, submitted=True)
    StudyEntryFactory(person=person, kind=StudyEntry.Kind.READING, notes="读" * 400, approved=True)

    (item,) = _requirement(enrollment)
    assert (item.done, item.needed) == (150, 300)  # the longest, not the sum
    assert item.fraction == 0.5
    assert item.missing == "The longest approved reflection has 150 of 300 characters"

    StudyEntryFactory(person=person, kind=reflection, notes="悟" * 300, approved=True)
    (item,) = _requirement(enrollment)
    assert item.met


def test_reflection_missing_entirely(plan, enrollment):
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=300)
    (item,) = _requirement(enrollment)
    assert item.done == 0
    assert item.missing == "No approved reflection yet"


def test_a_stage_is_met_when_all_its_requirements_are(plan, enrollment):
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=2)
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=10)
    StudyEntryFactory(person=enrollment.person, hours=Decimal("2"), approved=True)

    progress = progress_of_one(enrollment)
    stage = progress.current
    assert stage.fraction == 0.5
    assert not stage.met
    assert not progress.can_sign_off
    # A stage without requirements is met.
    assert progress.stages[1].met
    assert progress.stages[1].fraction == 1.0


def test_overall_weighs_stages_equally_and_counts_sign_offs(plan, enrollment):
    RequirementFactory(plan=plan, stage=Stage.SPEECHES, kind=Requirement.Kind.HOURS, minimum=4)
    StudyEntryFactory(
        person=enrollment.person, stage=Stage.SPEECHES, hours=Decimal("2"), approved=True
    )
    # In stage 1 (no requirements: met), nothing signed off: a third.
    progress = progress_of_one(enrollment)
    assert progress.overall == pytest.approx(1 / 3)

    StageSignOffFactory(enrollment=enrollment, stage=Stage.THEORY)
    enrollment.stage = Stage.SPEECHES
    enrollment.save(update_fields=["stage"])
    progress = progress_of_one(enrollment)
    assert progress.overall == pytest.approx((1 + 0.5) / 3)
    assert progress.overall_percent == 50

    enrollment.completed_at = timezone.now()
    assert progress_of_one(enrollment).overall == 1.0


def test_behind_schedule_means_more_than_ten_points_below_the_time_elapsed(plan, enrollment):
    # The plan began 30 days ago and lasts 120: a quarter has passed.
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=10)
    progress = progress_of_one(enrollment)
    assert progress.elapsed == pytest.approx(0.25)
    assert progress.behind  # 0% done

    # 5 of 10 hours: a sixth overall, within 10 points of a quarter.
    StudyEntryFactory(person=enrollment.person, hours=Decimal("5"), approved=True)
    progress = progress_of_one(enrollment)
    assert progress.overall == pytest.approx(1 / 6)
    assert not progress.behind


def test_progress_of_many_takes_the_same_queries_for_more_people(plan):
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=10)
    RequirementFactory(plan=plan, kind=Requirement.Kind.ACTIVITIES, minimum=1)
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=10)
    reading = RequirementFactory(plan=plan, kind=Requirement.Kind.READINGS, minimum=0)
    reading.readings.set(ReadingFactory.create_batch(2))
    RequirementFactory(
        plan=plan,
        stage=Stage.PRACTICE,
        kind=Requirement.Kind.PRACTICE,
        minimum=1,
        practice_sources=["suggestions"],
    )

    def measure(people: int) -> int:
        for _ in range(people):
            enrollment = EnrollmentFactory(plan=plan, person=UserFactory(party_member=True))
            StudyEntryFactory(person=enrollment.person, approved=True)
        enrollments = list(plan.enrollments.select_related("plan"))
        with CaptureQueriesContext(connection) as queries:
            result = progress_of(enrollments)
        assert len(result) == len(enrollments)
        return len(queries)

    assert measure(2) == measure(20)


class GroupStudy:
    """A practice source for the test: approved group-study entries, counted in one query."""

    key = "group-study"
    label = "Group study sessions"
    counts_what = "Approved group-study entries."

    def counted(self, person_ids, start, end):
        return (
            StudyEntry.objects.approved()
            .filter(
                person_id__in=person_ids,
                kind=StudyEntry.Kind.GROUP_STUDY,
                date__range=(start, end),
            )
            .values(for_person=F("person_id"))
            .annotate(number=Count("pk"))
            .order_by()
        )


@pytest.fixture
def group_study():
    with registered(GroupStudy()) as source:
        yield source


def test_practice_counts_come_from_the_registered_source(plan, enrollment, group_study):
    RequirementFactory(
        plan=plan,
        stage=Stage.PRACTICE,
        kind=Requirement.Kind.PRACTICE,
        minimum=3,
        practice_sources=["group-study"],
    )
    person = enrollment.person
    StudyEntryFactory.create_batch(
        2, person=person, kind=StudyEntry.Kind.GROUP_STUDY, approved=True
    )
    StudyEntryFactory(person=person, kind=StudyEntry.Kind.GROUP_STUDY)  # a draft
    (item,) = progress_of_one(enrollment).stages[Stage.PRACTICE - 1].requirements
    assert (item.done, item.needed) == (2, 3)
    assert item.title == "At least 3 practice records: Group study sessions"
    assert item.missing == "1 more practice record"
