"""Who may do what, at the services: each write of the study track asks its `can_<action>` in
`study.access` and refuses anyone else with PermissionDenied, whichever door he comes through
(page, admin, demo, task); and the requirement's consistency is the model's."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members.models import User
from study.models import Activity, Enrollment, ReadingConfirmation, Requirement, StudyEntry
from study.services import activities as activity_services
from study.services import track as track_services
from tests.factories import BranchFactory

from .factories import (
    ActivityFactory,
    EnrollmentFactory,
    ReadingFactory,
    RegistrationFactory,
    StudyPlanFactory,
)

pytestmark = pytest.mark.django_db


def details(**changes) -> activity_services.ActivityDetails:
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    fields = {
        "title": "支部学习会",
        "kind": "branch_study",
        "stage": 1,
        "description": "",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "place": "书院活动室",
        "capacity": 30,
        "hours": Decimal(2),
        "plan": None,
        "branch": None,
    }
    return activity_services.ActivityDetails(**{**fields, **changes})


# --- the study log ----------------------------------------------------------------------------


def test_only_people_in_the_workstation_log_study(student, member):
    entry = {"date": timezone.localdate(), "stage": 1, "kind": "self_study", "hours": Decimal(1)}
    with pytest.raises(PermissionDenied):
        track_services.create_entry(actor=student, **entry)
    assert not StudyEntry.objects.exists()
    track_services.create_entry(actor=member, **entry)
    assert StudyEntry.objects.get().person == member


# --- participants -----------------------------------------------------------------------------


def test_choosing_participants_refuses_anyone_but_staff(reviewer, member, staff):
    plan = StudyPlanFactory()
    people = User.objects.filter(pk=member.pk)
    for outsider in (reviewer, member):
        with pytest.raises(PermissionDenied):
            track_services.enrol_people(actor=outsider, plan=plan, people=people)
    assert not plan.enrollments.exists()
    assert track_services.enrol_people(actor=staff, plan=plan, people=people) == 1


def test_taking_someone_out_of_a_plan_refuses_anyone_but_staff(reviewer, member, staff):
    enrollment = EnrollmentFactory(person=member)
    for outsider in (reviewer, member):
        with pytest.raises(PermissionDenied):
            track_services.remove_enrollment(actor=outsider, enrollment=enrollment)
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    track_services.remove_enrollment(actor=staff, enrollment=enrollment)
    assert not Enrollment.objects.exists()


# --- scheduling -------------------------------------------------------------------------------


def test_a_reviewer_schedules_only_for_his_own_branch(reviewer, branch):
    other = BranchFactory()
    for refused in (None, other):  # everyone, and another branch
        with pytest.raises(PermissionDenied):
            activity_services.schedule_activity(actor=reviewer, details=details(branch=refused))
    assert not Activity.objects.exists()
    activity = activity_services.schedule_activity(actor=reviewer, details=details(branch=branch))
    assert (activity.organiser, activity.branch) == (reviewer, branch)


def test_members_and_students_schedule_nothing(member, student, branch):
    for outsider in (member, student):
        with pytest.raises(PermissionDenied):
            activity_services.schedule_activity(actor=outsider, details=details(branch=branch))
    assert not Activity.objects.exists()


def test_staff_schedule_for_everyone_or_any_branch(staff, branch):
    activity_services.schedule_activity(actor=staff, details=details())
    activity_services.schedule_activity(actor=staff, details=details(branch=branch))
    assert Activity.objects.count() == 2


def test_changing_an_activity_refuses_who_does_not_run_it(member, reviewer, branch):
    activity = ActivityFactory(organiser=reviewer, branch=branch)
    current = details(**{name: getattr(activity, name) for name in activity_services.FIELDS})
    with pytest.raises(PermissionDenied):
        activity_services.update_activity(
            actor=member, activity=activity, details=replace(current, title="改名")
        )
    # The organiser may change it, but not move it to a branch he does not schedule for.
    with pytest.raises(PermissionDenied):
        activity_services.update_activity(
            actor=reviewer, activity=activity, details=replace(current, branch=BranchFactory())
        )
    activity_services.update_activity(
        actor=reviewer, activity=activity, details=replace(current, title="改名")
    )
    activity.refresh_from_db()
    assert (activity.title, activity.branch) == ("改名", branch)


def test_running_an_activity_refuses_who_does_not_run_it(member, staff):
    activity = ActivityFactory(running=True)
    registration = RegistrationFactory(activity=activity)
    code = activity.sign_in_code
    refused = [
        lambda actor: activity_services.renew_sign_in_code(actor=actor, activity=activity),
        lambda actor: activity_services.fill_places_from_waiting_list(
            actor=actor, activity=activity
        ),
        lambda actor: activity_services.mark_attendance(actor=actor, registration=registration),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied):
            action(member)
    activity.refresh_from_db()
    registration.refresh_from_db()
    assert (activity.sign_in_code, registration.attended_at) == (code, None)

    activity_services.mark_attendance(actor=staff, registration=registration)
    with pytest.raises(PermissionDenied):
        activity_services.unmark_attendance(actor=member, registration=registration)
    registration.refresh_from_db()
    assert registration.attended_at is not None
    activity_services.unmark_attendance(actor=staff, registration=registration)
    registration.refresh_from_db()
    assert registration.attended_at is None
    activity_services.renew_sign_in_code(actor=staff, activity=activity)
    activity.refresh_from_db()
    assert activity.sign_in_code != code


def test_only_readers_of_the_readings_confirm_them(student, member):
    reading = ReadingFactory()
    note = "读后有收获。明白了党员的权利和义务。" * 2
    with pytest.raises(PermissionDenied):
        activity_services.confirm_reading(actor=student, reading=reading, note=note)
    assert not ReadingConfirmation.objects.exists()
    activity_services.confirm_reading(actor=member, reading=reading, note=note)
    assert ReadingConfirmation.objects.get().person == member


# --- requirements -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "detail", "field"),
    [
        (Requirement.Kind.HOURS, {"activity_kind": "lecture"}, "activity_kind"),
        (
            Requirement.Kind.ACTIVITIES,
            {"practice_sources": ["suggestions"]},
            "practice_sources",
        ),
    ],
)
def test_a_requirement_detail_of_another_kind_is_refused_by_the_model(kind, detail, field):
    requirement = Requirement(plan=StudyPlanFactory(), stage=1, kind=kind, minimum=3, **detail)
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()
    assert field in refused.value.message_dict


def test_readings_belong_to_a_reading_list_only():
    reading = ReadingFactory()
    with pytest.raises(ValidationError):
        Requirement.check_readings(Requirement.Kind.HOURS, [reading])
    with pytest.raises(ValidationError):
        Requirement.check_readings(Requirement.Kind.READINGS, [])
    Requirement.check_readings(Requirement.Kind.READINGS, [reading])
    Requirement.check_readings(Requirement.Kind.HOURS, [])


def test_a_consistent_requirement_passes():
    requirement = Requirement(
        plan=StudyPlanFactory(), stage=1, kind=Requirement.Kind.ACTIVITIES, minimum=2
    )
    requirement.activity_kind = "lecture"
    requirement.full_clean()
