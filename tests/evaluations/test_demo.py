import pytest
from django.core.management import call_command

from evaluations.models import Campaign, Evaluatee, Status
from evaluations.services import own_ballot
from members.models import User
from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_published_campaign_with_results_and_an_open_one(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice is safe
    published = Campaign.objects.get(status=Status.PUBLISHED)
    voting = Campaign.objects.get(status=Status.OPEN)
    assert voting.is_voting
    member = User.objects.get(email=DEMO_ACCOUNTS["member"][0])
    student = User.objects.get(email=DEMO_ACCOUNTS["student"][0])
    result = Evaluatee.objects.get(campaign=published, person=member)
    assert result.ballots >= settings.EVALUATIONS_MIN_BALLOTS and result.computed_grade
    assert Evaluatee.objects.filter(campaign=published).exclude(final_grade="").exists()
    # The demo student may evaluate his tutor, and has not yet.
    tutor = Evaluatee.objects.get(campaign=voting, person=member)
    assert tutor.eligibilities.filter(evaluator=student).exists()
    assert own_ballot(evaluator=student, evaluatee=tutor) is None
