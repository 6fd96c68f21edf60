"""The writes of the members app: the development timeline, profiles and their reminders."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.services import Reminder, notify, notify_many

from .access import can_record_step, can_remove_step, holds_branch_office
from .ledger import DEVELOPMENT_STATUSES, with_steps
from .models import (
    MILESTONE_STATUS,
    Milestone,
    PoliticalStatus,
    User,
    add_months,
    one_year_after,
)
from .procedure import (
    ACTIVIST_STEPS,
    AFTER,
    ROSTER_STEPS,
    check_step,
    outlook,
    probation_end,
)

PROBATION_REMINDER_DAYS = 30
STATUS_RANK: list[str] = list(PoliticalStatus.values)
# The details a step may carry besides its date and note (see `Milestone`).
STEP_DETAILS = ("method", "member_1", "member_2", "end_date", "days", "hours", "months")


@transaction.atomic
def record_step(
    *, actor: User | None, person: User, kind: str, date: datetime.date, note: str = "", **details
) -> Milestone:
    """Add a step of the procedure to `person`'s timeline once the rules allow it; his political
    status follows it forward (never down: a step filled in after the fact for someone
    imported as a probationary member leaves him one). A cancelled probation ends it.

    `actor` is staff or the secretary of the person's branch; None is the system (the demo).
    """
    if actor is not None and not can_record_step(actor, person):
        raise PermissionDenied
    unknown = set(details) - set(STEP_DETAILS)
    if unknown:
        raise TypeError(f"Unknown details of a step: {sorted(unknown)}")
    # One timeline change at a time per person, so two secretaries cannot both add a step.
    person = User.objects.select_for_update().get(pk=person.pk)
    check_step(person=person, kind=kind, date=date, note=note, **details)
    step = Milestone.objects.create(
        person=person, kind=kind, date=date, note=note.strip(), recorded_by=actor, **details
    )
    if kind == Milestone.Kind.CANCELLATION:
        status = _status_before(person)
    else:
        status = status_from([step], person.political_status)
    _set_status(person, status, actor=actor)
    return step


@dataclass(frozen=True)
class Removal:
    """What removing a step changed: the step, and the status before and after."""

    step: str
    status_before: str
    status_after: str

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after


@transaction.atomic
def remove_step(*, actor: User | None, step: Milestone) -> Removal:
    """Take back a step recorded by mistake: a correction, kept in the step's history.

    Only a step no later step depends on may go (the latest of the procedure, or an
    activist's record or training while he is one). The status is recomputed from the steps
    that remain: the highest they give, or the status before the first step.
    """
    if actor is not None and not can_remove_step(actor, step):
        raise PermissionDenied
    person = User.objects.select_for_update().get(pk=step.person_id)
    remaining = [s for s in person.milestones.all() if s.pk != step.pk]
    if not removable(step, remaining):
        raise ValidationError(
            _("“%(step)s” cannot be removed while later steps depend on it: remove those first."),
            code="not_latest",
            params={"step": step.get_kind_display()},
        )
    before = person.political_status
    original = _status_before(person)
    step._history_user = actor
    step.delete()
    status = status_from(remaining, original)
    _set_status(person, status, actor=actor)
    return Removal(step=step.get_kind_display(), status_before=before, status_after=status)


def removable(step: Milestone, others: list[Milestone]) -> bool:
    """Whether no other step depends on `step`: none follows it in the procedure, and an
    activist's records, review and training stay once a candidate is listed on them."""
    kinds = {other.kind for other in others}
    if step.kind in ACTIVIST_STEPS and Milestone.Kind.CANDIDATE in kinds:
        return False
    for kind in kinds:
        before = AFTER.get(kind)
        while before is not None:
            if before == step.kind:
                return False
            before = AFTER.get(before)
    return True


def status_from(steps: list[Milestone], before: str) -> str:
    """The status the steps give: the highest, never below `before` (the status before the
    first step); a cancelled probation leaves `before`."""
    if any(step.kind == Milestone.Kind.CANCELLATION for step in steps):
        return before
    given = [MILESTONE_STATUS[step.kind] for step in steps if step.kind in MILESTONE_STATUS]
    return max([before, *given], key=STATUS_RANK.index)


def _status_before(person: User, extra: Milestone | None = None) -> str:
    """The status a person had before his first step, as his history remembers it."""
    times = list(person.milestones.values_list("recorded_at", flat=True))
    if extra is not None:
        times.append(extra.recorded_at)
    history = person.history.order_by("-history_date")
    if times:
        history = history.filter(history_date__lt=min(times))
    earlier = history.values_list("political_status", flat=True).first()
    return earlier or PoliticalStatus.MASSES


def _set_status(person: User, status: str, *, actor: User | None) -> None:
    if person.political_status != status:
        person.political_status = status
        person._history_user = actor
        person.save(update_fields=["political_status"])


@dataclass(frozen=True)
class RosterDates:
    """One roster row's development dates, parsed: the row's number as the spreadsheet shows
    it, the person, his birth date and the dates of the steps (`procedure.ROSTER_STEPS`), and
    the status the roster gives him (empty if none)."""

    row: int
    person: User
    dates: dict[str, datetime.date]
    birth_date: datetime.date | None = None
    status: str = ""


@transaction.atomic
def record_roster_dates(*, actor: User | None, rows: list[RosterDates]) -> list[tuple[int, str]]:
    """Record the development dates a roster carries, through the procedure's rules on dates.

    Returns each row that breaks a rule, with its row number and the rule; then nothing is
    saved. The people are locked for the whole of it, so that a step recorded on a person's
    page meanwhile is neither overwritten nor recorded twice. A date already recorded stays;
    a different date for it is refused. The status never goes down, and a roster that makes
    someone a probationary or full member needs the date behind it. An admission date from a
    roster stands for the branch meeting and the approval (as the migration of older
    timelines does).
    """
    if actor is not None and any(not can_record_step(actor, row.person) for row in rows):
        raise PermissionDenied
    locked = {
        person.pk: person
        for person in User.objects.select_for_update()
        .filter(pk__in=[row.person.pk for row in rows])
        .order_by("pk")
        .prefetch_related("milestones")
    }
    errors: list[tuple[int, str]] = []
    planned: list[tuple[User, list[Milestone]]] = []
    for row in rows:
        person = locked[row.person.pk]
        if row.birth_date is not None:
            person.birth_date = row.birth_date
        try:
            planned.append((person, roster_steps(person, row)))
        except ValidationError as error:
            errors.append((row.row, " ".join(error.messages)))
    if errors:
        return errors
    for person, new in planned:
        if person.birth_date is not None:
            User.objects.filter(pk=person.pk).update(birth_date=person.birth_date)
        for step in new:
            step._history_user = actor
            step.save()
        steps = [*person.milestones.all(), *new]  # those loaded with the lock, and the new
        _set_status(person, status_from(steps, person.political_status), actor=actor)
    return []


def roster_steps(person: User, row: RosterDates) -> list[Milestone]:
    """The steps a roster row adds to `person`'s timeline (unsaved), or the rule it breaks.

    `person` may be new, not yet saved: he has no steps yet."""
    steps = list(person.milestones.all()) if person.pk else []
    recorded = {step.kind: step for step in steps}
    new: list[Milestone] = []
    for kind in ROSTER_STEPS:
        date = row.dates.get(kind)
        if date is None:
            continue
        if kind in recorded:
            if recorded[kind].date != date:
                raise ValidationError(
                    _("“%(step)s” is recorded on %(recorded)s; the roster says %(date)s."),
                    params={
                        "step": recorded[kind].get_kind_display(),
                        "recorded": date_format(recorded[kind].date),
                        "date": date_format(date),
                    },
                )
            continue
        try:
            check_step(person=person, kind=kind, date=date, steps=steps, from_roster=True)
        except ValidationError as error:
            error.step = kind  # the column that breaks the rule
            raise
        added = [Milestone(person=person, kind=kind, date=date, note=_("From a roster"))]
        if kind == Milestone.Kind.PROBATIONARY and Milestone.Kind.APPROVAL not in recorded:
            added.append(
                Milestone(
                    person=person, kind=Milestone.Kind.APPROVAL, date=date, note=_("From a roster")
                )
            )
        steps.extend(added)
        new.extend(added)
    needed = {
        PoliticalStatus.PROBATIONARY: Milestone.Kind.PROBATIONARY,
        PoliticalStatus.FULL: Milestone.Kind.FULL,
    }.get(row.status)
    if needed and needed not in {step.kind for step in steps}:
        raise ValidationError(
            _("A roster makes someone “%(status)s” only with the date of “%(step)s”."),
            params={
                "status": PoliticalStatus(row.status).label,
                "step": Milestone.Kind(needed).label,
            },
        )
    return new


@transaction.atomic
def update_own_profile(*, actor: User, phone: str) -> User:
    """A person changes the one profile field that is his to keep: his mobile number."""
    actor.phone = phone
    actor._history_user = actor
    actor.save(update_fields=["phone"])
    return actor


@transaction.atomic
def record_email_changes(*, actor: User | None, changes: Iterable[tuple[User, str]]) -> None:
    """Follow up staff's change of people's e-mail addresses (in the admin or a roster), each
    given with the address it replaced; the change itself is already saved with its history.

    Staff must not be able to take an account over by giving it an address they read: the new
    address is the account's primary one but unverified, so no sign-in code or password reset
    goes to it until the person himself, signed in, has it verified. His verified addresses
    stay (he still signs in with them), unverified ones left from earlier changes go, and the
    old address is told who changed it.
    """
    for person, old_email in changes:
        addresses = EmailAddress.objects.filter(user=person)
        addresses.filter(verified=False).exclude(email__iexact=person.email).delete()
        addresses.exclude(email__iexact=person.email).update(primary=False)
        if not addresses.filter(email__iexact=person.email).update(primary=True):
            EmailAddress.objects.create(
                user=person, email=person.email.lower(), verified=False, primary=True
            )
        if old_email and old_email.lower() != person.email.lower():
            version = person.history.values_list("history_id", flat=True).first()
            notify(
                recipient=person,
                kind="email-changed",
                key=f"email-changed:{person.pk}:{version}",
                context={"old_email": old_email, "new_email": person.email, "actor": actor},
                email_to=old_email,
            )


def remember_language(*, actor: User, language: str) -> None:
    """Keep the interface language a person chose, for his next sign-in and his e-mails.

    Written without a history row: a choice made on the way in would otherwise date a sign-in,
    which could be paired with an anonymous suggestion (see feedback's anonymity notes).
    """
    if language in dict(settings.LANGUAGES) and actor.language != language:
        actor.language = language
        User.objects.filter(pk=actor.pk).update(language=language)


def remind_probation_ending(*, today: datetime.date | None = None) -> int:
    """Tell staff and the branch secretary about probations that end within 30 days, once.

    Probations already past their year and not yet confirmed are included. Returns the number
    of notices recorded now; the notice's unique key makes a second run record none.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=PROBATION_REMINDER_DAYS)
    due = (
        Milestone.objects.filter(
            kind=Milestone.Kind.PROBATIONARY,
            person__in=User.objects.probation_ending_by(horizon).values("pk"),
        )
        .select_related("person__branch__secretary")
        .order_by("date", "id")
    )
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    reminders = []
    for milestone in due:
        person = milestone.person
        secretary = _secretary_to_tell(person)
        recipients = staff + ([secretary] if secretary else [])
        reminders.extend(
            Reminder(
                recipient=recipient,
                kind="probation-ending",
                key=f"probation-ending:{milestone.pk}:{recipient.pk}",
                context={"person": person, "ends": one_year_after(milestone.date)},
                link=person.get_absolute_url(),
            )
            for recipient in recipients
        )
    return notify_many(reminders=reminders)


def _secretary_to_tell(person: User) -> User | None:
    """The secretary of `person`'s branch, if he is told about the person's development: an
    active account whose office gives him its rights (`holds_branch_office`)."""
    secretary = person.branch.secretary if person.branch else None
    if secretary is None or not secretary.is_active or not holds_branch_office(secretary):
        return None
    return secretary


# How long before an activist's half-yearly record is due the secretary is told, in days.
RECORD_REMINDER_DAYS = 14
APPROVAL_REMINDER_MONTHS = 2


def remind_development(*, today: datetime.date | None = None) -> int:
    """Tell the branch secretary (staff where a branch has none) what the procedure asks of
    him soon, and a probationary member that his probation ends within 30 days; each once per
    due date. Returns the number of notices recorded now.

    - a talk due within a month of an application;
    - an activist's half-yearly record due within two weeks (or overdue);
    - an activist who has become eligible to be listed as a development candidate;
    - an approval still missing two months after the branch meeting;
    - a probation past its end and not yet decided;
    - to the person: his probation ends within 30 days (time for his application for full
      membership). People imported as probationary members with their admission date are
      included: their status says the approval is done.
    """
    today = today or timezone.localdate()
    people = with_steps(
        User.objects.filter(
            is_active=True, political_status__in=DEVELOPMENT_STATUSES
        ).select_related("branch__secretary")
    )
    staff = list(User.objects.filter(is_staff=True, is_active=True))
    reminders = []
    for person in people:
        secretary = _secretary_to_tell(person)
        told = [secretary] if secretary is not None else staff
        for event, step, due in _development_events(person, today):
            context = {"person": person, "event": event, "due": due}
            recipients = [person] if event == "probation-ending-own" else told
            reminders.extend(
                Reminder(
                    recipient=recipient,
                    kind="development-due",
                    key=f"{event}:{step.pk}:{due:%Y-%m-%d}:{recipient.pk}",
                    context=context,
                    link=person.get_absolute_url(),
                )
                for recipient in recipients
            )
    return notify_many(reminders=reminders)


def _development_events(person: User, today: datetime.date):
    """(event, the step it is about, the day it is due) for what is due about `person`."""
    by_kind = {step.kind: step for step in person.steps}
    K = Milestone.Kind
    if K.APPLICATION in by_kind and K.TALK not in by_kind and K.ACTIVIST not in by_kind:
        application = by_kind[K.APPLICATION]
        yield "talk-due", application, add_months(application.date, 1)
    if K.ACTIVIST in by_kind and K.CANDIDATE not in by_kind:
        activist = by_kind[K.ACTIVIST]
        ahead = outlook(person.steps)
        if ahead.due and ahead.due <= today + datetime.timedelta(days=RECORD_REMINDER_DAYS):
            yield "record-due", activist, ahead.due
        eligible = one_year_after(activist.date)
        if eligible <= today:
            yield "candidate-eligible", activist, eligible
    meeting = by_kind.get(K.PROBATIONARY)
    if meeting is None or K.FULL in by_kind or K.CANCELLATION in by_kind:
        return
    if person.political_status != PoliticalStatus.PROBATIONARY:
        chased = add_months(meeting.date, APPROVAL_REMINDER_MONTHS)
        if K.APPROVAL not in by_kind and chased <= today:
            yield "approval-missing", meeting, add_months(meeting.date, 3)
        return
    end = probation_end(person.steps)
    if end < today:
        yield "probation-overdue", meeting, end
    elif end <= today + datetime.timedelta(days=PROBATION_REMINDER_DAYS):
        yield "probation-ending-own", meeting, end


def start_of_today() -> datetime.datetime:
    """Midnight of today in the portal's time zone: what is stored of a sign-in's time."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


def keep_the_day_of_use(authenticator) -> None:
    """Before an authenticator is saved: keep the day it was last used, not the time.

    allauth records the time of every sign-in with a second factor on the authenticator
    (`last_used_at`, shown in the admin), which would tell what `record_sign_in_day` keeps
    from the account itself."""
    if authenticator.last_used_at is not None:
        authenticator.last_used_at = start_of_today()


def record_sign_in_day(*, user: User) -> None:
    """Record the day `user` signed in, not the time, and without a history row.

    A sign-in time to the second could be set beside the time an anonymous suggestion was
    submitted; the day says that an account is in use and no more. The row is updated without
    `save()`, which would add a row to his history (with its own exact time) at every sign-in.
    """
    today = start_of_today()
    if user.last_login != today:
        User.objects.filter(pk=user.pk).update(last_login=today)
        user.last_login = today
