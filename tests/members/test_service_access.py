"""Who may do what, at the services: each write of the members app asks its `can_<action>`
in `members.access` and refuses anyone else with PermissionDenied, whichever door he comes
through; and the rules once kept only in admin forms hold for the models themselves."""

import datetime

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from members import access
from members.models import Branch, Milestone, PoliticalStatus, User, WorkstationRole
from members.services import record_step, remove_step
from tests.factories import UserFactory, WorkstationGroupFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# --- milestones -------------------------------------------------------------------------------


def test_recording_a_milestone_refuses_who_does_not_review_the_person(member, student):
    for outsider in (student, member):  # a student, and the person himself
        with pytest.raises(PermissionDenied):
            record_step(actor=outsider, person=member, kind="application", date=days_ago(9))
    assert not Milestone.objects.exists()
    member.refresh_from_db()
    assert member.political_status == PoliticalStatus.PROBATIONARY


def test_staff_record_no_step_on_a_colleagues_or_a_superusers_account(staff):
    """A step changes the status: staff record steps on the accounts they may change."""
    for other in (UserFactory(staff=True), UserFactory(is_superuser=True)):
        with pytest.raises(PermissionDenied):
            record_step(actor=staff, person=other, kind="application", date=days_ago(9))
    assert not Milestone.objects.exists()
    superuser = UserFactory(staff=True, is_superuser=True)
    colleague = UserFactory(staff=True)
    record_step(actor=superuser, person=colleague, kind="application", date=days_ago(9))
    assert colleague.milestones.count() == 1


def test_the_persons_reviewer_and_staff_record_his_milestones(member, reviewer, staff):
    record_step(actor=reviewer, person=member, kind="application", date=days_ago(900))
    record_step(actor=staff, person=member, kind="talk", date=days_ago(890), member_1=reviewer)
    assert list(member.milestones.values_list("recorded_by", flat=True)) == [
        reviewer.pk,
        staff.pk,
    ]


def test_removing_a_milestone_refuses_who_may_not_record_it(member, reviewer, student):
    milestone = record_step(actor=reviewer, person=member, kind="application", date=days_ago(9))
    with pytest.raises(PermissionDenied):
        remove_step(actor=student, step=milestone)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    remove_step(actor=reviewer, step=milestone)
    assert not Milestone.objects.exists()


# --- the branch secretary ---------------------------------------------------------------------


class BranchPageForm(forms.ModelForm):
    """Any form of a branch other than the admin's, as a staff page would have."""

    class Meta:
        model = Branch
        fields = ["name", "secretary", "is_active"]


def test_a_secretary_who_is_not_a_party_member_is_refused_outside_the_admin(student):
    with translation.override("en"):
        form = BranchPageForm({"name": "研究生党支部", "secretary": student.pk, "is_active": True})
        assert not form.is_valid()
        assert form.errors["secretary"] == [
            "The secretary must be a Party member, probationary or full; 陈同学 is "
            "“Communist Youth League member”."
        ]
        with pytest.raises(ValidationError) as refused:
            Branch(name="研究生党支部", secretary=student).full_clean()
    assert refused.value.error_dict["secretary"][0].code == "not_a_party_member"
    assert not Branch.objects.filter(name="研究生党支部").exists()


@pytest.mark.parametrize("status", sorted(PoliticalStatus.values))
def test_only_party_members_may_be_secretaries(status):
    person = UserFactory(political_status=status)
    branch = Branch(name="研究生党支部", secretary=person)
    party_member = status in {PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL}
    if party_member:
        branch.full_clean()
    else:
        with pytest.raises(ValidationError):
            branch.full_clean()
    assert access.is_party_member(person) == party_member


# --- the status follows the timeline ----------------------------------------------------------


def test_the_status_of_a_person_with_a_timeline_is_refused_by_the_model(student, staff):
    record_step(actor=staff, person=student, kind="application", date=days_ago(5))
    person = User.objects.get(pk=student.pk)
    person.political_status = PoliticalStatus.FULL
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            person.full_clean()
        assert refused.value.message_dict["political_status"] == [
            "The development timeline makes this person “Party applicant”: record a milestone "
            "to change the status."
        ]
    # Asked of a copy that was not loaded from the database, the rule still holds.
    copy = User(**{f.attname: getattr(person, f.attname) for f in User._meta.concrete_fields})
    with pytest.raises(ValidationError):
        copy.full_clean()


def test_the_status_without_a_timeline_is_free_to_change(student):
    person = User.objects.get(pk=student.pk)
    person.political_status = PoliticalStatus.APPLICANT
    person.full_clean()


# --- the three meanings of "member" -----------------------------------------------------------


@pytest.mark.parametrize("status", sorted(PoliticalStatus.values))
def test_in_the_workstation_and_party_member_are_two_different_things(status):
    person = UserFactory(political_status=status)
    workstation = status in {"activist", "candidate", "probationary", "full"}
    party = status in {"probationary", "full"}
    assert (access.in_workstation(person), access.is_party_member(person)) == (workstation, party)
    assert User.objects.in_workstation().filter(pk=person.pk).exists() == workstation
    assert User.objects.party_members().filter(pk=person.pk).exists() == party


def test_the_workstation_role_member_is_a_role_not_a_status():
    person = UserFactory(
        political_status=PoliticalStatus.MASSES,
        workstation_role=WorkstationRole.MEMBER,
        group=WorkstationGroupFactory(),
    )
    assert not access.in_workstation(person)
    assert not access.is_party_member(person)
