"""The dorms in the admin: every list, search and form opens; a residency and a contact pass
the same rules as the services."""

import pytest
from django.urls import reverse

from dorms.models import Contact, Residency
from tests.factories import UserFactory

from .factories import BuildingFactory, FloorFactory, RoomFactory

MODELS = [
    "building",
    "floor",
    "room",
    "bed",
    "residency",
    "contact",
    "checklist",
    "round",
    "inspection",
    "followup",
    "dispute",
    "keydormrule",
    "keydorm",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_list_and_search_opens(admin_client, model, round_, inspection):
    url = reverse(f"admin:dorms_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "301"}).status_code == 200


@pytest.mark.parametrize(
    "model", ["building", "room", "residency", "contact", "checklist", "round"]
)
def test_the_add_forms_open(admin_client, model, db):
    assert admin_client.get(reverse(f"admin:dorms_{model}_add")).status_code == 200


def test_a_residency_in_a_full_room_is_refused_in_the_admin(admin_client, db):
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory(gender="female")), capacity=1)
    Residency.objects.create(person=UserFactory(gender="female"), room=room, start="2026-09-01")
    man = UserFactory(gender="male")
    response = admin_client.post(
        reverse("admin:dorms_residency_add"),
        {"person": man.pk, "room": room.pk, "start": "2026-09-01"},
    )
    assert response.status_code == 200
    assert "已住满" in response.content.decode()
    assert not Residency.objects.filter(person=man).exists()


def test_only_workstation_members_look_after_rooms(admin_client, room, student):
    response = admin_client.post(
        reverse("admin:dorms_contact_add"), {"member": student.pk, "room": room.pk}
    )
    assert response.status_code == 200
    assert not Contact.objects.filter(member=student).exists()
