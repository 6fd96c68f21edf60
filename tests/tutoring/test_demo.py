import pytest
from django.core.management import call_command

from members.models import User
from tutoring.models import Offer, Pairing, Rating, Request, RequestStatus, Session, Status
from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_the_demo_has_requests_in_every_state_and_sessions_with_ratings(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice is safe
    assert {r.status for r in Request.objects.all()} == set(RequestStatus.values)
    assert {p.status for p in Pairing.objects.all()} == set(Status.values)
    assert Session.objects.confirmed().exists() and Rating.objects.exists()
    for offer in Offer.objects.all():
        places = Pairing.objects.open().filter(tutor=offer.tutor).count()
        assert places <= offer.capacity, offer
    member = User.objects.get(email=DEMO_ACCOUNTS["member"][0])
    student = User.objects.get(email=DEMO_ACCOUNTS["student"][0])
    assert Pairing.objects.filter(tutor=member, status=Status.PROPOSED).exists()
    pairing = Pairing.objects.get(tutee=student, tutor=member, status=Status.ACTIVE)
    assert pairing.sessions.filter(confirmed_at__isnull=True).exists()  # to confirm
    assert pairing.sessions.confirmed().filter(rating__isnull=True).exists()  # to rate
