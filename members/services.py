"""The writes of the members app: the development timeline, profiles and their reminders."""

import datetime
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notifications.services import Reminder, notify, notify_many

from .access import can_record_milestone, can_remove_milestone
from .models import (
    MILESTONE_ORDER,
    MILESTONE_STATUS,
    Milestone,
    PoliticalStatus,
    User,
    one_year_after,
)

# Steps that must wait a year after the one before (activists are trained for a year; the
# probation lasts a year).
WAIT_A_YEAR_BEFORE = {Milestone.Kind.CANDIDATE, Milestone.Kind.FULL}
PROBATION_REMINDER_DAYS = 30
STATUS_RANK: list[str] = list(PoliticalStatus.values)


def check_milestone(*, person: User, kind: str, date: datetime.date) -> None:
    """Refuse a milestone that is out of order or impossible, saying why."""
    if kind not in MILESTONE_ORDER:
        raise ValidationError(_("Choose a milestone from the list."), code="invalid_kind")
    label = Milestone.Kind(kind).label
    if date > timezone.localdate():
        raise ValidationError(
            _("The date of “%(milestone)s” cannot be in the future."),
            code="future",
            params={"milestone": label},
        )
    recorded = {m.kind: m for m in person.milestones.all()}
    if kind in recorded:
        raise ValidationError(
            _("“%(milestone)s” is already recorded, on %(date)s."),
            code="duplicate",
            params={"milestone": label, "date": date_format(recorded[kind].date)},
        )
    step = MILESTONE_ORDER.index(kind)
    if step == 0:
        return
    missing = next((k for k in MILESTONE_ORDER[:step] if k not in recorded), None)
    if missing is not None:
        raise ValidationError(
            _("“%(milestone)s” needs “%(before)s” to be recorded first."),
            code="out_of_order",
            params={"milestone": label, "before": Milestone.Kind(missing).label},
        )
    previous = recorded[MILESTONE_ORDER[step - 1]]
    if date < previous.date:
        raise ValidationError(
            _("“%(milestone)s” cannot be dated before “%(before)s” (%(date)s)."),
            code="before_previous",
            params={
                "milestone": label,
                "before": previous.get_kind_display(),
                "date": date_format(previous.date),
            },
        )
    if kind in WAIT_A_YEAR_BEFORE and date < one_year_after(previous.date):
        raise ValidationError(
            _(
                "“%(milestone)s” comes at least one year after “%(before)s” "
                "(%(date)s): not before %(earliest)s."
            ),
            code="too_soon",
            params={
                "milestone": label,
                "before": previous.get_kind_display(),
                "date": date_format(previous.date),
                "earliest": date_format(one_year_after(previous.date)),
            },
        )


@transaction.atomic
def record_milestone(
    *, actor: User | None, person: User, kind: str, date: datetime.date, note: str = ""
) -> Milestone:
    """Add a step to `person`'s timeline; his political status follows it forward.

    `actor` is staff or one of the person's reviewers; None is the system (the demo's seed).
    """
    if actor is not None and not can_record_milestone(actor, person):
        raise PermissionDenied
    # One timeline change at a time per person, so two reviewers cannot both add a step.
    person = User.objects.select_for_update().get(pk=person.pk)
    check_milestone(person=person, kind=kind, date=date)
    milestone = Milestone.objects.create(
        person=person, kind=kind, date=date, note=note.strip(), recorded_by=actor
    )
    # A step filled in after the fact (for someone imported as a probationary member, say)
    # never lowers the status he already has.
    status = max(person.political_status, MILESTONE_STATUS[kind], key=STATUS_RANK.index)
    _set_status(person, status, actor=actor)
    return milestone


@transaction.atomic
def remove_latest_milestone(*, actor: User | None, milestone: Milestone) -> None:
    """Take back the latest step of a timeline (a mistake); the status steps back with it.

    Only the latest step can go: removing one in the middle would leave a broken timeline.
    `actor` is staff or one of the person's reviewers; None is the system.
    """
    if actor is not None and not can_remove_milestone(actor, milestone):
        raise PermissionDenied
    person = User.objects.select_for_update().get(pk=milestone.person_id)
    latest = person.milestones.order_by("-date", "-id").first()
    if latest is None or latest.pk != milestone.pk:
        raise ValidationError(
            _("Only the latest milestone of a timeline can be removed."), code="not_latest"
        )
    milestone.delete()
    remaining = person.milestones.order_by("-date", "-id").first()
    _set_status(person, remaining.status if remaining else _status_before(milestone), actor=actor)


def _status_before(milestone: Milestone) -> str:
    """The status a person had before his first milestone, as his history remembers it."""
    earlier = (
        milestone.person.history.filter(history_date__lt=milestone.recorded_at)
        .order_by("-history_date")
        .values_list("political_status", flat=True)
        .first()
    )
    return earlier or PoliticalStatus.MASSES


def _set_status(person: User, status: str, *, actor: User | None) -> None:
    if person.political_status != status:
        person.political_status = status
        person._history_user = actor
        person.save(update_fields=["political_status"])


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
        secretary = person.branch.secretary if person.branch else None
        recipients = staff + ([secretary] if secretary and secretary.is_active else [])
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


def record_sign_in_day(*, user: User) -> None:
    """Record the day `user` signed in, not the time, and without a history row.

    A sign-in time to the second could be set beside the time an anonymous suggestion was
    submitted; the day says that an account is in use and no more. The row is updated without
    `save()`, which would add a row to his history (with its own exact time) at every sign-in.
    """
    today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    if user.last_login != today:
        User.objects.filter(pk=user.pk).update(last_login=today)
        user.last_login = today
