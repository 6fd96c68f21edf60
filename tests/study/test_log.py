"""The study log: a member logs, edits, submits and deletes his entries; nobody else can."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import Stage, StudyEntry
from tests.factories import UserFactory

from .factories import EnrollmentFactory, StudyEntryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("study:entry-new")
MINE = reverse("study:mine")


def _data(**changes) -> dict:
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "stage": "1",
        "kind": "self_study",
        "hours": "1.5",
        "material": "《中国共产党章程》",
        "notes": "学习党章第一章。",
        "action": "draft",
    }
    return data | changes


def test_member_saves_a_draft(member_client, member):
    response = member_client.post(NEW, _data())
    entry = StudyEntry.objects.get(person=member)
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.status == StudyEntry.Status.DRAFT
    assert entry.hours == Decimal("1.5")
    assert entry.history.first().history_user == member


def test_member_submits_at_once(member_client, member):
    member_client.post(NEW, _data(action="submit"))
    entry = StudyEntry.objects.get(person=member)
    assert entry.status == StudyEntry.Status.SUBMITTED
    assert entry.submitted_at is not None


def test_the_form_starts_at_the_members_current_stage(member_client, member):
    EnrollmentFactory(person=member, stage=Stage.SPEECHES)
    response = member_client.get(NEW)
    assert response.context["form"].initial["stage"] == Stage.SPEECHES


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": "0"}, "Ensure this value is greater than or equal to 0.1."),
        ({"hours": "30"}, "Ensure this value is less than or equal to 24."),
        ({"hours": "abc"}, "Enter a number."),
        ({"date": "2999-01-01"}, "The date of the study cannot be in the future."),
        ({"kind": "activity"}, "Select a valid choice."),
        ({"stage": "7"}, "Select a valid choice."),
        ({"kind": "reflection", "notes": "  "}, "Write the reflection in the notes."),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(member_client, changes, message):
    response = member_client.post(NEW, _data(**changes), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StudyEntry.objects.exists()


def test_a_student_cannot_log_study(student_client):
    assert student_client.get(NEW).status_code == 403
    assert student_client.post(NEW, _data()).status_code == 403
    assert not StudyEntry.objects.exists()


def test_member_edits_a_returned_entry_and_submits_it_again(member_client, member):
    entry = StudyEntryFactory(
        person=member, status=StudyEntry.Status.RETURNED, review_comment="请补充笔记"
    )
    url = reverse("study:entry-edit", args=[entry.pk])
    page = member_client.get(url)
    assert "请补充笔记" in page.content.decode()
    member_client.post(url, _data(notes="补充了笔记。", action="submit"))
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.SUBMITTED
    assert entry.notes == "补充了笔记。"


@pytest.mark.parametrize("status", [StudyEntry.Status.SUBMITTED, StudyEntry.Status.APPROVED])
def test_a_submitted_or_approved_entry_cannot_be_changed(member_client, member, status):
    entry = StudyEntryFactory(person=member, status=status, hours=Decimal("2"))
    for name in ("study:entry-edit", "study:entry-submit", "study:entry-delete"):
        url = reverse(name, args=[entry.pk])
        assert member_client.post(url, _data(hours="9")).status_code == 403
    entry.refresh_from_db()
    assert entry.status == status
    assert entry.hours == Decimal("2")


def test_a_draft_is_submitted_from_its_page(member_client, member):
    entry = StudyEntryFactory(person=member)
    response = member_client.post(reverse("study:entry-submit", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == StudyEntry.Status.SUBMITTED


def test_a_draft_is_deleted(member_client, member):
    entry = StudyEntryFactory(person=member)
    response = member_client.post(reverse("study:entry-delete", args=[entry.pk]))
    assert response["Location"] == MINE
    assert not StudyEntry.objects.filter(pk=entry.pk).exists()


def test_someone_elses_entry_is_not_found(member_client, student_client):
    entry = StudyEntryFactory(person=UserFactory(party_member=True))
    for name in ("study:entry", "study:entry-edit"):
        assert member_client.get(reverse(name, args=[entry.pk])).status_code == 404
    for name in ("study:entry-submit", "study:entry-delete", "study:entry-edit"):
        assert member_client.post(reverse(name, args=[entry.pk]), _data()).status_code == 404
    assert StudyEntry.objects.get(pk=entry.pk).status == StudyEntry.Status.DRAFT


def test_the_reviewer_sees_but_cannot_edit_his_members_entry(reviewer_client, member):
    entry = StudyEntryFactory(person=member)
    assert reviewer_client.get(reverse("study:entry", args=[entry.pk])).status_code == 200
    url = reverse("study:entry-edit", args=[entry.pk])
    assert reviewer_client.post(url, _data(hours="9")).status_code == 403


def test_the_entry_page_shows_its_steps(member_client, member, reviewer):
    from study.services.track import approve_entry, submit_entry

    entry = StudyEntryFactory(person=member)
    submit_entry(actor=member, entry=entry)
    approve_entry(actor=reviewer, entry=entry, comment="很好")
    page = member_client.get(reverse("study:entry", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "很好" in text
    steps = [step.status for step in page.context["steps"]]
    assert steps == ["submitted", "approved"] or steps == ["draft", "submitted", "approved"]


def test_my_log_filters_by_status(member_client, member):
    StudyEntryFactory(person=member, material="草稿材料")
    StudyEntryFactory(person=member, approved=True, material="已通过材料")
    page = member_client.get(MINE, {"status": "approved"})
    text = page.content.decode()
    assert "已通过材料" in text
    assert "草稿材料" not in text


def test_my_study_without_a_plan_explains(member_client, student_client):
    page = member_client.get(MINE, HTTP_ACCEPT_LANGUAGE="en")
    assert "You do not follow a study plan yet" in page.content.decode()
    page = student_client.get(MINE, HTTP_ACCEPT_LANGUAGE="en")
    assert "The study track is for student Party members" in page.content.decode()
