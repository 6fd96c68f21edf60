"""Peer tutoring in the admin: every list opens and searches for staff; the related majors are
kept there; an offer is refused for someone who may not tutor; the records the workflow owns
are read-only."""

import pytest
from django.urls import reverse

from tutoring.models import Offer, RelatedMajor

from ..factories import UserFactory
from .factories import RatingFactory, SessionFactory, TutorFactory

pytestmark = pytest.mark.django_db

MODELS = ["relatedmajor", "offer", "request", "pairing", "session", "rating", "checkin"]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens_and_searches(admin_client, model):
    RatingFactory(session=SessionFactory(confirmed=True))
    url = reverse(f"admin:tutoring_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "高等数学"}).status_code == 200


def test_staff_keep_the_related_majors(admin_client):
    url = reverse("admin:tutoring_relatedmajor_add")
    admin_client.post(url, {"major": "会计学", "related": "金融学"})
    assert RelatedMajor.objects.filter(major="会计学", related="金融学").exists()
    response = admin_client.post(url, {"major": "会计学", "related": "会计学"})
    assert response.status_code == 200
    assert RelatedMajor.objects.count() == 1


def test_an_offer_is_refused_for_someone_who_may_not_tutor(admin_client):
    url = reverse("admin:tutoring_offer_add")
    data = {
        "topics": "study",
        "capacity": "2",
        "times": "",
        "note": "",
        "courses-TOTAL_FORMS": "0",
        "courses-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data | {"tutor": UserFactory().pk})
    assert response.status_code == 200
    assert not Offer.objects.exists()
    admin_client.post(url, data | {"tutor": TutorFactory().pk})
    assert Offer.objects.count() == 1


def test_pairings_and_sessions_are_read_only(admin_client):
    session = SessionFactory()
    for model, pk in (("pairing", session.pairing_id), ("session", session.pk)):
        page = admin_client.get(reverse(f"admin:tutoring_{model}_change", args=[pk]))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
