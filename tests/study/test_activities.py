"""Activities: sign-up and the waiting list, sign-in by code within its window, attendance taken
by hand, and the hours each attendance credits, once."""

import datetime
import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from members.models import PoliticalStatus
from notifications.models import Notice
from study.access.activities import activities_visible_to, get_activity_for_user
from study.models import Registration, StudyEntry
from study.services.activities import (
    FIELDS,
    ActivityDetails,
    cancel_registration,
    mark_attendance,
    sign_in_to_activity,
    sign_up_for_activity,
    unmark_attendance,
    update_activity,
)
from tests.factories import BranchFactory, UserFactory

from .factories import ActivityFactory, EnrollmentFactory, RegistrationFactory, StudyPlanFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _english():
    """The refusals are read in English here; their Chinese is the catalogue's business."""
    with translation.override("en"):
        yield


def a_member(**kwargs):
    return UserFactory(political_status=PoliticalStatus.PROBATIONARY, **kwargs)


def refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value


# --- the audience --------------------------------------------------------------------------------


def test_the_audience_is_the_plan_and_the_branch(branch, member, reviewer, student, staff):
    plan = StudyPlanFactory()
    EnrollmentFactory(plan=plan, person=member)
    other_branch = BranchFactory(name="研究生党支部")
    open_to_all = ActivityFactory(title="全体党员大会")
    for_the_plan = ActivityFactory(title="计划内讲座", plan=plan)
    for_another_plan = ActivityFactory(title="别的计划", plan=StudyPlanFactory())
    for_the_branch = ActivityFactory(title="支部学习", branch=branch)
    for_another_branch = ActivityFactory(title="别的支部", branch=other_branch)

    assert set(activities_visible_to(member)) == {open_to_all, for_the_plan, for_the_branch}
    # The secretary is not in the plan, but runs his branch's activities.
    assert set(activities_visible_to(reviewer)) == {open_to_all, for_the_branch}
    assert set(activities_visible_to(student)) == set()
    assert set(activities_visible_to(staff)) == {
        open_to_all,
        for_the_plan,
        for_another_plan,
        for_the_branch,
        for_another_branch,
    }
    assert activities_visible_to(member).upcoming()[:5].count() == 3


def test_an_organiser_sees_his_own_activity_outside_its_audience(branch):
    # In the workstation, where an organiser runs his activities (none of his branch's here).
    organiser = UserFactory(political_status=PoliticalStatus.ACTIVIST)
    activity = ActivityFactory(branch=BranchFactory(name="别处"), organiser=organiser)
    assert get_activity_for_user(organiser, activity.pk, write=True) == activity


# --- sign-up and the waiting list ----------------------------------------------------------------


def test_sign_up_takes_a_place_then_the_waiting_list(member):
    activity = ActivityFactory(capacity=2)
    first, second = a_member(), a_member()

    assert sign_up_for_activity(actor=first, activity=activity).status == "registered"
    assert sign_up_for_activity(actor=second, activity=activity).status == "registered"
    waiting = sign_up_for_activity(actor=member, activity=activity)
    assert waiting.status == Registration.Status.WAITLISTED

    error = refusal(sign_up_for_activity, actor=member, activity=activity)
    assert error.code == "already_signed_up"
    assert Registration.objects.filter(activity=activity).count() == 3


def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told(member):
    activity = ActivityFactory(capacity=1)
    holder, later = a_member(), a_member()
    place = sign_up_for_activity(actor=holder, activity=activity)
    first_waiting = sign_up_for_activity(actor=member, activity=activity)
    sign_up_for_activity(actor=later, activity=activity)

    cancel_registration(actor=holder, registration=place)

    statuses = dict(Registration.objects.filter(activity=activity).values_list("person", "status"))
    assert statuses == {holder.pk: "cancelled", member.pk: "registered", later.pk: "waitlisted"}
    notice = Notice.objects.get(kind="study-activity-promoted")
    assert notice.recipient == member
    assert activity.title in notice.title
    assert notice.link == f"/study/activities/{activity.pk}/"
    assert first_waiting.pk == Registration.objects.get(person=member).pk


def test_cancelling_a_waiting_place_promotes_nobody(member):
    activity = ActivityFactory(capacity=1)
    sign_up_for_activity(actor=a_member(), activity=activity)
    waiting = sign_up_for_activity(actor=member, activity=activity)
    cancel_registration(actor=member, registration=waiting)
    assert Notice.objects.filter(kind="study-activity-promoted").count() == 0
    # Coming back goes to the back of the queue, on the waiting list.
    assert sign_up_for_activity(actor=member, activity=activity).status == "waitlisted"


def test_no_sign_up_or_cancelling_once_the_activity_started(member):
    activity = ActivityFactory(running=True)
    error = refusal(sign_up_for_activity, actor=member, activity=activity)
    assert error.code == "sign_up_closed"
    place = RegistrationFactory(activity=activity, person=member)
    error = refusal(cancel_registration, actor=member, registration=place)
    assert error.code == "too_late_to_cancel"
    place.refresh_from_db()
    assert place.status == "registered"


def test_sign_up_outside_the_audience_is_refused(student):
    activity = ActivityFactory()
    assert refusal(sign_up_for_activity, actor=student, activity=activity).code == "not_audience"
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_overfill_the_activity():
    activity = ActivityFactory(capacity=3)
    people = [a_member() for _ in range(8)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def sign_up(person) -> None:
        try:
            barrier.wait()
            sign_up_for_activity(actor=person, activity=activity)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(Registration.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses.count("registered") == 3
    assert statuses.count("waitlisted") == 5


# --- sign-in ------------------------------------------------------------------------------------


@pytest.fixture
def session(member):
    """A two-hour session from 14:00 tomorrow, with the member signed up."""
    starts = (timezone.now() + datetime.timedelta(days=1)).replace(
        hour=6, minute=0, second=0, microsecond=0
    )
    activity = ActivityFactory(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), hours=Decimal("2.5")
    )
    RegistrationFactory(activity=activity, person=member)
    return activity


def entries_of(person):
    return StudyEntry.objects.filter(person=person)


def test_sign_in_credits_the_hours_once(session, member, settings):
    settings.STUDY_SIGN_IN_GRACE_MINUTES = 15
    now = session.starts_at + datetime.timedelta(minutes=20)
    registration = sign_in_to_activity(
        actor=member, activity=session, code=f" {session.sign_in_code.lower()} ", now=now
    )
    assert registration.attended_at == now
    assert registration.attendance_marked_by is None
    entry = entries_of(member).get()
    assert (entry.kind, entry.status, entry.hours, entry.stage) == (
        "activity",
        "approved",
        Decimal("2.5"),
        session.stage,
    )
    assert entry.activity == session
    assert entry.date == timezone.localdate(session.starts_at)
    assert entry.reviewed_by is None

    error = refusal(
        sign_in_to_activity, actor=member, activity=session, code=session.sign_in_code, now=now
    )
    assert error.code == "twice"
    assert "already" in error.messages[0]
    assert entries_of(member).count() == 1


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (datetime.timedelta(minutes=-16), "too_early"),
        (datetime.timedelta(hours=2, minutes=16), "too_late"),
    ],
)
def test_sign_in_outside_the_window_changes_nothing(session, member, settings, offset, code):
    settings.STUDY_SIGN_IN_GRACE_MINUTES = 15
    error = refusal(
        sign_in_to_activity,
        actor=member,
        activity=session,
        code=session.sign_in_code,
        now=session.starts_at + offset,
    )
    assert error.code == code
    assert Registration.objects.get(person=member).attended_at is None
    assert not entries_of(member).exists()


@pytest.mark.parametrize(
    "offset",
    [datetime.timedelta(minutes=-15), datetime.timedelta(hours=2, minutes=15)],
    ids=["opening", "closing"],
)
def test_sign_in_is_open_at_both_edges_of_the_grace(session, member, settings, offset):
    settings.STUDY_SIGN_IN_GRACE_MINUTES = 15
    sign_in_to_activity(
        actor=member, activity=session, code=session.sign_in_code, now=session.starts_at + offset
    )
    assert entries_of(member).count() == 1


def test_the_grace_period_is_a_setting(session, member, settings):
    settings.STUDY_SIGN_IN_GRACE_MINUTES = 30
    sign_in_to_activity(
        actor=member,
        activity=session,
        code=session.sign_in_code,
        now=session.starts_at - 25 * MINUTE,
    )
    assert entries_of(member).count() == 1


def test_a_wrong_code_changes_nothing(session, member):
    wrong = "AAAAAA" if session.sign_in_code != "AAAAAA" else "BBBBBB"
    error = refusal(
        sign_in_to_activity, actor=member, activity=session, code=wrong, now=session.starts_at
    )
    assert error.code == "wrong_code"
    assert Registration.objects.get(person=member).attended_at is None
    assert not entries_of(member).exists()


def test_someone_not_signed_up_takes_a_free_place(session, member):
    walk_in = a_member()
    registration = sign_in_to_activity(
        actor=walk_in, activity=session, code=session.sign_in_code, now=session.starts_at
    )
    assert registration.status == "registered"
    assert entries_of(walk_in).count() == 1


def test_over_capacity_a_walk_in_or_a_waiting_person_is_refused(member):
    activity = ActivityFactory(capacity=1)
    RegistrationFactory(activity=activity, person=member)
    waiting = RegistrationFactory(activity=activity, status="waitlisted")
    walk_in = a_member()
    for person in (waiting.person, walk_in):
        error = refusal(
            sign_in_to_activity,
            actor=person,
            activity=activity,
            code=activity.sign_in_code,
            now=activity.starts_at,
        )
        assert error.code == "full"
        assert error.messages == ["The activity is full."]
    assert not StudyEntry.objects.exists()
    assert Registration.objects.filter(activity=activity).count() == 2
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_a_waiting_person_takes_a_place_that_came_free(member):
    activity = ActivityFactory(capacity=1)
    holder = RegistrationFactory(activity=activity, person=a_member(), status="cancelled")
    waiting = RegistrationFactory(activity=activity, person=member, status="waitlisted")
    sign_in_to_activity(
        actor=member, activity=activity, code=activity.sign_in_code, now=activity.starts_at
    )
    waiting.refresh_from_db()
    assert waiting.status == "registered" and waiting.attended_at is not None
    assert holder.person.study_entries.count() == 0


def test_outside_the_audience_nobody_signs_in(session, student):
    error = refusal(
        sign_in_to_activity,
        actor=student,
        activity=session,
        code=session.sign_in_code,
        now=session.starts_at,
    )
    assert error.code == "not_audience"


# --- attendance by hand -------------------------------------------------------------------------


def test_the_organiser_marks_and_unmarks_attendance(session, member, staff):
    registration = Registration.objects.get(person=member)
    mark_attendance(actor=staff, registration=registration, now=session.starts_at)
    registration.refresh_from_db()
    assert registration.attendance_marked_by == staff
    entry = entries_of(member).get()
    assert entry.status == "approved" and entry.reviewed_by == staff

    error = refusal(mark_attendance, actor=staff, registration=registration, now=session.ends_at)
    assert error.code == "twice"
    assert entries_of(member).count() == 1

    unmark_attendance(actor=staff, registration=registration)
    registration.refresh_from_db()
    assert registration.attended_at is None and registration.attendance_marked_by is None
    assert not entries_of(member).exists()
    error = refusal(unmark_attendance, actor=staff, registration=registration)
    assert error.code == "not_present"

    # After the undo, the member may still sign in himself, and is credited once.
    sign_in_to_activity(
        actor=member, activity=session, code=session.sign_in_code, now=session.starts_at
    )
    assert entries_of(member).count() == 1


def test_attendance_is_not_taken_before_the_window(session, member, staff):
    registration = Registration.objects.get(person=member)
    error = refusal(
        mark_attendance,
        actor=staff,
        registration=registration,
        now=session.starts_at - datetime.timedelta(hours=1),
    )
    assert error.code == "too_early"
    assert not entries_of(member).exists()


def test_a_new_time_or_place_is_told_to_the_people_on_the_list(member, staff):
    activity = ActivityFactory(capacity=1)
    RegistrationFactory(activity=activity, person=member)
    waiting = RegistrationFactory(activity=activity, status="waitlisted")
    RegistrationFactory(activity=activity, status="cancelled")
    details = ActivityDetails(**{name: getattr(activity, name) for name in FIELDS})

    update_activity(actor=staff, activity=activity, details=replace(details, title="新标题"))
    assert not Notice.objects.filter(kind="study-activity-changed").exists()

    moved = replace(details, place="书院报告厅")
    update_activity(actor=staff, activity=activity, details=moved)
    notices = Notice.objects.filter(kind="study-activity-changed")
    assert {n.recipient for n in notices} == {member, waiting.person}
    assert "书院报告厅" in notices.get(recipient=member).body

    later = replace(
        moved,
        starts_at=activity.starts_at + datetime.timedelta(hours=1),
        ends_at=activity.ends_at + datetime.timedelta(hours=1),
    )
    update_activity(actor=staff, activity=activity, details=later)
    assert Notice.objects.filter(kind="study-activity-changed", recipient=member).count() == 2


def test_an_organisers_own_attendance_goes_to_a_reviewer(branch, reviewer, member):
    """He shows the code and takes the attendance: nobody but he would vouch for his hours."""
    starts = timezone.now() - datetime.timedelta(minutes=30)
    activity = ActivityFactory(
        organiser=reviewer,
        branch=branch,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        hours=Decimal("2"),
    )
    sign_in_to_activity(actor=reviewer, activity=activity, code=activity.sign_in_code)
    entry = entries_of(reviewer).get()
    assert (entry.status, entry.reviewed_by, entry.reviewed_at) == ("submitted", None, None)

    # The members he signs in are credited as before.
    sign_in_to_activity(actor=member, activity=activity, code=activity.sign_in_code)
    assert entries_of(member).get().status == "approved"


def test_marking_oneself_present_goes_to_a_reviewer(branch, reviewer):
    starts = timezone.now() - datetime.timedelta(minutes=30)
    activity = ActivityFactory(
        organiser=reviewer, branch=branch, starts_at=starts, ends_at=starts + 2 * 60 * MINUTE
    )
    own = RegistrationFactory(activity=activity, person=reviewer)
    mark_attendance(actor=reviewer, registration=own)
    assert entries_of(reviewer).get().status == "submitted"


def test_each_change_is_told_even_within_the_same_instant(member, staff, monkeypatch):
    """A change is named by the activity's history, not by the clock: two changes while the
    clock stands still are both told."""
    activity = ActivityFactory()
    RegistrationFactory(activity=activity, person=member)
    details = ActivityDetails(**{name: getattr(activity, name) for name in FIELDS})
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    update_activity(actor=staff, activity=activity, details=replace(details, place="一号楼"))
    update_activity(actor=staff, activity=activity, details=replace(details, place="二号楼"))
    told = Notice.objects.filter(kind="study-activity-changed", recipient=member)
    assert told.count() == 2
    assert "二号楼" in told.order_by("pk").last().body
