"""The evaluations on the workstation's pages: next actions, the member's own result, and the
panel of the staff dashboard and of a branch view, against hand-counted data."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Campaign, Evaluatee
from evaluations.services import cast_ballot, publish_results
from tests.factories import UserFactory

from .factories import CampaignFactory
from .test_pages import _closed_campaign

pytestmark = pytest.mark.django_db


def _figures(response) -> dict:
    panel = next(panel for panel in response.context["panels"] if panel.key == "evaluations")
    return {figure.key: figure for figure in panel.figures}


def _count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_the_dashboard_counts_participation_and_grades_by_hand(member, reviewer, staff_client):
    _closed_campaign(member, reviewer)
    figures = _figures(staff_client.get(reverse("workstation:dashboard")))
    # The member and the reviewer are evaluated; three tutees and the reviewer evaluated the
    # member: 4 ballots of 7 possible (3 tutees, 2 branch fellows, 2 self-evaluations).
    assert figures["evaluated"].value == 2
    assert figures["cast"].value == 4
    assert figures["participation"].value == 57
    assert figures["below"].value == 0
    assert _count(staff_client, figures["evaluated"].url) == 2


def test_a_branch_view_counts_its_members_and_links_its_appraisal_page(
    member, reviewer, reviewer_client
):
    campaign, _evaluatee, _people = _closed_campaign(member, reviewer)
    UserFactory(political_status="full", branch=None)  # of no branch: not counted
    response = reviewer_client.get(reverse("workstation:branch", args=[member.branch_id]))
    figures = _figures(response)
    assert figures["evaluated"].value == 2
    assert figures["evaluated"].url == reverse(
        "evaluations:branch", args=[campaign.pk, member.branch_id]
    )
    assert _count(reviewer_client, figures["evaluated"].url) == 2


def test_next_actions_to_evaluate_and_to_grade_and_the_members_result(
    member, reviewer, student, student_client, reviewer_client, member_client, campaign
):
    home = student_client.get(reverse("home")).content.decode()
    assert "1 名党员待评价" in home
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    cast_ballot(
        actor=student,
        evaluatee=evaluatee,
        scores={question.pk: 4 for question in campaign.questions.all()},
    )
    assert "名党员待评价" not in student_client.get(reverse("home")).content.decode()
    closed, graded, _people = _closed_campaign(member, reviewer)
    home = reviewer_client.get(reverse("home")).content.decode()
    assert "1 个最终等次待确定" in home
    publish_results(actor=UserFactory(staff=True), campaign=closed)
    home = member_client.get(reverse("home")).content.decode()
    assert closed.name in home and graded.get_absolute_url() in home


def test_voting_closes_at_the_colleges_time_in_one_english_sentence(student_client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 21, 0))  # Beijing time
    )
    home = student_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Voting closes on 12/03/2026 9 p.m.<" in home


def test_the_dashboards_figures_lead_to_lists_of_as_many_rows(
    member, reviewer, staff_client, reviewer_client
):
    campaign, evaluatee, _people = _closed_campaign(member, reviewer)
    CampaignFactory(name="未开始的评议")  # a draft: not counted, not listed
    evaluatee.final_grade = "basic"
    evaluatee.final_reason = "多次缺席组织生活"
    evaluatee.save()
    Campaign.objects.filter(pk=campaign.pk).update(status="published")
    figures = _figures(staff_client.get(reverse("workstation:dashboard")))
    assert figures["campaigns"].value == 1
    assert _count(staff_client, figures["campaigns"].url) == 1
    assert figures["below"].value == 1
    assert _count(staff_client, figures["below"].url) == 1
    branch_figures = _figures(
        reviewer_client.get(reverse("workstation:branch", args=[member.branch_id]))
    )
    assert branch_figures["below"].value == 1
    assert _count(reviewer_client, branch_figures["below"].url) == 1
    assert branch_figures["campaigns"].url == ""  # the campaigns' list is the staff's
