"""No page, export or admin view tells who cast a ballot, whoever reads it: not the member, not
his secretary, not staff nor a superuser; and the tables keep no time or order of voting."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Ballot, Campaign, Eligibility, Evaluatee, Relation
from evaluations.services import advance_campaigns, cast_ballot, publish_results
from tests.factories import UserFactory
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(member, reviewer, settings):
    """A published campaign in which three tutees with telling names evaluated the member."""
    settings.EVALUATIONS_MIN_BALLOTS = 3
    voters = [
        PairingFactory(tutor=member, request__tutee__name=f"投票人{n}号").tutee for n in range(3)
    ]
    campaign = CampaignFactory(relations=[Relation.TUTEE, Relation.BRANCH])
    question = QuestionFactory(campaign=campaign)
    advance_campaigns()
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    for n, voter in enumerate(voters):
        cast_ballot(
            actor=voter, evaluatee=evaluatee, scores={question.pk: 3 + n}, comment=f"意见{n}"
        )
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    advance_campaigns()
    staff = UserFactory(staff=True, is_superuser=True, name="超级管理员")
    publish_results(actor=staff, campaign=campaign)
    return campaign, evaluatee, voters, staff


def _pages(campaign, evaluatee, member) -> list[str]:
    return [
        evaluatee.get_absolute_url(),
        reverse("evaluations:campaign", args=[campaign.pk]),
        reverse("evaluations:campaigns"),
        reverse("evaluations:branch", args=[campaign.pk, member.branch_id]),
        reverse("evaluations:export", args=[campaign.pk]),
        reverse("evaluations:mine"),
        reverse("members:person", args=[member.pk]),
        reverse("admin:evaluations_campaign_changelist"),
        reverse("admin:evaluations_campaign_change", args=[campaign.pk]),
        reverse("admin:evaluations_campaign_history", args=[campaign.pk]),
        reverse("admin:index"),
    ]


@pytest.mark.parametrize("role", ["member", "reviewer", "staff", "superuser"])
def test_no_page_names_an_evaluator(role, voted, member, reviewer, client):
    campaign, evaluatee, voters, superuser = voted
    reader = {
        "member": member,
        "reviewer": reviewer,
        "staff": UserFactory(staff=True),
        "superuser": superuser,
    }[role]
    client.force_login(reader)
    seen = 0
    for url in _pages(campaign, evaluatee, member):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        content = response.content.decode("utf-8", errors="ignore")
        for voter in voters:
            assert voter.display_name not in content, (role, url)
            assert voter.student_number not in content, (role, url)
    assert seen >= 2


def test_ballots_and_eligibilities_have_no_admin_and_keep_no_time(voted):
    for model in (Ballot, Eligibility, Evaluatee):
        assert not admin.site.is_registered(model)
    for model in (Ballot, Eligibility):
        kinds = {field.get_internal_type() for field in model._meta.concrete_fields}
        assert not kinds & {"DateTimeField", "DateField"}
        assert not hasattr(model, "history")
    # Random ids: the order of the rows by id is not the order of voting.
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"


def test_a_ballot_names_its_member_and_not_its_evaluator(voted):
    _campaign, evaluatee, _voters, _ = voted
    targets = {field.related_model for field in Ballot._meta.concrete_fields if field.is_relation}
    assert targets == {Campaign, Evaluatee}
    for ballot in Ballot.objects.all():
        assert str(ballot) == str(evaluatee)
