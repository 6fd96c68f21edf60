"""Factories of peer tutoring: only the required fields; pairings through states by traits."""

import datetime

import factory
from django.utils import timezone

from members.models import PoliticalStatus
from tutoring.models import (
    Offer,
    OfferCourse,
    Pairing,
    Rating,
    Request,
    RequestStatus,
    Session,
    Status,
    Topic,
)

from ..factories import UserFactory


class TutorFactory(UserFactory):
    political_status = PoliticalStatus.PROBATIONARY
    major = "计算机科学与技术"
    grade = 2022


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    tutor = factory.SubFactory(TutorFactory)
    topics = factory.LazyFunction(lambda: [Topic.STUDY_PLANNING])
    capacity = 2


class OfferCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferCourse

    offer = factory.SubFactory(OfferFactory)
    course = "高等数学"


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Request

    tutee = factory.SubFactory(UserFactory, major="计算机科学与技术", grade=2025)
    topic = Topic.STUDY_PLANNING
    description = "想请学长学姐帮忙规划大一的学习。"
    major = factory.SelfAttribute("tutee.major")
    grade = factory.SelfAttribute("tutee.grade")


class PairingFactory(factory.django.DjangoModelFactory):
    """An active pairing (traits for the other states)."""

    class Meta:
        model = Pairing

    request = factory.SubFactory(RequestFactory, status=RequestStatus.MATCHED)
    tutee = factory.SelfAttribute("request.tutee")
    tutor = factory.SubFactory(TutorFactory)
    status = Status.ACTIVE
    # Accepted a week ago, with no session since.
    accepted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    quiet_since = factory.LazyAttribute(
        lambda pairing: timezone.localdate(pairing.accepted_at) if pairing.accepted_at else None
    )

    class Params:
        proposed = factory.Trait(
            status=Status.PROPOSED,
            accepted_at=None,
            quiet_since=None,
            request=factory.SubFactory(RequestFactory, status=RequestStatus.PROPOSED),
        )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    pairing = factory.SubFactory(PairingFactory)
    tutor = factory.SelfAttribute("pairing.tutor")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    minutes = 60
    topic = "期中复习"
    logged_by = factory.SelfAttribute("pairing.tutor")

    class Params:
        confirmed = factory.Trait(
            confirmed_by=factory.SelfAttribute("pairing.tutee"),
            confirmed_at=factory.LazyFunction(timezone.now),
        )


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    session = factory.SubFactory(SessionFactory, confirmed=True)
    score = 4
