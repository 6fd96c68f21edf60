"""The daily and hourly sweeps of peer tutoring, each notice once (its key names the event):

- a quiet pairing (active, no session for `TUTORING_QUIET_DAYS`) reminds both sides, and after
  twice as long tells staff: once per quiet spell, named by the day it began (`quiet_since`: the
  last session, or the day the pairing became active again);
- a request waiting more than `TUTORING_REQUEST_WAIT_DAYS` without a proposal tells staff, once
  per wait (named by the moment it began to wait);
- a proposal the tutor has not answered in `TUTORING_PROPOSAL_ANSWER_DAYS` reminds him, once;
- the check-in surveys: one month after the pairing began and at the end of each semester, one
  survey per occasion (a unique row), the tutee told once per survey.

Every sweep takes the time as an argument (tests move it forward) and a fixed number of queries.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from notifications.services import Reminder, notify_many

from ..models import CheckIn, Pairing, Request, RequestStatus, Status
from .notices import active_staff


def remind_quiet_pairings(*, today: datetime.date | None = None) -> int:
    """Remind both sides of each quiet active pairing; tell staff after twice as long."""
    today = today or timezone.localdate()
    days = settings.TUTORING_QUIET_DAYS
    pairings = list(
        Pairing.objects.filter(
            status=Status.ACTIVE,
            quiet_since__lte=today - datetime.timedelta(days=days),
        )
        .select_related("tutee", "tutor")
        .order_by("pk")
    )
    staff = None
    reminders = []
    for pairing in pairings:
        spell = f"{pairing.pk}:{pairing.quiet_since.isoformat()}"
        link = pairing.get_absolute_url()
        context = {"pairing": pairing, "days": (today - pairing.quiet_since).days}
        for person in (pairing.tutee, pairing.tutor):
            if person.is_active:
                reminders.append(
                    Reminder(
                        recipient=person,
                        kind="tutoring-quiet",
                        key=f"tutoring-quiet:{spell}:{person.pk}",
                        context=context,
                        link=link,
                    )
                )
        if pairing.quiet_since <= today - datetime.timedelta(days=2 * days):
            staff = active_staff() if staff is None else staff
            reminders.extend(
                Reminder(
                    recipient=person,
                    kind="tutoring-quiet-staff",
                    key=f"tutoring-quiet-staff:{spell}:{person.pk}",
                    context=context,
                    link=link,
                )
                for person in staff
            )
    return notify_many(reminders=reminders)


def remind_waiting(*, now: datetime.datetime | None = None) -> int:
    """Tell staff of requests waiting for a proposal, and remind tutors of proposals they have
    not answered."""
    now = now or timezone.now()
    requests = list(
        Request.objects.filter(
            status=RequestStatus.OPEN,
            waiting_since__lt=now - datetime.timedelta(days=settings.TUTORING_REQUEST_WAIT_DAYS),
        )
        .select_related("tutee")
        .order_by("pk")
    )
    reminders = []
    staff = active_staff() if requests else []
    for request in requests:
        wait = f"{request.pk}:{request.waiting_since.timestamp():.6f}"
        reminders.extend(
            Reminder(
                recipient=person,
                kind="tutoring-request-waiting",
                key=f"tutoring-request-waiting:{wait}:{person.pk}",
                context={"request": request, "days": (now - request.waiting_since).days},
                link=request.get_absolute_url(),
            )
            for person in staff
        )
    proposals = (
        Pairing.objects.filter(
            status=Status.PROPOSED,
            tutor__is_active=True,
            created_at__lt=now - datetime.timedelta(days=settings.TUTORING_PROPOSAL_ANSWER_DAYS),
        )
        .select_related("tutee", "tutor")
        .order_by("pk")
    )
    reminders.extend(
        Reminder(
            recipient=pairing.tutor,
            kind="tutoring-proposal-waiting",
            key=f"tutoring-proposal-waiting:{pairing.pk}:{pairing.tutor_id}",
            context={"pairing": pairing},
            link=pairing.get_absolute_url(),
        )
        for pairing in proposals
    )
    return notify_many(reminders=reminders)


def last_semester_end(today: datetime.date) -> datetime.date:
    """The last day of the latest semester ended by `today` (the `TUTORING_SEMESTER_ENDS`
    month-days of this year and the last)."""
    ends = []
    for year in (today.year - 1, today.year):
        for month_day in settings.TUTORING_SEMESTER_ENDS:
            month, day = (int(part) for part in month_day.split("-"))
            ends.append(datetime.date(year, month, day))
    return max(end for end in ends if end <= today)


def send_check_ins(*, today: datetime.date | None = None) -> int:
    """Open the check-in surveys that are due and tell each tutee of his, once."""
    today = today or timezone.localdate()
    month_ago = today - datetime.timedelta(days=settings.TUTORING_FIRST_CHECK_IN_DAYS)
    semester_end = last_semester_end(today)
    pairings = Pairing.objects.filter(status=Status.ACTIVE, accepted_at__isnull=False).values_list(
        "pk", "accepted_at"
    )
    due = []
    for pk, accepted_at in pairings:
        began = timezone.localdate(accepted_at)
        if began <= month_ago:
            due.append(CheckIn(pairing_id=pk, occasion="month"))
        if began < semester_end:
            due.append(CheckIn(pairing_id=pk, occasion=f"semester-{semester_end.isoformat()}"))
    CheckIn.objects.bulk_create(due, ignore_conflicts=True)
    waiting = (
        CheckIn.objects.filter(answered_at__isnull=True, pairing__status=Status.ACTIVE)
        .select_related("pairing", "pairing__tutee", "pairing__tutor")
        .order_by("pk")
    )
    return notify_many(
        reminders=(
            Reminder(
                recipient=check_in.pairing.tutee,
                kind="tutoring-check-in",
                key=f"tutoring-check-in:{check_in.pk}",
                context={"check_in": check_in, "pairing": check_in.pairing},
                link=check_in.get_absolute_url(),
            )
            for check_in in waiting
            if check_in.pairing.tutee.is_active
        )
    )
