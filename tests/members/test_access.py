"""Who reviews whom, and who sees which people and branches: the rules in members/access.py."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import access
from members.models import PoliticalStatus, WorkstationRole
from tests.factories import BranchFactory, UserFactory, WorkstationGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_branch():
    return BranchFactory(name="研究生党支部")


def test_a_secretary_reviews_his_branch_only(reviewer, member, other_branch):
    stranger = UserFactory(branch=other_branch)
    assert access.is_reviewer(reviewer)
    assert access.reviews(reviewer, member)
    assert not access.reviews(reviewer, stranger)
    assert not access.reviews(reviewer, reviewer)  # nobody reviews himself
    assert set(access.people_visible_to(reviewer)) == {reviewer, member}


def test_an_inactive_branch_gives_its_secretary_nobody(reviewer, member, branch):
    branch.is_active = False
    branch.save(update_fields=["is_active"])
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert not access.is_reviewer(reviewer)
    assert not access.reviews(reviewer, member)
    assert list(access.people_visible_to(reviewer)) == []


def test_a_group_leader_reviews_his_group(member):
    group = member.group
    leader = UserFactory(party_member=True, workstation_role=WorkstationRole.LEADER, group=group)
    other_group = WorkstationGroupFactory()
    outsider = UserFactory(workstation_role=WorkstationRole.MEMBER, group=other_group)
    assert access.is_reviewer(leader)
    assert access.reviews(leader, member)
    assert not access.reviews(leader, outsider)


def test_the_head_reviews_everyone_in_the_workstation(member, student):
    head = UserFactory(party_member=True, workstation_role=WorkstationRole.HEAD)
    assert access.is_reviewer(head)
    assert access.reviews(head, member)
    assert not access.reviews(head, student)  # not in the workstation
    assert set(access.people_visible_to(head)) == {head, member}


def test_members_and_students_review_nobody(member, student):
    for person in (member, student):
        assert not access.is_reviewer(person)
        assert list(access.people_visible_to(person)) == []
    assert access.in_workstation(member)
    assert not access.in_workstation(student)


def test_membership_starts_with_the_activist():
    statuses = {s: access.in_workstation(UserFactory(political_status=s)) for s in PoliticalStatus}
    assert [s for s, yes in statuses.items() if yes] == [
        PoliticalStatus.ACTIVIST,
        PoliticalStatus.CANDIDATE,
        PoliticalStatus.PROBATIONARY,
        PoliticalStatus.FULL,
    ]


def test_staff_see_everyone(staff, member, student):
    assert access.is_staff(staff)
    assert {member, student} <= set(access.people_visible_to(staff))
    assert access.get_person_for_user(staff, member.pk, write=True) == member


def test_an_inactive_staff_account_is_not_staff(staff):
    staff.is_active = False
    assert not access.is_staff(staff)


def test_a_visitor_sees_nothing(member, branch):
    visitor = AnonymousUser()
    assert not access.is_reviewer(visitor)
    assert list(access.people_visible_to(visitor)) == []
    assert list(access.branches_visible_to(visitor)) == []
    with pytest.raises(Http404):
        access.get_person_for_user(visitor, member.pk)


def test_a_person_sees_himself_but_records_nothing_for_himself(member):
    assert access.get_person_for_user(member, member.pk) == member
    with pytest.raises(PermissionDenied):
        access.get_person_for_user(member, member.pk, write=True)


def test_outsiders_get_not_found(member, student, reviewer, other_branch):
    stranger = UserFactory(branch=other_branch)
    for user, pk in [(student, member.pk), (member, student.pk), (reviewer, stranger.pk)]:
        with pytest.raises(Http404):
            access.get_person_for_user(user, pk)
    with pytest.raises(Http404):
        access.get_person_for_user(reviewer, 10**9)


def test_branches_are_seen_by_their_people_and_secretary(member, reviewer, student, branch):
    other = BranchFactory()
    assert list(access.branches_visible_to(member)) == [branch]
    assert list(access.branches_visible_to(reviewer)) == [branch]
    assert list(access.branches_visible_to(student)) == []
    with pytest.raises(Http404):
        access.get_branch_for_user(member, other.pk)


def test_importing_needs_the_permission(staff):
    from django.contrib.auth.models import Permission

    assert not access.can_import_roster(staff)
    staff.user_permissions.add(Permission.objects.get(codename="import_user"))
    staff = type(staff).objects.get(pk=staff.pk)
    assert access.can_import_roster(staff)
