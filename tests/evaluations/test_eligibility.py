"""Who may evaluate whom, from each relation, when a campaign opens."""

import datetime

import pytest
from django.utils import timezone

from evaluations.models import Eligibility, Evaluatee, Relation, Scope
from evaluations.services import open_campaign
from members.models import PoliticalStatus
from tests.dorms.factories import ContactFactory, FloorFactory, ResidencyFactory, RoomFactory
from tests.factories import BranchFactory, UserFactory
from tests.feedback.factories import SuggestionFactory
from tests.study.factories import EnrollmentFactory
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _opened(**fields):
    campaign = CampaignFactory(**fields)
    open_campaign(campaign=campaign)
    return campaign


def _reasons(campaign, evaluator, person) -> set[str]:
    return set(
        Eligibility.objects.filter(
            campaign=campaign, evaluator=evaluator, evaluatee__person=person
        ).values_list("relation", flat=True)
    )


def test_a_tutee_evaluates_his_tutor_and_an_old_pairing_does_not_count(member):
    tutee = PairingFactory(tutor=member).tutee
    old = PairingFactory(
        tutor=member,
        status="ended",
        ended_at=timezone.now() - datetime.timedelta(days=400),
        accepted_at=timezone.now() - datetime.timedelta(days=500),
    ).tutee
    campaign = _opened(relations=[Relation.TUTEE])
    assert _reasons(campaign, tutee, member) == {Relation.TUTEE}
    assert _reasons(campaign, old, member) == set()


def test_residents_of_a_room_or_floor_looked_after_evaluate_the_member(member):
    room = RoomFactory(floor=FloorFactory())
    other_room = RoomFactory(floor=FloorFactory())
    ContactFactory(member=member, room=room)
    ContactFactory(member=member, floor=other_room.floor)
    roommate = ResidencyFactory(room=room, person=UserFactory()).person
    floor_mate = ResidencyFactory(room=other_room, person=UserFactory()).person
    moved_out = ResidencyFactory(
        room=room,
        person=UserFactory(),
        start=timezone.localdate() - datetime.timedelta(days=900),
        until=timezone.localdate() - datetime.timedelta(days=400),
    ).person
    campaign = _opened(relations=[Relation.RESIDENT])
    assert _reasons(campaign, roommate, member) == {Relation.RESIDENT}
    assert _reasons(campaign, floor_mate, member) == {Relation.RESIDENT}
    assert _reasons(campaign, moved_out, member) == set()


def test_a_named_author_evaluates_who_answered_him_and_an_anonymous_one_never(member):
    named = SuggestionFactory(answered=True, answered_by=member, answered_at=timezone.now())
    hidden_author = UserFactory(name="匿名作者")
    SuggestionFactory(
        answered=True, answered_by=member, answered_at=timezone.now(), anonymous_by=hidden_author
    )
    campaign = _opened(relations=[Relation.AUTHOR])
    assert _reasons(campaign, named.author, member) == {Relation.AUTHOR}
    # Nowhere: the eligibility itself would name him.
    assert not Eligibility.objects.filter(evaluator=hidden_author).exists()


def test_fellows_of_the_group_and_party_members_of_the_branch_evaluate(member, reviewer, branch):
    group_fellow = UserFactory(group=member.group, political_status=PoliticalStatus.ACTIVIST)
    branch_activist = UserFactory(branch=branch, political_status=PoliticalStatus.ACTIVIST)
    campaign = _opened(relations=[Relation.GROUP, Relation.BRANCH])
    assert _reasons(campaign, group_fellow, member) == {Relation.GROUP}
    assert _reasons(campaign, reviewer, member) == {Relation.BRANCH}
    assert _reasons(campaign, member, reviewer) == {Relation.BRANCH}
    # The activist is no Party member: he is not evaluated and does not evaluate the branch.
    assert _reasons(campaign, branch_activist, member) == set()
    assert not Evaluatee.objects.filter(person=branch_activist).exists()
    assert _reasons(campaign, member, member) == set()


def test_the_self_evaluation_and_inactive_evaluators(member):
    tutee = PairingFactory(tutor=member, request__tutee__is_active=False).tutee
    campaign = _opened(relations=[Relation.SELF, Relation.TUTEE])
    assert _reasons(campaign, member, member) == {Relation.SELF}
    assert _reasons(campaign, tutee, member) == set()


def test_several_relations_make_one_member_to_evaluate_with_each_reason(member):
    tutee = PairingFactory(tutor=member, request__tutee__group=member.group).tutee
    campaign = _opened(relations=[Relation.TUTEE, Relation.GROUP])
    assert _reasons(campaign, tutee, member) == {Relation.TUTEE, Relation.GROUP}


def test_the_scope_decides_who_is_evaluated(member, reviewer, branch):
    other = UserFactory(branch=BranchFactory(), political_status=PoliticalStatus.FULL)
    masses = UserFactory(branch=branch)
    everyone = _opened()
    assert set(Evaluatee.objects.filter(campaign=everyone).values_list("person", flat=True)) == {
        member.pk,
        reviewer.pk,
        other.pk,
    }
    one_branch = _opened(scope=Scope.BRANCH, branch=branch)
    assert set(Evaluatee.objects.filter(campaign=one_branch).values_list("person", flat=True)) == {
        member.pk,
        reviewer.pk,
    }
    follower = EnrollmentFactory(person=masses).person
    plan = _opened(scope=Scope.STUDY_PLAN, study_plan_id=follower.enrollments.get().plan_id)
    assert list(Evaluatee.objects.filter(campaign=plan).values_list("person", flat=True)) == [
        masses.pk
    ]
    assert Evaluatee.objects.get(campaign=one_branch, person=member).branch == branch


def test_a_campaign_opens_once_and_not_before_its_window(member):
    PairingFactory(tutor=member)
    later = CampaignFactory(
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=8),
    )
    assert open_campaign(campaign=later) is False
    assert not Evaluatee.objects.filter(campaign=later).exists()
    campaign = _opened()
    count = Eligibility.objects.filter(campaign=campaign).count()
    assert open_campaign(campaign=campaign) is False
    assert Eligibility.objects.filter(campaign=campaign).count() == count
    # Without questions of its own, it takes the default ones.
    assert campaign.questions.count() == 5
