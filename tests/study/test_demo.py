"""The study track's demo: the reviewer can approve the member's waiting reflection and sign
his stage 1 off, so that `make run` shows a stage end to end."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import User
from study.models import Enrollment, Stage, StudyEntry, StudyPlan
from study.progress import progress_of_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--seed", "3")
    return {role: User.objects.get(email=f"{role}@demo.edu.cn") for role in ("member", "reviewer")}


def test_the_demo_member_finishes_stage_one_once_the_reviewer_approves(demo, client):
    member, reviewer = demo["member"], demo["reviewer"]
    enrollment = Enrollment.objects.select_related("plan").get(person=member)
    progress = progress_of_one(enrollment)
    assert progress.current.stage == Stage.THEORY
    assert not progress.current.met
    waiting = StudyEntry.objects.get(person=member, status=StudyEntry.Status.SUBMITTED)
    assert waiting.kind == StudyEntry.Kind.REFLECTION
    assert StudyEntry.objects.filter(person=member, status="draft").exists()
    assert StudyEntry.objects.filter(person=member, status="returned").exists()

    client.force_login(reviewer)
    queue = client.get(reverse("study:review"))
    assert waiting in list(queue.context["page"])
    client.post(reverse("study:entry-approve", args=[waiting.pk]), {"comment": "很好"})
    assert progress_of_one(enrollment).current.met
    response = client.post(reverse("study:sign-off", args=[enrollment.pk]), {"comment": "同意"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.stage == Stage.SPEECHES


def test_the_demo_runs_twice_without_change_and_staff_get_the_study_permissions(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--seed", "5")
    first = sorted(StudyEntry.objects.values_list("person__email", "date", "status", "hours"))
    call_command("seed_demo", "--seed", "5")
    assert StudyPlan.objects.count() == 1
    again = sorted(StudyEntry.objects.values_list("person__email", "date", "status", "hours"))
    assert again == first
    staff = User.objects.get(email="staff@demo.edu.cn")
    assert staff.has_perm("study.change_studyplan")
