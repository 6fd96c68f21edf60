"""Stage sign-off: only when the stage's requirements are met, with a comment, by the person's
reviewer or staff; the participant moves on and is told."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from members.models import PoliticalStatus
from notifications.models import Notice
from study.models import Requirement, Stage, StageSignOff
from tests.factories import BranchFactory, UserFactory

from .factories import EnrollmentFactory, RequirementFactory, StudyEntryFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def enrollment(member):
    enrollment = EnrollmentFactory(person=member)
    RequirementFactory(plan=enrollment.plan, kind=Requirement.Kind.HOURS, minimum=4)
    return enrollment


def sign_off_url(enrollment) -> str:
    return reverse("study:sign-off", args=[enrollment.pk])


def person_url(person) -> str:
    return reverse("study:person", args=[person.pk])


def test_sign_off_before_the_requirements_are_met_is_refused(reviewer_client, enrollment):
    StudyEntryFactory(person=enrollment.person, hours=Decimal("3"), approved=True)
    StudyEntryFactory(person=enrollment.person, material="党章草稿笔记")  # a draft
    page = reviewer_client.get(person_url(enrollment.person), **EN).content.decode()
    assert 'data-testid="sign-off-not-yet"' in page
    assert "党章草稿笔记" in page  # his reviewer sees his log
    response = reviewer_client.post(sign_off_url(enrollment), {"comment": "同意"}, **EN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "The stage cannot be signed off yet: 1 more approved hours." in text
    enrollment.refresh_from_db()
    assert enrollment.stage == Stage.THEORY
    assert not StageSignOff.objects.exists()


def test_sign_off_moves_the_member_on_and_tells_him(reviewer_client, reviewer, enrollment):
    StudyEntryFactory(person=enrollment.person, hours=Decimal("4"), approved=True)
    page = reviewer_client.get(person_url(enrollment.person)).content.decode()
    assert 'data-testid="sign-off-form"' in page
    response = reviewer_client.post(sign_off_url(enrollment), {"comment": "学习扎实"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.stage == Stage.SPEECHES
    sign_off = StageSignOff.objects.get()
    assert (sign_off.stage, sign_off.signed_by, sign_off.comment) == (1, reviewer, "学习扎实")
    assert Notice.objects.get(recipient=enrollment.person).kind == "study-stage-signed-off"
    # The member sees it on his page.
    member = Client()
    member.force_login(enrollment.person)
    text = member.get(reverse("study:mine"), **EN).content.decode()
    assert "Signed off by" in text
    assert "学习扎实" in text


def test_a_comment_is_required(reviewer_client, enrollment):
    StudyEntryFactory(person=enrollment.person, hours=Decimal("4"), approved=True)
    response = reviewer_client.post(sign_off_url(enrollment), {"comment": ""}, **EN)
    assert "Write a comment to sign the stage off." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.stage == Stage.THEORY


def test_signing_off_stage_three_completes_the_plan(staff_client, enrollment):
    enrollment.stage = Stage.PRACTICE
    enrollment.save(update_fields=["stage"])
    response = staff_client.post(sign_off_url(enrollment), {"comment": "完成"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.stage == Stage.PRACTICE
    assert enrollment.completed_at is not None
    # Nothing more to sign.
    response = staff_client.post(sign_off_url(enrollment), {"comment": "再次"}, **EN)
    assert "This participant has completed the plan." in response.content.decode()
    assert StageSignOff.objects.count() == 1


def test_a_member_cannot_sign_himself_off(member_client, enrollment):
    StudyEntryFactory(person=enrollment.person, hours=Decimal("4"), approved=True)
    assert member_client.post(sign_off_url(enrollment), {"comment": "我行"}).status_code == 403
    page = member_client.get(person_url(enrollment.person)).content.decode()
    assert 'data-testid="sign-off"' not in page
    assert not StageSignOff.objects.exists()


def test_outsiders_get_404(student_client, enrollment):
    other = BranchFactory()
    secretary = UserFactory(political_status=PoliticalStatus.FULL, branch=other)
    other.secretary = secretary
    other.save(update_fields=["secretary"])
    outsider = Client()
    outsider.force_login(secretary)
    for client in (outsider, student_client):
        assert client.get(person_url(enrollment.person)).status_code == 404
        assert client.post(sign_off_url(enrollment), {"comment": "x"}).status_code == 404
    assert not StageSignOff.objects.exists()


def test_the_sign_off_shows_on_the_members_timeline(reviewer_client, enrollment, member):
    StudyEntryFactory(person=member, hours=Decimal("4"), approved=True)
    reviewer_client.post(sign_off_url(enrollment), {"comment": "学习扎实"})
    page = reviewer_client.get(reverse("members:person", args=[member.pk]), **EN)
    text = page.content.decode()
    assert "Signed off: Stage 1" in text
    assert "学习扎实" in text
    mine = Client()
    mine.force_login(member)
    assert "Signed off: Stage 1" in mine.get(reverse("members:me"), **EN).content.decode()
