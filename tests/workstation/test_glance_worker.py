"""The staff button "Compute the figures again" through a real Redis broker and Celery worker."""

from django.test import Client
from django.urls import reverse

from study.models import Enrollment
from tests.factories import BranchFactory, UserFactory
from tests.notifications.test_delivery import wait_for, worker  # noqa: F401 - the fixture
from tests.study.factories import EnrollmentFactory, StudyPlanFactory
from workstation.models import FigureSnapshot


def _participants(client: Client, url: str) -> int:
    response = client.get(url)
    study = next(panel for panel in response.context["panels"] if panel.key == "study")
    return next(figure.value for figure in study.figures if figure.key == "participants")


def test_the_button_has_a_worker_compute_the_branch_again(worker):  # noqa: F811
    branch = BranchFactory()
    staff = UserFactory(staff=True)
    plan = StudyPlanFactory()
    EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    client = Client()
    client.force_login(staff)
    url = reverse("workstation:branch", args=[branch.pk])
    assert _participants(client, url) == 1
    computed = FigureSnapshot.objects.get(source="study").computed_at

    EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    assert _participants(client, url) == 1  # the kept figures, until computed again
    response = client.post(reverse("workstation:refresh"), {"branch": branch.pk})
    assert response.status_code == 302
    assert wait_for(
        lambda: FigureSnapshot.objects.get(source="study").computed_at > computed, timeout=30
    )
    assert _participants(client, url) == Enrollment.objects.count() == 2
