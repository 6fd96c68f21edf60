# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""An inspection is deleted in the admin only while nobody has begun it: a begun one holds its
inspector's marks and the residents' comments, a done one his practice credit, which a
deletion would take away unseen. Every door of the admin holds the rule: the inspection's own
page, the bulk action and the deletion of its round; even a superuser meets it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dorms import services
from dorms.models import Inspection, InspectionStatus, Round
from dorms.practice import inspections_completed
from members.models import User
from tests.practice import counts_of

from .factories import RoomFactory
from .test_inspections import fill

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHANGELIST = reverse("admin:dorms_inspection_changelist")


@pytest.fixture
def superuser_client(staff, staff_client):
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    return staff_client


@pytest.fixture
def done(member, inspection) -> Inspection:
    return fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})


@pytest.fixture
def planned(round_, member) -> Inspection:
    """A second room of the round, given to the member and not begun."""
    room = RoomFactory(floor=round_.inspections.get().room.floor, number="302")
    return Inspection.objects.create(round=round_, room=room, inspector=member)


def credited(person) -> int:
    today = timezone.localdate()
    counts = counts_of(
        inspections_completed, [person.pk], today - datetime.timedelta(days=365), today
    )
    return counts.get(person.pk, 0)


def _delete_url(inspection: Inspection) -> str:
    return reverse("admin:dorms_inspection_delete", args=[inspection.pk])


def test_a_done_inspection_cannot_be_deleted_on_its_page(superuser_client, member, done):
    page = superuser_client.get(reverse("admin:dorms_inspection_change", args=[done.pk]))
    assert _delete_url(done) not in page.content.decode()

    assert superuser_client.get(_delete_url(done)).status_code == 403
    assert superuser_client.post(_delete_url(done), {"post": "yes"}).status_code == 403

    assert Inspection.objects.filter(pk=done.pk).exists()
    assert credited(member) == 1


def test_a_begun_inspection_cannot_be_deleted(superuser_client, member, inspection):
    begun = services.start_inspection(actor=member, inspection=inspection)
    assert begun.status == InspectionStatus.DRAFT

    assert superuser_client.post(_delete_url(begun), {"post": "yes"}).status_code == 403
    assert begun.answers.count() == 3


def test_a_planned_inspection_nobody_began_may_be_deleted(superuser_client, planned):
    page = superuser_client.get(reverse("admin:dorms_inspection_change", args=[planned.pk]))
    assert _delete_url(planned) in page.content.decode()

    response = superuser_client.post(_delete_url(planned), {"post": "yes"})

    assert response.status_code == 302
    assert not Inspection.objects.filter(pk=planned.pk).exists()


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "所选检查中有 1 项已开始或已完成，不能删除"),
        (EN, "1 of the selected inspections has been begun or done and cannot be deleted"),
    ],
)
def test_the_bulk_delete_refuses_a_selection_with_a_done_inspection(
    superuser_client, member, done, planned, headers, message
):
    selection = {"action": "delete_selected", "_selected_action": [done.pk, planned.pk]}
    for confirmed in ({}, {"post": "yes"}):
        response = superuser_client.post(CHANGELIST, {**selection, **confirmed}, **headers)
        assert response.status_code == 302
        page = superuser_client.get(response.url, **headers).content.decode()
        assert message in page
    assert Inspection.objects.filter(pk__in=[done.pk, planned.pk]).count() == 2
    assert credited(member) == 1


def test_the_bulk_delete_takes_planned_inspections(superuser_client, planned):
    selection = {"action": "delete_selected", "_selected_action": [planned.pk]}
    confirmation = superuser_client.post(CHANGELIST, selection)
    assert confirmation.status_code == 200
    assert "302" in confirmation.content.decode()

    superuser_client.post(CHANGELIST, {**selection, "post": "yes"})

    assert not Inspection.objects.filter(pk=planned.pk).exists()


def test_a_round_with_a_done_inspection_cannot_be_deleted(superuser_client, member, round_, done):
    url = reverse("admin:dorms_round_delete", args=[round_.pk])
    page = superuser_client.get(url, **EN).content.decode()
    assert "<title>Cannot delete inspection round" in page
    assert "permission to delete the following types of objects" in page

    assert superuser_client.post(url, {"post": "yes"}).status_code == 403

    assert Round.objects.filter(pk=round_.pk).exists()
    assert credited(member) == 1
