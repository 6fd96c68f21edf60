"""The writes of activities and readings: scheduling, sign-up and the waiting list, sign-in by
code, attendance taken by hand, reading confirmations and the day-before reminder.

Every change to an activity's list locks the activity's row first, so that two people taking
the last place at once never both get it. Attendance writes an approved study entry for the
activity's hours, in the same transaction, once.
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.models import Branch, User
from notifications.services import Reminder, notify, notify_many

from ..access.activities import (
    can_read_readings,
    can_run_activity,
    can_schedule_activity,
    is_in_audience,
)
from ..models import (
    Activity,
    Reading,
    ReadingConfirmation,
    Registration,
    StudyEntry,
    StudyPlan,
    new_sign_in_code,
)

READING_NOTE_MIN_LENGTH = 10
ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED)


def activity_url(activity: Activity) -> str:
    return reverse("study:activity", kwargs={"pk": activity.pk})


# --- scheduling ----------------------------------------------------------------------------------


@dataclass
class ActivityDetails:
    """What staff and reviewers say about an activity when they schedule or change it."""

    title: str
    kind: str
    stage: int
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    capacity: int
    hours: Decimal
    plan: StudyPlan | None
    branch: Branch | None


FIELDS = [
    "title",
    "kind",
    "stage",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "hours",
    "plan",
    "branch",
]


def check_activity_details(details: ActivityDetails, activity: Activity | None = None) -> None:
    """Refuse details that cannot be, saying why: the checks every door shares."""
    if details.ends_at <= details.starts_at:
        raise ValidationError(
            {"ends_at": _("The activity must end after it starts.")}, code="ends_before_start"
        )
    if details.capacity < 1:
        raise ValidationError({"capacity": _("Offer at least one place.")}, code="no_places")
    if not Decimal(0) <= details.hours <= Decimal(24):
        raise ValidationError(
            {"hours": _("Hours credited are between 0 and 24.")}, code="hours_out_of_range"
        )
    if activity is not None and activity.pk is not None:
        taken = activity.registrations.filter(status=Registration.Status.REGISTERED).count()
        if details.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s people have a place already: the capacity cannot go below that."
                    )
                    % {"count": taken}
                },
                code="below_registered",
            )


@transaction.atomic
def schedule_activity(*, actor: User, details: ActivityDetails) -> Activity:
    """Schedule an activity; `actor` becomes its organiser.

    Staff schedule for any branch or for everyone; a reviewer only for a branch of his.
    """
    if not can_schedule_activity(actor, details.branch):
        raise PermissionDenied
    check_activity_details(details)
    activity = Activity(organiser=actor, **{name: getattr(details, name) for name in FIELDS})
    activity._history_user = actor
    activity.save()
    return activity


@transaction.atomic
def update_activity(*, actor: User, activity: Activity, details: ActivityDetails) -> Activity:
    """Change an activity; places it gains go to the waiting list in order, and the people on
    its list are told when its time or place changes."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not can_run_activity(actor, activity):
        raise PermissionDenied
    if details.branch != activity.branch and not can_schedule_activity(actor, details.branch):
        raise PermissionDenied
    check_activity_details(details, activity)
    changed = [name for name in FIELDS if getattr(activity, name) != getattr(details, name)]
    for name in changed:
        setattr(activity, name, getattr(details, name))
    if changed:
        activity._history_user = actor
        activity.save(update_fields=changed)
    if set(changed) & {"starts_at", "ends_at", "place"}:
        _tell_of_change(activity)
    _fill_from_waiting_list(activity)
    return activity


def _tell_of_change(activity: Activity) -> None:
    """Tell the people on the list of an activity yet to end of its new time and place.

    The change is named by the history row its saving wrote, so each change is told once.
    """
    if activity.ends_at <= timezone.now():
        return
    change = activity.history.order_by("-history_id").values_list("history_id", flat=True)[0]
    notify_many(
        reminders=(
            Reminder(
                recipient=registration.person,
                kind="study-activity-changed",
                key=f"study-activity-changed:{registration.pk}:{change}",
                context={"activity": activity},
                link=activity_url(activity),
            )
            for registration in activity.registrations.filter(status__in=ACTIVE).select_related(
                "person"
            )
        )
    )


@transaction.atomic
def renew_sign_in_code(*, actor: User, activity: Activity) -> Activity:
    """Give the activity a new sign-in code (the old one was shared too widely)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not can_run_activity(actor, activity):
        raise PermissionDenied
    activity.sign_in_code = new_sign_in_code()
    activity._history_user = actor
    activity.save(update_fields=["sign_in_code"])
    return activity


# --- sign-up and the waiting list -------------------------------------------------------------


@transaction.atomic
def fill_places_from_waiting_list(*, actor: User, activity: Activity) -> list[Registration]:
    """Give an activity's free places (after a change in the admin) to the people waiting."""
    activity = _lock(activity)
    if not can_run_activity(actor, activity):
        raise PermissionDenied
    return _fill_from_waiting_list(activity)


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _places_taken(activity: Activity) -> int:
    return activity.registrations.filter(status=Registration.Status.REGISTERED).count()


@transaction.atomic
def sign_up_for_activity(
    *, actor: User, activity: Activity, now: datetime.datetime | None = None
) -> Registration:
    """Take a place at the activity, or a place on its waiting list when it is full."""
    now = now or timezone.now()
    activity = _lock(activity)
    if not is_in_audience(actor, activity):
        raise ValidationError(_("This activity is not open to you."), code="not_audience")
    if now >= activity.starts_at:
        raise ValidationError(
            _("The activity has started: sign-up is closed."), code="sign_up_closed"
        )
    registration = Registration.objects.filter(activity=activity, person=actor).first()
    if registration is not None and registration.status in ACTIVE:
        raise ValidationError(
            _("You are already on this activity's list."), code="already_signed_up"
        )
    status = (
        Registration.Status.REGISTERED
        if _places_taken(activity) < activity.capacity
        else Registration.Status.WAITLISTED
    )
    if registration is None:
        registration = Registration(activity=activity, person=actor)
    registration.status = status
    # Coming back after cancelling goes to the back of the queue.
    registration.registered_at = now
    registration._history_user = actor
    if registration.pk is None:
        registration.save()
    else:
        registration.save(update_fields=["status", "registered_at"])
    return registration


@transaction.atomic
def cancel_registration(
    *, actor: User, registration: Registration, now: datetime.datetime | None = None
) -> Registration:
    """Give up one's place (or place on the waiting list); a freed place goes to the first
    person waiting, who is told."""
    now = now or timezone.now()
    activity = _lock(registration.activity)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status not in ACTIVE:
        raise ValidationError(_("You are not on this activity's list."), code="not_signed_up")
    if registration.attended_at is not None:
        raise ValidationError(
            _("You have attended this activity: it cannot be cancelled."), code="attended"
        )
    if now >= activity.starts_at:
        raise ValidationError(
            _("The activity has started: it is too late to cancel."), code="too_late_to_cancel"
        )
    registration.status = Registration.Status.CANCELLED
    registration._history_user = actor
    registration.save(update_fields=["status"])
    _fill_from_waiting_list(activity)
    return registration


def _fill_from_waiting_list(activity: Activity) -> list[Registration]:
    """Give the free places of the (locked) activity to the people waiting, first come first."""
    free = activity.capacity - _places_taken(activity)
    if free <= 0 or activity.starts_at <= timezone.now():
        return []
    promoted = list(
        activity.registrations.filter(status=Registration.Status.WAITLISTED)
        .select_related("person")
        .order_by("registered_at", "id")[:free]
    )
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status"])
        notify(
            recipient=registration.person,
            kind="study-activity-promoted",
            key=f"study-activity-promoted:{registration.pk}:{registration.registered_at.timestamp()}",
            context={"activity": activity},
            link=activity_url(activity),
        )
    return promoted


# --- sign-in and attendance ----------------------------------------------------------------------


def sign_in_window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    """When sign-in is open: from the grace period before the start to as long after the end."""
    grace = datetime.timedelta(minutes=settings.STUDY_SIGN_IN_GRACE_MINUTES)
    return activity.starts_at - grace, activity.ends_at + grace


def normalize_code(code: str) -> str:
    """A code as typed: spaces dropped, upper case."""
    return "".join(code.split()).upper()


def _credit(
    registration: Registration, *, marked_by: User | None, now: datetime.datetime
) -> Registration:
    """Record the attendance and the entry of the activity's hours, once.

    The entry is approved, the attendance being its proof, unless the person runs the
    activity himself (organiser, branch secretary, staff): he shows the code and takes the
    attendance, so nobody but he vouches for it, and a reviewer approves his hours as any
    other submitted entry.
    """
    activity = registration.activity
    vouches_for_himself = can_run_activity(registration.person, activity)
    registration.status = Registration.Status.REGISTERED
    registration.attended_at = now
    registration.attendance_marked_by = marked_by
    registration._history_user = marked_by or registration.person
    if registration.pk is None:
        registration.save()
    else:
        registration.save(update_fields=["status", "attended_at", "attendance_marked_by"])
    entry = StudyEntry(
        person=registration.person,
        activity=activity,
        kind=StudyEntry.Kind.ACTIVITY,
        stage=activity.stage,
        hours=activity.hours,
        date=timezone.localdate(activity.starts_at),
        material=activity.title[:200],
        status=StudyEntry.Status.SUBMITTED if vouches_for_himself else StudyEntry.Status.APPROVED,
        submitted_at=now,
        reviewed_at=None if vouches_for_himself else now,
        reviewed_by=None if vouches_for_himself else marked_by,
    )
    entry._history_user = marked_by or registration.person
    entry.save()
    return registration


def _take_place(activity: Activity, registration: Registration | None, person: User):
    """The person's registration, with a place: his own, or a free one, or "full"."""
    if registration is not None and registration.status == Registration.Status.REGISTERED:
        return registration
    if _places_taken(activity) >= activity.capacity:
        raise ValidationError(_("The activity is full."), code="full")
    if registration is None:
        registration = Registration(activity=activity, person=person)
    registration.activity = activity
    return registration


@transaction.atomic
def sign_in_to_activity(
    *, actor: User, activity: Activity, code: str, now: datetime.datetime | None = None
) -> Registration:
    """Sign in with the code the organiser shows, during the activity; the hours are credited.

    Someone not signed up (or waiting) may sign in while a place is free, and takes it.
    """
    now = now or timezone.now()
    activity = _lock(activity)
    if not is_in_audience(actor, activity):
        raise ValidationError(_("This activity is not open to you."), code="not_audience")
    opens, closes = sign_in_window(activity)
    if now < opens:
        raise ValidationError(
            _("Sign-in has not opened yet: it opens at %(time)s")
            % {"time": date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")},
            code="too_early",
        )
    if now > closes:
        raise ValidationError(
            _("Sign-in closed at %(time)s")
            % {"time": date_format(timezone.localtime(closes), "SHORT_DATETIME_FORMAT")},
            code="too_late",
        )
    # Compared as bytes: compare_digest refuses text that is not ASCII, and anything may be typed.
    if not secrets.compare_digest(normalize_code(code).encode(), activity.sign_in_code.encode()):
        raise ValidationError(
            _("That is not this activity's sign-in code. Check it and try again."),
            code="wrong_code",
        )
    registration = Registration.objects.filter(activity=activity, person=actor).first()
    if registration is not None and registration.attended_at is not None:
        raise ValidationError(
            _("You signed in already, at %(time)s")
            % {
                "time": date_format(
                    timezone.localtime(registration.attended_at), "SHORT_DATETIME_FORMAT"
                )
            },
            code="twice",
        )
    registration = _take_place(activity, registration, actor)
    return _credit(registration, marked_by=None, now=now)


@transaction.atomic
def mark_attendance(
    *, actor: User, registration: Registration, now: datetime.datetime | None = None
) -> Registration:
    """The organiser marks a person present by hand; the hours are credited as by sign-in."""
    now = now or timezone.now()
    activity = _lock(registration.activity)
    if not can_run_activity(actor, activity):
        raise PermissionDenied
    registration = Registration.objects.select_related("person").get(pk=registration.pk)
    registration.activity = activity
    opens, _closes = sign_in_window(activity)
    if now < opens:
        raise ValidationError(
            _("Attendance can be taken from %(time)s")
            % {"time": date_format(timezone.localtime(opens), "SHORT_DATETIME_FORMAT")},
            code="too_early",
        )
    if registration.attended_at is not None:
        raise ValidationError(
            _("%(name)s is marked present already.") % {"name": registration.person},
            code="twice",
        )
    registration = _take_place(activity, registration, registration.person)
    return _credit(registration, marked_by=actor, now=now)


@transaction.atomic
def unmark_attendance(*, actor: User, registration: Registration) -> Registration:
    """Take back a mistaken attendance, and the hours it credited."""
    if not can_run_activity(actor, _lock(registration.activity)):
        raise PermissionDenied
    registration = Registration.objects.select_related("person").get(pk=registration.pk)
    if registration.attended_at is None:
        raise ValidationError(
            _("%(name)s is not marked present.") % {"name": registration.person},
            code="not_present",
        )
    for entry in StudyEntry.objects.filter(
        person_id=registration.person_id, activity_id=registration.activity_id
    ):
        entry._history_user = actor
        entry.delete()
    registration.attended_at = None
    registration.attendance_marked_by = None
    registration._history_user = actor
    registration.save(update_fields=["attended_at", "attendance_marked_by"])
    return registration


# --- readings ----------------------------------------------------------------------------------


@transaction.atomic
def confirm_reading(*, actor: User, reading: Reading, note: str) -> ReadingConfirmation:
    """Confirm one has read a reading, with a short note of what one took from it; once."""
    if not can_read_readings(actor):
        raise PermissionDenied
    note = note.strip()
    if len(note) < READING_NOTE_MIN_LENGTH:
        raise ValidationError(
            _("Write at least %(count)s characters about what you read.")
            % {"count": READING_NOTE_MIN_LENGTH},
            code="note_too_short",
        )
    if ReadingConfirmation.objects.filter(reading=reading, person=actor).exists():
        raise ValidationError(
            _("You have already confirmed this reading."), code="already_confirmed"
        )
    return ReadingConfirmation.objects.create(reading=reading, person=actor, note=note)


# --- reminders ---------------------------------------------------------------------------------


def remind_activity_tomorrow(*, now: datetime.datetime | None = None) -> int:
    """Tell everyone with a place at an activity starting tomorrow, once per registration.

    Returns the number of notices recorded now. The people are found in one query, the
    notices already sent in another, and the new ones recorded together, however many there
    are.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return notify_many(
        reminders=(
            Reminder(
                recipient=registration.person,
                kind="study-activity-tomorrow",
                key=f"study-activity-tomorrow:{registration.pk}",
                context={"activity": registration.activity},
                link=activity_url(registration.activity),
            )
            for registration in Registration.objects.filter(
                status=Registration.Status.REGISTERED,
                person__is_active=True,
                activity__starts_at__gte=start,
                activity__starts_at__lt=end,
            ).select_related("activity", "person")
        )
    )
