"""The writes of the study track: the study log and its review, stage sign-offs, who follows
a plan, and the reminders of the track."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Func, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.names import join_clauses
from members.access import possible_reviewers, reviewed_by
from members.models import User
from notifications.services import Reminder, already_told, notify, notify_many

from ..access.track import (
    EDITABLE_STATUSES,
    can_choose_participants,
    can_log_study,
    can_review_entry,
    can_sign_off,
    review_queue,
)
from ..models import Enrollment, Stage, StageSignOff, StudyEntry, StudyPlan
from ..progress import progress_of, progress_of_one

LOGGABLE_KINDS = frozenset(
    {
        StudyEntry.Kind.SELF_STUDY,
        StudyEntry.Kind.GROUP_STUDY,
        StudyEntry.Kind.READING,
        StudyEntry.Kind.REFLECTION,
    }
)
MAX_HOURS = Decimal(24)
QUEUE_WAIT_DAYS = 3


# --- the study log ----------------------------------------------------------------------------


def check_entry(*, date: datetime.date, stage: int, kind: str, hours: Decimal, notes: str) -> None:
    """Refuse an entry that cannot be right, saying why."""
    if kind not in LOGGABLE_KINDS:
        raise ValidationError(_("Choose a kind of study from the list."), code="kind")
    if stage not in Stage.values:
        raise ValidationError(_("Choose a stage from the list."), code="stage")
    if date > timezone.localdate():
        raise ValidationError(_("The date of the study cannot be in the future."), code="future")
    if hours <= 0 or hours > MAX_HOURS:
        raise ValidationError(_("Hours must be more than 0 and at most 24."), code="hours")
    if kind == StudyEntry.Kind.REFLECTION and not notes.strip():
        raise ValidationError(_("Write the reflection in the notes."), code="reflection")


def _save(entry: StudyEntry, actor: User, fields: list[str]) -> None:
    entry._history_user = actor
    entry.save(update_fields=fields)


@transaction.atomic
def create_entry(
    *,
    actor: User,
    date: datetime.date,
    stage: int,
    kind: str,
    hours: Decimal,
    material: str = "",
    notes: str = "",
    submit: bool = False,
) -> StudyEntry:
    """Log a piece of study as a draft, or submit it to the reviewer at once."""
    if not can_log_study(actor):
        raise PermissionDenied
    check_entry(date=date, stage=stage, kind=kind, hours=hours, notes=notes)
    entry = StudyEntry(
        person=actor,
        date=date,
        stage=stage,
        kind=kind,
        hours=hours,
        material=material.strip(),
        notes=notes.strip(),
    )
    if submit:
        entry.status = StudyEntry.Status.SUBMITTED
        entry.submitted_at = timezone.now()
    entry._history_user = actor
    entry.save()
    return entry


def _lock(entry: StudyEntry) -> StudyEntry:
    return StudyEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)


@transaction.atomic
def update_entry(
    *,
    actor: User,
    entry: StudyEntry,
    date: datetime.date,
    stage: int,
    kind: str,
    hours: Decimal,
    material: str = "",
    notes: str = "",
    submit: bool = False,
) -> StudyEntry:
    """Change a draft or returned entry of one's own; submit it if asked."""
    entry = _lock(entry)
    _check_editable(actor, entry)
    check_entry(date=date, stage=stage, kind=kind, hours=hours, notes=notes)
    entry.date, entry.stage, entry.kind, entry.hours = date, stage, kind, hours
    entry.material, entry.notes = material.strip(), notes.strip()
    fields = ["date", "stage", "kind", "hours", "material", "notes"]
    if submit:
        entry.status = StudyEntry.Status.SUBMITTED
        entry.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    _save(entry, actor, fields)
    return entry


def _check_editable(actor: User, entry: StudyEntry) -> None:
    if entry.person_id != actor.pk:
        raise PermissionDenied
    if entry.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This entry is %(status)s and can no longer be changed.")
            % {"status": entry.get_status_display()},
            code="not_editable",
        )


@transaction.atomic
def submit_entry(*, actor: User, entry: StudyEntry) -> StudyEntry:
    """Send a draft or returned entry to the reviewer."""
    entry = _lock(entry)
    _check_editable(actor, entry)
    check_entry(
        date=entry.date, stage=entry.stage, kind=entry.kind, hours=entry.hours, notes=entry.notes
    )
    entry.status = StudyEntry.Status.SUBMITTED
    entry.submitted_at = timezone.now()
    _save(entry, actor, ["status", "submitted_at"])
    return entry


@transaction.atomic
def delete_entry(*, actor: User, entry: StudyEntry) -> None:
    """Delete a draft or returned entry of one's own."""
    entry = _lock(entry)
    _check_editable(actor, entry)
    entry._history_user = actor
    entry.delete()


# --- review -----------------------------------------------------------------------------------


def _check_reviewable(actor: User, entry: StudyEntry) -> None:
    if not can_review_entry(actor, entry):
        raise PermissionDenied
    if entry.status != StudyEntry.Status.SUBMITTED:
        raise ValidationError(
            _("This entry is %(status)s: only submitted entries are reviewed.")
            % {"status": entry.get_status_display()},
            code="not_submitted",
        )


def _tell_reviewed(entry: StudyEntry, kind: str) -> None:
    stamp = entry.reviewed_at.strftime("%Y%m%dT%H%M%S%f")
    notify(
        recipient=entry.person,
        kind=kind,
        key=f"{kind}:{entry.pk}:{stamp}",
        context={"entry": entry},
        link=entry.get_absolute_url(),
    )


@transaction.atomic
def approve_entry(*, actor: User, entry: StudyEntry, comment: str = "") -> StudyEntry:
    """Approve a submitted entry of one of the actor's people: its hours count from now."""
    return _review(actor, entry, StudyEntry.Status.APPROVED, comment, "study-entry-approved")


@transaction.atomic
def return_entry(*, actor: User, entry: StudyEntry, comment: str) -> StudyEntry:
    """Return a submitted entry to its author with a comment saying what to change."""
    if not comment.strip():
        raise ValidationError(
            _("Say what to change: a returned entry needs a comment."), code="comment"
        )
    return _review(actor, entry, StudyEntry.Status.RETURNED, comment, "study-entry-returned")


def _review(actor: User, entry: StudyEntry, status: str, comment: str, kind: str) -> StudyEntry:
    """Give a submitted entry the reviewer's verdict, and tell its author with a `kind` notice."""
    entry = _lock(entry)
    _check_reviewable(actor, entry)
    entry.status = status
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.review_comment = comment.strip()
    _save(entry, actor, ["status", "reviewed_by", "reviewed_at", "review_comment"])
    _tell_reviewed(entry, kind)
    return entry


@transaction.atomic
def approve_entries(*, actor: User, entry_ids: Iterable[int]) -> tuple[int, int]:
    """Approve several submitted entries at once; returns (approved, skipped).

    Only entries waiting in the actor's queue are approved; any other id is skipped.
    """
    ids = {int(pk) for pk in entry_ids}
    entries = list(
        review_queue(actor)
        .filter(pk__in=ids)
        .select_for_update(of=("self",))
        .select_related("person")
        .order_by("pk")
    )
    now = timezone.now()
    for entry in entries:
        entry.status = StudyEntry.Status.APPROVED
        entry.reviewed_by = actor
        entry.reviewed_at = now
        entry.review_comment = ""
        _save(entry, actor, ["status", "reviewed_by", "reviewed_at", "review_comment"])
        _tell_reviewed(entry, "study-entry-approved")
    return len(entries), len(ids) - len(entries)


# --- sign-off ---------------------------------------------------------------------------------


@transaction.atomic
def sign_off_stage(*, actor: User, enrollment: Enrollment, comment: str) -> StageSignOff:
    """Sign off the participant's current stage: he moves to the next (or completes the plan).

    Refused unless every requirement of the stage is met, with a comment.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("plan", "person")
        .get(pk=enrollment.pk)
    )
    if not can_sign_off(actor, enrollment.person):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError(_("Write a comment to sign the stage off."), code="comment")
    if enrollment.completed_at is not None:
        raise ValidationError(_("This participant has completed the plan."), code="completed")
    progress = progress_of_one(enrollment)
    stage = progress.current
    if stage.signed_off:
        raise ValidationError(_("This stage is already signed off."), code="signed_off")
    missing = [item for item in stage.requirements if not item.met]
    if missing:
        raise ValidationError(
            _("The stage cannot be signed off yet: %(missing)s.")
            % {"missing": join_clauses(item.missing for item in missing)},
            code="not_met",
        )
    sign_off = StageSignOff(
        enrollment=enrollment, stage=enrollment.stage, signed_by=actor, comment=comment.strip()
    )
    sign_off._history_user = actor
    sign_off.save()
    if enrollment.stage < max(Stage.values):
        enrollment.stage += 1
        fields = ["stage"]
    else:
        enrollment.completed_at = timezone.now()
        fields = ["completed_at"]
    enrollment._history_user = actor
    enrollment.save(update_fields=fields)
    notify(
        recipient=enrollment.person,
        kind="study-stage-signed-off",
        key=f"study-stage-signed-off:{sign_off.pk}",
        context={"sign_off": sign_off, "enrollment": enrollment},
        link=reverse("study:mine"),
    )
    return sign_off


# --- participants -----------------------------------------------------------------------------


def people_to_enrol(
    *,
    branch_ids: Iterable[int] = (),
    grades: Iterable[int] = (),
    statuses: Iterable[str] = (),
    person_ids: Iterable[int] = (),
) -> QuerySet[User]:
    """The members matching every filter given (none given: nobody), active people only."""
    people = User.objects.in_workstation().filter(is_active=True)
    branch_ids, grades, statuses, person_ids = (
        list(branch_ids),
        list(grades),
        list(statuses),
        list(person_ids),
    )
    if not (branch_ids or grades or statuses or person_ids):
        return User.objects.none()
    if branch_ids:
        people = people.filter(branch_id__in=branch_ids)
    if grades:
        people = people.filter(grade__in=grades)
    if statuses:
        people = people.filter(political_status__in=statuses)
    if person_ids:
        people = people.filter(pk__in=person_ids)
    return people


@transaction.atomic
def enrol_people(*, actor: User, plan: StudyPlan, people: QuerySet[User]) -> int:
    """Have the members among `people` follow `plan`; those already in it stay as they are.

    Returns how many were added.
    """
    if not can_choose_participants(actor, plan):
        raise PermissionDenied
    already = set(plan.enrollments.values_list("person_id", flat=True))
    new = [
        Enrollment(plan=plan, person_id=pk)
        for pk in people.in_workstation().values_list("pk", flat=True)
        if pk not in already
    ]
    # One insert for all, each with its history row (who added him, when).
    bulk_create_with_history(new, Enrollment, ignore_conflicts=True, default_user=actor)
    return len(new)


@transaction.atomic
def remove_enrollment(*, actor: User, enrollment: Enrollment) -> None:
    """Take a person out of a plan (his log stays; his sign-offs in this plan go)."""
    if not can_choose_participants(actor, enrollment.plan):
        raise PermissionDenied
    enrollment._history_user = actor
    enrollment.delete()


# --- reminders --------------------------------------------------------------------------------


@transaction.atomic
def remind_behind_schedule(*, today: datetime.date | None = None) -> int:
    """Weekly: tell each participant who is behind his plan's schedule, once per ISO week.

    Queries do not grow with the participants: progress is computed for all at once, and the
    notices are recorded together. Those told this week, and those whose progress was computed
    today already, are left out first, so that a second run of the day costs little.
    """
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    # Each participation's notice this week is keyed "<prefix><pk><suffix>".
    prefix, suffix = "study-behind:", f":{year}-W{week:02d}"
    enrollments = list(
        Enrollment.objects.filter(
            completed_at__isnull=True,
            person__is_active=True,
            plan__starts_on__lte=today,
            plan__ends_on__gte=today,
        )
        .exclude(behind_checked_on=today)
        .exclude(already_told(prefix, suffix))
        .select_related("plan", "person")
    )
    told = notify_many(
        reminders=(
            Reminder(
                recipient=item.enrollment.person,
                kind="study-behind",
                key=f"{prefix}{item.enrollment.pk}{suffix}",
                context={"progress": item, "plan": item.plan},
                link=reverse("study:mine"),
            )
            for item in progress_of(enrollments, today=today)
            if item.behind
        )
    )
    if enrollments:
        Enrollment.objects.filter(pk__any_of=[e.pk for e in enrollments]).update(
            behind_checked_on=today
        )
    return told


def remind_review_queue(*, now: datetime.datetime | None = None) -> int:
    """Daily: tell each reviewer whose queue has entries waiting more than three days, once a day.

    An entry waits for its author's reviewers (`members.access.reviewed_by`). Queries do not
    grow with the entries or the people: one for the reviewers with their counts, then
    `notify_many`'s few for all the notices (only the reviewers told are loaded).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - datetime.timedelta(days=QUEUE_WAIT_DAYS)
    waiting = (
        StudyEntry.objects.awaiting_review()
        .filter(submitted_at__lt=cutoff)
        .filter(reviewed_by(OuterRef("pk"), via="person__"))
        .order_by()
    )
    counted = waiting.annotate(total=Func(F("pk"), function="COUNT")).values("total")
    # Each reviewer's notice today is keyed "<prefix><pk><suffix>": those told already are left
    # out before their queues are counted.
    prefix, suffix = "study-queue:", f":{today.isoformat()}"
    queues: dict[int, int] = dict(
        possible_reviewers()
        .filter(is_active=True)
        .exclude(already_told(prefix, suffix))
        .filter(Exists(waiting))
        .annotate(waiting=Subquery(counted))
        .values_list("pk", "waiting")
    )
    return notify_many(
        reminders=(
            Reminder(
                recipient=reviewer,  # an id: only those told are loaded
                kind="study-queue",
                key=f"{prefix}{reviewer}{suffix}",
                context={"count": count, "days": QUEUE_WAIT_DAYS},
                link=reverse("study:review"),
            )
            for reviewer, count in queues.items()
        )
    )
