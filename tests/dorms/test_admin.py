"""The dorms in the admin: every list, search and form opens; a residency, a contact and a
round pass the same rules as the services; what a service changes under its rules (an
inspection's inspector, a dispute's settling, a follow-up's item) the admin only shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dorms import services
from dorms.models import Contact, Dispute, DisputeStatus, FollowUp, Residency, Round
from dorms.practice import inspections_completed
from members.models import User
from tests.factories import UserFactory
from tests.practice import counts_of

from .factories import BuildingFactory, FloorFactory, RoomFactory
from .test_inspections import fill

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


# --- what only the services change -------------------------------------------------------------


@pytest.fixture
def staff_admin(staff, staff_client):
    """Staff with every right in the admin: the rules hold even for them."""
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    return staff_client


def credited(*people) -> dict[int, int]:
    """Stage 3's "dorm inspections completed" of `people` this year."""
    today = timezone.localdate()
    ids = [person.pk for person in people]
    return counts_of(inspections_completed, ids, today - datetime.timedelta(days=365), today)


def test_a_done_inspection_keeps_its_inspector_and_his_credit_in_the_admin(
    staff_admin, member, other_member, inspection
):
    fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})
    url = reverse("admin:dorms_inspection_change", args=[inspection.pk])
    page = staff_admin.get(url).content.decode()
    assert 'name="inspector"' not in page
    assert "改派" not in page

    response = staff_admin.post(url, {"inspector": other_member.pk})

    assert response.status_code == 403
    inspection.refresh_from_db()
    assert inspection.inspector == member
    assert credited(member, other_member) == {member.pk: 1}


def test_a_room_is_reassigned_on_the_rounds_page_not_in_the_admin(
    staff_admin, member, student, inspection
):
    url = reverse("admin:dorms_inspection_change", args=[inspection.pk])
    page = staff_admin.get(url).content.decode()
    assert 'name="inspector"' not in page
    assert "改派" in page
    assert inspection.round.get_absolute_url() in page

    response = staff_admin.post(url, {"inspector": student.pk})

    assert response.status_code == 403
    inspection.refresh_from_db()
    assert inspection.inspector == member


@pytest.fixture
def dispute(member, student, inspection) -> Dispute:
    done = fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})
    answer = done.answers.get(text="地面整洁")
    return services.dispute_item(actor=student, answer=answer, text="地面是干净的", is_dispute=True)


def test_a_dispute_is_settled_on_the_disputes_page_not_in_the_admin(
    staff_admin, staff, other_member, dispute
):
    url = reverse("admin:dorms_dispute_change", args=[dispute.pk])
    page = staff_admin.get(url).content.decode()
    assert reverse("dorms:disputes") in page
    assert 'name="status"' not in page

    response = staff_admin.post(
        url, {"status": DisputeStatus.UPHELD, "settled_by": other_member.pk, "settlement": ""}
    )

    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    assert dispute.settled_by is None
    services.settle_dispute(actor=staff, dispute=dispute, upheld=False, answer="照片显示有杂物")
    page = staff_admin.get(url).content.decode()
    assert reverse("dorms:disputes") not in page
    assert staff_admin.get(reverse("admin:dorms_dispute_add")).status_code == 403


def test_a_follow_up_stays_on_its_failed_item(staff_admin, member, inspection):
    done = fill(member, inspection, {"地面整洁": 1, "无违规电器": 1, "作息文明": 5})
    follow_up = FollowUp.objects.get(answer__inspection=done)
    passed = done.answers.get(text="作息文明")
    url = reverse("admin:dorms_followup_change", args=[follow_up.pk])

    staff_admin.post(url, {"answer": passed.pk, "due": "2030-01-31", "resolved_at_0": ""})

    follow_up.refresh_from_db()
    assert follow_up.answer.text == "地面整洁"
    assert follow_up.due == datetime.date(2030, 1, 31)
    assert staff_admin.get(reverse("admin:dorms_followup_add")).status_code == 403


def test_a_round_without_buildings_or_floors_is_refused_in_the_admin(staff_admin, checklist):
    response = staff_admin.post(
        reverse("admin:dorms_round_add"),
        {
            "name": "空的检查",
            "checklist": checklist.pk,
            "starts": "2030-03-01",
            "ends": "2030-03-07",
        },
    )

    assert response.status_code == 200
    assert "请选择要检查的楼栋或楼层" in response.content.decode()
    assert not Round.objects.filter(name="空的检查").exists()
