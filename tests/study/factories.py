"""Factories of the study track: only the required fields, with traits for states."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from study.models import (
    Activity,
    ActivityKind,
    Enrollment,
    Reading,
    ReadingConfirmation,
    Registration,
    Requirement,
    Stage,
    StageSignOff,
    StudyEntry,
    StudyPlan,
)
from tests.factories import UserFactory


def _today() -> datetime.date:
    return timezone.localdate()


class StudyPlanFactory(factory.django.DjangoModelFactory):
    """A semester-long plan that began 30 days ago."""

    class Meta:
        model = StudyPlan

    name = factory.Sequence(lambda n: f"2026年秋季学期学习计划{n}")
    starts_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=90))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    plan = factory.SubFactory(StudyPlanFactory)
    person = factory.SubFactory(UserFactory, party_member=True)


class RequirementFactory(factory.django.DjangoModelFactory):
    """Stage 1 asks for 10 approved hours unless told otherwise."""

    class Meta:
        model = Requirement

    plan = factory.SubFactory(StudyPlanFactory)
    stage = Stage.THEORY
    kind = Requirement.Kind.HOURS
    minimum = 10


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    title = factory.Sequence(lambda n: f"《中国共产党章程》第{n}章")
    source = "《中国共产党章程》"
    stage = Stage.THEORY
    text = "第一条 年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子……"


class ReadingConfirmationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingConfirmation

    reading = factory.SubFactory(ReadingFactory)
    person = factory.SubFactory(UserFactory, party_member=True)
    note = "读后有收获。"


class ActivityFactory(factory.django.DjangoModelFactory):
    """A two-hour branch study session tomorrow afternoon, 30 places, 2 hours credited."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"支部学习会{n}")
    kind = ActivityKind.BRANCH_STUDY
    stage = Stage.THEORY
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
        )
    )
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(hours=2))
    place = "书院活动室"
    capacity = 30
    hours = Decimal("2.0")
    organiser = factory.SubFactory(UserFactory, staff=True)

    class Params:
        # Under way now: it began half an hour ago.
        running = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=30))
        )
        # Over: it ended a week ago.
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
        )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    person = factory.SubFactory(UserFactory, party_member=True)

    class Params:
        attended = factory.Trait(attended_at=factory.LazyFunction(timezone.now))


class StudyEntryFactory(factory.django.DjangoModelFactory):
    """A draft of two hours' self-study in stage 1, dated yesterday."""

    class Meta:
        model = StudyEntry

    person = factory.SubFactory(UserFactory, party_member=True)
    date = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1))
    stage = Stage.THEORY
    kind = StudyEntry.Kind.SELF_STUDY
    hours = Decimal("2.0")
    material = "《中国共产党章程》"
    notes = "学习了党章总纲。"

    class Params:
        submitted = factory.Trait(
            status=StudyEntry.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        approved = factory.Trait(
            status=StudyEntry.Status.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            reviewed_at=factory.LazyFunction(timezone.now),
        )


class StageSignOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageSignOff

    enrollment = factory.SubFactory(EnrollmentFactory)
    stage = Stage.THEORY
    signed_by = factory.SubFactory(UserFactory, party_member=True)
    comment = "达到要求。同意进入下一阶段。"
