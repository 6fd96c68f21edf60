"""The campaign's notices, each once: it opens (evaluators), two days before it closes (those
who have not voted), results published (members). The practice count for stage 3, and the
final grade on the timeline."""

import datetime

import pytest
from django.utils import timezone

from evaluations.models import Campaign, Evaluatee, Grade, Relation, Status
from evaluations.practice import qualified_grades
from evaluations.services import (
    advance_campaigns,
    cast_ballot,
    publish_results,
    record_final_grade,
)
from members.timeline import steps_of
from notifications.models import Notice
from tests.factories import UserFactory
from tests.practice import counts_of
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _kinds(person) -> list[str]:
    return sorted(Notice.objects.filter(recipient=person).values_list("kind", flat=True))


def test_each_notice_goes_once_and_only_to_whom_it_concerns(member, settings):
    settings.EVALUATIONS_MIN_BALLOTS = 1
    now = timezone.now()
    voter, idle = (PairingFactory(tutor=member).tutee for _ in range(2))
    campaign = CampaignFactory(
        relations=[Relation.TUTEE],
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=5),
    )
    question = QuestionFactory(campaign=campaign)
    assert advance_campaigns(now - datetime.timedelta(minutes=2)) == {
        "opened": 0,
        "reminded": 0,
        "closed": 0,
    }
    assert advance_campaigns(now)["opened"] == 1
    advance_campaigns(now)
    assert _kinds(voter) == _kinds(idle) == ["evaluations-open"]
    assert _kinds(member) == []  # evaluated, not an evaluator here
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    cast_ballot(actor=voter, evaluatee=evaluatee, scores={question.pk: 4})
    # Three days before the close: nothing yet; within two days: the idle one, once.
    assert advance_campaigns(now + datetime.timedelta(days=2))["reminded"] == 0
    two_days_left = now + datetime.timedelta(days=3, hours=1)
    assert advance_campaigns(two_days_left)["reminded"] == 1
    advance_campaigns(two_days_left + datetime.timedelta(hours=5))
    assert _kinds(idle) == ["evaluations-closing", "evaluations-open"]
    assert _kinds(voter) == ["evaluations-open"]
    assert advance_campaigns(now + datetime.timedelta(days=6))["closed"] == 1
    campaign.refresh_from_db()
    assert campaign.status == Status.CLOSED
    staff = UserFactory(staff=True)
    publish_results(actor=staff, campaign=campaign)
    publish_results(actor=staff, campaign=campaign)
    assert _kinds(member) == ["evaluations-published"]
    notice = Notice.objects.get(recipient=member)
    assert notice.link == evaluatee.get_absolute_url()
    assert campaign.name in notice.title


def test_the_practice_count_and_the_timeline_follow_the_grade_that_stands(
    member, reviewer, settings
):
    settings.EVALUATIONS_MIN_BALLOTS = 1
    tutee = PairingFactory(tutor=member).tutee
    campaign = CampaignFactory(relations=[Relation.TUTEE])
    question = QuestionFactory(campaign=campaign)
    advance_campaigns()
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    cast_ballot(actor=tutee, evaluatee=evaluatee, scores={question.pk: 4})
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    advance_campaigns()
    today = timezone.localdate()
    window = (today - datetime.timedelta(days=30), today)
    # Closed but not published: it does not count yet.
    assert counts_of(qualified_grades, [member.pk], *window) == {}
    publish_results(actor=UserFactory(staff=True), campaign=campaign)
    assert counts_of(qualified_grades, [member.pk, reviewer.pk], *window) == {member.pk: 1}
    evaluatee.refresh_from_db()
    record_final_grade(
        actor=reviewer, evaluatee=evaluatee, grade=Grade.BASIC, reason="多次缺席组织生活"
    )
    assert counts_of(qualified_grades, [member.pk], *window) == {}
    labels = [step.label for step in steps_of(member)]
    assert any("基本合格" in str(label) for label in labels)
