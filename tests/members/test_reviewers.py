"""Who reviews whom, as one queryable relation: `people_reviewed_by(user)` and
`reviewers_of(people)` read the same definition, and `is_reviewer` is asked once a request."""

import pytest

from members import access
from members.models import User, WorkstationRole
from tests.factories import BranchFactory, UserFactory, WorkstationGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(member):
    return UserFactory(
        party_member=True, workstation_role=WorkstationRole.LEADER, group=member.group
    )


@pytest.fixture
def head(db):
    return UserFactory(party_member=True, workstation_role=WorkstationRole.HEAD)


def test_both_readings_of_the_relation_agree(member, student, reviewer, leader, head):
    other = UserFactory(party_member=True, branch=BranchFactory())
    everyone = User.objects.all()
    for user in everyone:
        reviewed = set(access.people_reviewed_by(user))
        for person in everyone:
            assert (person in reviewed) == access.reviews(user, person)
            assert (user in access.reviewers_of(User.objects.filter(pk=person.pk))) == (
                person in reviewed
            )
    assert set(access.reviewers_of(User.objects.filter(pk=member.pk))) == {reviewer, leader, head}
    assert set(access.reviewers_of(User.objects.filter(pk=student.pk))) == set()
    assert set(access.reviewers_of(User.objects.filter(pk=other.pk))) == set()


def test_nobody_reviews_himself(reviewer, head):
    for person in (reviewer, head):
        assert person not in access.people_reviewed_by(person)
        assert person not in access.reviewers_of(User.objects.filter(pk=person.pk))


def test_an_inactive_branchs_secretary_reviews_nobody(branch, reviewer, member):
    branch.is_active = False
    branch.save(update_fields=["is_active"])
    assert not access.people_reviewed_by(reviewer).exists()
    assert reviewer not in access.reviewers_of(User.objects.filter(pk=member.pk))


def test_a_visitor_reviews_nobody(member):
    from django.contrib.auth.models import AnonymousUser

    assert not access.people_reviewed_by(AnonymousUser()).exists()


def test_is_reviewer_asks_the_database_once_per_user_object(reviewer, django_assert_num_queries):
    person = User.objects.get(pk=reviewer.pk)
    with django_assert_num_queries(1):
        assert access.is_reviewer(person)
        assert access.is_reviewer(person)
    # A user loaded afresh (the next request) asks again.
    with django_assert_num_queries(2):
        assert access.is_reviewer(User.objects.get(pk=reviewer.pk))


def test_the_remembered_answer_can_be_forgotten(branch, reviewer):
    from members.caching import forget_cached_answers

    assert access.is_reviewer(reviewer)
    branch.secretary = None
    branch.save(update_fields=["secretary"])
    assert access.is_reviewer(reviewer)  # remembered for this request
    forget_cached_answers(reviewer)
    assert not access.is_reviewer(reviewer)


def test_a_group_leader_needs_a_group_to_review():
    leader = UserFactory(party_member=True, workstation_role=WorkstationRole.LEADER)
    assert not access.is_reviewer(leader)
    leader = UserFactory(
        party_member=True, workstation_role=WorkstationRole.LEADER, group=WorkstationGroupFactory()
    )
    assert access.is_reviewer(leader)


def test_a_group_has_one_leader(member):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    UserFactory(workstation_role=WorkstationRole.LEADER, group=member.group)
    second = User(
        email="second@example.edu.cn", workstation_role=WorkstationRole.LEADER, group=member.group
    )
    with pytest.raises(ValidationError):
        second.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
