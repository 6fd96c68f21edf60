"""Results: computed when voting closes, shown only over at least K ballots of others, the
self-evaluation beside them, the comments without names; the member sees his own once they
are published."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import Evaluatee, Grade, Relation, Status
from evaluations.results import result_of
from evaluations.services import cast_ballot, close_campaign, open_campaign, publish_results
from tests.factories import UserFactory
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _campaign_with_tutees(member, count):
    tutees = [
        PairingFactory(tutor=member, request__tutee__name=f"评价人{n}").tutee for n in range(count)
    ]
    campaign = CampaignFactory(relations=[Relation.TUTEE, Relation.SELF])
    first = QuestionFactory(campaign=campaign, text="理想信念")
    second = QuestionFactory(campaign=campaign, text="服务同学")
    open_campaign(campaign=campaign)
    return campaign, tutees, first, second


def _close(campaign):
    type(campaign).objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    campaign.refresh_from_db()
    assert close_campaign(campaign=campaign)
    campaign.refresh_from_db()


def _vote(campaign, person, evaluatee, first, second, a, b, comment=""):
    cast_ballot(
        actor=person, evaluatee=evaluatee, scores={first.pk: a, second.pk: b}, comment=comment
    )


def test_under_k_ballots_nothing_but_their_number_shows(member, member_client, settings):
    settings.EVALUATIONS_MIN_BALLOTS = 3
    campaign, tutees, first, second = _campaign_with_tutees(member, 2)
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    _vote(campaign, tutees[0], evaluatee, first, second, 5, 5, "第一条意见")
    _vote(campaign, tutees[1], evaluatee, first, second, 1, 1, "第二条意见")
    _close(campaign)
    publish_results(actor=UserFactory(staff=True), campaign=campaign)
    evaluatee.refresh_from_db()
    assert (evaluatee.ballots, evaluatee.average, evaluatee.computed_grade) == (2, None, "")
    page = member_client.get(evaluatee.get_absolute_url()).content.decode()
    assert 'data-testid="too-few"' in page
    assert "第一条意见" not in page and "第二条意见" not in page
    assert "3.00" not in page


def test_k_ballots_show_the_averages_the_grade_and_the_comments(member, member_client, settings):
    settings.EVALUATIONS_MIN_BALLOTS = 3
    campaign, tutees, first, second = _campaign_with_tutees(member, 3)
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    _vote(campaign, tutees[0], evaluatee, first, second, 5, 4, "讲得清楚")
    _vote(campaign, tutees[1], evaluatee, first, second, 4, 4)
    _vote(campaign, tutees[2], evaluatee, first, second, 4, 3, "有时回复慢")
    # The self-evaluation shows beside the others and does not count.
    _vote(campaign, member, evaluatee, first, second, 1, 1, "还需努力")
    # Not his results yet: voting is open.
    assert member_client.get(evaluatee.get_absolute_url()).status_code == 404
    _close(campaign)
    assert member_client.get(evaluatee.get_absolute_url()).status_code == 404  # not published
    publish_results(actor=UserFactory(staff=True), campaign=campaign)
    evaluatee.refresh_from_db()
    # (5+4+4)/3 = 4.33, (4+4+3)/3 = 3.67, overall (4.33+3.67)/2 = 4.00
    assert evaluatee.averages == {str(first.pk): "4.33", str(second.pk): "3.67"}
    assert evaluatee.average == Decimal("4.00")
    assert evaluatee.ballots == 3
    assert evaluatee.computed_grade == Grade.QUALIFIED
    page = member_client.get(evaluatee.get_absolute_url()).content.decode()
    assert "4.33" in page and "3.67" in page and "4.00" in page
    assert "讲得清楚" in page and "有时回复慢" in page and "还需努力" in page
    assert "合格" in page
    for n in range(3):
        assert f"评价人{n}" not in page


def test_the_thresholds_decide_the_computed_grade(member, settings):
    settings.EVALUATIONS_MIN_BALLOTS = 1
    campaign, tutees, first, second = _campaign_with_tutees(member, 1)
    type(campaign).objects.filter(pk=campaign.pk).update(
        excellent_from=Decimal("4.9"), qualified_from=Decimal("4.5"), basic_from=Decimal("3.9")
    )
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    _vote(campaign, tutees[0], evaluatee, first, second, 4, 4)
    _close(campaign)
    evaluatee.refresh_from_db()
    assert evaluatee.computed_grade == Grade.BASIC


def test_comments_come_in_an_order_that_is_not_the_order_of_voting(member, settings):
    settings.EVALUATIONS_MIN_BALLOTS = 1
    campaign, tutees, first, second = _campaign_with_tutees(member, 6)
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    for n, tutee in enumerate(tutees):
        _vote(campaign, tutee, evaluatee, first, second, 4, 4, f"意见{n}")
    _close(campaign)
    shown = result_of(Evaluatee.objects.get(pk=evaluatee.pk)).comments
    by_id = list(evaluatee.ballot_set.order_by("pk").values_list("comment", flat=True))
    assert shown == by_id  # the ballots' random ids, the same on every visit
    assert sorted(shown) == [f"意见{n}" for n in range(6)]


def test_closing_happens_once_and_publishing_needs_it(member, settings):
    campaign, _tutees, _first, _second = _campaign_with_tutees(member, 1)
    staff = UserFactory(staff=True)
    with pytest.raises(ValidationError):
        publish_results(actor=staff, campaign=campaign)
    _close(campaign)
    assert close_campaign(campaign=campaign) is False
    assert campaign.status == Status.CLOSED
    publish_results(actor=staff, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Status.PUBLISHED
