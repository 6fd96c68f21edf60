"""The rules of Party development (《中国共产党发展党员工作细则》, 2014), once.

`check_step` refuses a step the rules forbid, naming the rule; every way in (the person's page,
the admin, a roster, the demo) records steps through `services.record_step`, which calls it.
`outlook` says what comes next for a person and from when, and which step is due by when: the
branch's development page, the ledger and the reminders read it.

Working days are Monday to Friday; public holidays are not known to the portal.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import (
    REPEATABLE_STEPS,
    Milestone,
    PoliticalStatus,
    User,
    add_months,
    one_year_after,
)
from .training import credits_of

Kind = Milestone.Kind

# The step each step follows (and may not be dated before).
AFTER: dict[str, str] = {
    Kind.TALK: Kind.APPLICATION,
    Kind.ACTIVIST: Kind.TALK,
    Kind.RECORD: Kind.ACTIVIST,
    Kind.REVIEW: Kind.ACTIVIST,
    Kind.TRAINING: Kind.ACTIVIST,
    Kind.CANDIDATE: Kind.ACTIVIST,
    Kind.INTRODUCERS: Kind.CANDIDATE,
    Kind.PUBLICITY: Kind.INTRODUCERS,
    Kind.PROBATIONARY: Kind.PUBLICITY,
    Kind.APPROVAL: Kind.PROBATIONARY,
    Kind.OATH: Kind.APPROVAL,
    Kind.EXTENSION: Kind.APPROVAL,
    Kind.FULL: Kind.APPROVAL,
    Kind.CANCELLATION: Kind.APPROVAL,
}
# The dates a roster carries (入党申请时间, 确定积极分子时间, 确定发展对象时间, 入党时间, 转正时间),
# each after the one before: a roster has no talks, contact persons or public notices, so a
# step from a roster follows the one before it among these.
ROSTER_AFTER: dict[str, str] = {
    Kind.ACTIVIST: Kind.APPLICATION,
    Kind.CANDIDATE: Kind.ACTIVIST,
    Kind.PROBATIONARY: Kind.CANDIDATE,
    Kind.FULL: Kind.PROBATIONARY,
}
ROSTER_STEPS = [Kind.APPLICATION, *ROSTER_AFTER]
# Steps that end the procedure: nothing is recorded after them.
FINAL_STEPS = (Kind.FULL, Kind.CANCELLATION)
# Steps of an activist's time, closed once he is a development candidate.
ACTIVIST_STEPS = (Kind.RECORD, Kind.REVIEW, Kind.TRAINING)

MIN_AGE = 18
TALK_WITHIN_MONTHS = 1
RECORD_EVERY_MONTHS = 6
TRAINING_DAYS = 3
TRAINING_HOURS = 24
PUBLICITY_WORKING_DAYS = 5
APPROVAL_WITHIN_MONTHS = 3
# In special cases the committee above may take longer, never more than six months: the
# reason is then given in the step's note.
APPROVAL_AT_MOST_MONTHS = 6
EXTENSION_MONTHS = (6, 12)


def working_days(first: datetime.date, last: datetime.date) -> int:
    """Monday to Friday from `first` to `last`, both included."""
    count, day = 0, first
    while day <= last:
        count += day.weekday() < 5
        day += datetime.timedelta(days=1)
    return count


def _refuse(message: str, code: str, **params) -> ValidationError:
    params = {k: date_format(v) if isinstance(v, datetime.date) else v for k, v in params.items()}
    return ValidationError(message, code=code, params=params)


def _label(kind: str) -> str:
    return str(Kind(kind).label)


def probation_end(steps: list[Milestone]) -> datetime.date | None:
    """The day the probation ends: a year after the branch meeting, plus any extension."""
    by_kind = {step.kind: step for step in steps}
    meeting = by_kind.get(Kind.PROBATIONARY)
    if meeting is None:
        return None
    end = one_year_after(meeting.date)
    extension = by_kind.get(Kind.EXTENSION)
    if extension is not None and extension.months:
        end = add_months(end, extension.months)
    return end


def training_total(person: User, steps: list[Milestone], until: datetime.date):
    """Days and hours of concentrated training: recorded steps and registered activities."""
    activist = next((s for s in steps if s.kind == Kind.ACTIVIST), None)
    trainings = [s for s in steps if s.kind == Kind.TRAINING and s.date <= until]
    days = sum(s.days or 0 for s in trainings)
    hours = Decimal(sum(s.hours or 0 for s in trainings))
    if activist is not None:
        hours += sum((c.hours for c in credits_of(person, activist.date, until)), Decimal(0))
    return days, hours


def check_step(
    *,
    person: User,
    kind: str,
    date: datetime.date,
    method: str = "",
    member_1: User | None = None,
    member_2: User | None = None,
    end_date: datetime.date | None = None,
    days: int | None = None,
    hours: int | None = None,
    months: int | None = None,
    note: str = "",
    steps: list[Milestone] | None = None,
    from_roster: bool = False,
) -> None:
    """Refuse a step that breaks a rule of the procedure, saying which.

    A talk held after its month, or an approval after its three months, is recorded when the
    `note` says why: the portal keeps what happened, late or not, with its reason.

    `steps` are the person's recorded steps (read from the database if not given). A step
    `from_roster` is one of the dates a roster carries: it keeps the rules on dates (order, age,
    a year as an activist, the probation's year) and not those on what a roster cannot say
    (talks, contact persons, training, public notice).
    """
    if kind not in Kind.values:
        raise _refuse(_("Choose a step from the list."), "invalid_kind")
    label = _label(kind)
    if date > timezone.localdate():
        raise _refuse(_("The date of “%(step)s” cannot be in the future."), "future", step=label)
    if steps is None:
        steps = list(person.milestones.all())
    by_kind = {step.kind: step for step in sorted(steps, key=lambda s: (s.date, s.pk or 0))}
    if kind not in REPEATABLE_STEPS and kind in by_kind:
        raise _refuse(
            _("“%(step)s” is already recorded, on %(date)s."),
            "duplicate",
            step=label,
            date=by_kind[kind].date,
        )
    final = next((by_kind[k] for k in FINAL_STEPS if k in by_kind), None)
    if final is not None:
        raise _refuse(
            _("The procedure ended with “%(step)s” on %(date)s: nothing follows it."),
            "ended",
            step=final.get_kind_display(),
            date=final.date,
        )
    before = (ROSTER_AFTER if from_roster else AFTER).get(kind)
    if from_roster:
        # A roster may not know every earlier date (a member's application date, say): its
        # date is checked against the nearest earlier step the timeline has.
        while before is not None and before not in by_kind:
            before = ROSTER_AFTER.get(before)
    if before is not None:
        previous = by_kind.get(before)
        if previous is None:
            raise _refuse(
                _("“%(step)s” needs “%(before)s” to be recorded first."),
                "out_of_order",
                step=label,
                before=_label(before),
            )
        if date < previous.date:
            raise _refuse(
                _("“%(step)s” cannot be dated before “%(before)s” (%(date)s)."),
                "before_previous",
                step=label,
                before=previous.get_kind_display(),
                date=previous.date,
            )
    if kind in ACTIVIST_STEPS and Kind.CANDIDATE in by_kind:
        raise _refuse(
            _("“%(step)s” belongs to the time as an activist, which ended on %(date)s."),
            "after_candidate",
            step=label,
            date=by_kind[Kind.CANDIDATE].date,
        )
    rule = ROSTER_RULES.get(kind, _nothing_more) if from_roster else RULES[kind]
    rule(
        person=person,
        date=date,
        by_kind=by_kind,
        steps=steps,
        method=method,
        member_1=member_1,
        member_2=member_2,
        end_date=end_date,
        days=days,
        hours=hours,
        months=months,
        note=note.strip(),
    )


# --- each step's own rules ----------------------------------------------------------------------


def _application(*, person, date, **_details) -> None:
    if person.birth_date is None:
        raise _refuse(
            _(
                "Record the applicant's date of birth on his profile first: an applicant must "
                "be at least %(age)s on the day of the application."
            ),
            "no_birth_date",
            age=MIN_AGE,
        )
    eighteenth = (
        person.birth_date.replace(year=person.birth_date.year + MIN_AGE)
        if not (person.birth_date.month == 2 and person.birth_date.day == 29)
        else datetime.date(person.birth_date.year + MIN_AGE, 3, 1)
    )
    if date < eighteenth:
        raise _refuse(
            _(
                "An applicant must be at least %(age)s on the day of the application: this one "
                "turns %(age)s on %(date)s."
            ),
            "too_young",
            age=MIN_AGE,
            date=eighteenth,
        )


def _talk(*, date, by_kind, member_1, note, **_details) -> None:
    if member_1 is None:
        raise _refuse(_("Choose the Party member who talked with the applicant."), "no_member")
    if not member_1.is_party_member:
        raise _refuse(
            _("%(name)s is “%(status)s”: the talk is held by a Party member."),
            "not_a_party_member",
            name=member_1.display_name,
            status=member_1.get_political_status_display(),
        )
    application = by_kind[Kind.APPLICATION]
    latest = add_months(application.date, TALK_WITHIN_MONTHS)
    if date > latest and not note:
        raise _refuse(
            _(
                "The talk comes within one month of the application (%(application)s): by "
                "%(latest)s. If it was held later, say why in the note."
            ),
            "talk_late",
            application=application.date,
            latest=latest,
        )


def _activist(*, person, method, member_1, member_2, **_details) -> None:
    if method not in Milestone.Method.values:
        raise _refuse(
            _(
                "Say how the activist was chosen: recommended by Party members or by the Youth "
                "League."
            ),
            "no_method",
        )
    _require_pair(person, member_1, member_2, _("contact persons"))


def _record(*, by_kind, member_1, **_details) -> None:
    activist = by_kind[Kind.ACTIVIST]
    contacts = {activist.member_1_id, activist.member_2_id} - {None}
    if member_1 is None or member_1.pk not in contacts:
        raise _refuse(
            _("An assessment record is kept by one of the activist's two contact persons."),
            "not_a_contact",
        )


def _nothing_more(**_details) -> None:
    return None


def _training(*, days, hours, **_details) -> None:
    if not days and not hours:
        raise _refuse(
            _("Give the length of the training, in days or in hours."), "no_training_length"
        )


def _candidate(*, person, date, by_kind, steps, **_details) -> None:
    _a_year_as_activist(date=date, by_kind=by_kind)
    _candidate_prepared(person=person, date=date, by_kind=by_kind, steps=steps)


def _a_year_as_activist(*, date, by_kind, **_details) -> None:
    activist = by_kind.get(Kind.ACTIVIST)
    if activist is None:  # a roster that does not know when he became an activist
        return
    earliest = one_year_after(activist.date)
    if date < earliest:
        raise _refuse(
            _(
                "A development candidate has been an activist for at least one year (since "
                "%(activist)s): not before %(earliest)s."
            ),
            "too_soon",
            activist=activist.date,
            earliest=earliest,
        )


def _candidate_prepared(*, person, date, by_kind, steps) -> None:
    review = by_kind.get(Kind.REVIEW)
    if review is None or review.date > date:
        raise _refuse(
            _("The political review must be done before listing a development candidate."),
            "no_review",
        )
    days, hours = training_total(person, steps, date)
    if days < TRAINING_DAYS and hours < TRAINING_HOURS:
        raise _refuse(
            _(
                "A development candidate has had at least %(days)s days or %(hours)s hours of "
                "concentrated training: %(had_days)s days and %(had_hours)s hours are recorded."
            ),
            "training_short",
            days=TRAINING_DAYS,
            hours=TRAINING_HOURS,
            had_days=days,
            had_hours=int(hours) if hours == int(hours) else hours,
        )
    gap = record_gap(steps, until=date)
    if gap is not None:
        raise _refuse(
            _(
                "An activist is assessed at least every six months: no record between %(from)s "
                "and %(to)s."
            ),
            "records_missing",
            **{"from": gap[0], "to": gap[1]},
        )


def record_gap(
    steps: list[Milestone], *, until: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The first stretch of more than six months without an assessment record, if any."""
    activist = next((s for s in steps if s.kind == Kind.ACTIVIST), None)
    if activist is None:
        return None
    dates = sorted(s.date for s in steps if s.kind == Kind.RECORD and s.date <= until)
    last = activist.date
    for day in [*dates, until]:
        if day > add_months(last, RECORD_EVERY_MONTHS):
            return last, day
        last = max(last, day)
    return None


def _introducers(*, person, member_1, member_2, **_details) -> None:
    _require_pair(person, member_1, member_2, _("introducers"))


def _publicity(*, date, end_date, **_details) -> None:
    if end_date is None or end_date < date:
        raise _refuse(
            _("Give the last day of the public notice, on or after its first."), "no_end_date"
        )
    if end_date > timezone.localdate():
        raise _refuse(_("Record the public notice once it has ended."), "publicity_running")
    if working_days(date, end_date) < PUBLICITY_WORKING_DAYS:
        raise _refuse(
            _(
                "A public notice lasts at least %(days)s working days (Monday to Friday): "
                "%(from)s to %(to)s has %(had)s."
            ),
            "publicity_short",
            days=PUBLICITY_WORKING_DAYS,
            had=working_days(date, end_date),
            **{"from": date, "to": end_date},
        )


def _probationary(*, date, by_kind, **_details) -> None:
    publicity = by_kind[Kind.PUBLICITY]
    if publicity.end_date and date <= publicity.end_date:
        raise _refuse(
            _("The branch meeting comes after the public notice, which ended on %(date)s."),
            "during_publicity",
            date=publicity.end_date,
        )


def _approval(*, date, by_kind, note, **_details) -> None:
    meeting = by_kind[Kind.PROBATIONARY]
    latest = add_months(meeting.date, APPROVAL_WITHIN_MONTHS)
    longest = add_months(meeting.date, APPROVAL_AT_MOST_MONTHS)
    if date > longest:
        raise _refuse(
            _(
                "The Party committee above approves within six months of the branch meeting "
                "(%(meeting)s) at the most: by %(longest)s."
            ),
            "approval_too_late",
            meeting=meeting.date,
            longest=longest,
        )
    if date > latest and not note:
        raise _refuse(
            _(
                "The Party committee above approves within three months of the branch meeting "
                "(%(meeting)s): by %(latest)s. In special cases it may take up to six months "
                "(by %(longest)s): say why in the note."
            ),
            "approval_late",
            meeting=meeting.date,
            latest=latest,
            longest=longest,
        )


def _extension(*, date, by_kind, steps, months, **_details) -> None:
    least, most = EXTENSION_MONTHS
    if months is None or not least <= months <= most:
        raise _refuse(
            _(
                "A probation is extended by six months to one year: give %(least)s to %(most)s "
                "months."
            ),
            "extension_length",
            least=least,
            most=most,
        )


def _full(*, date, steps, **_details) -> None:
    end = probation_end(steps)
    if end is not None and date < end:
        raise _refuse(
            _(
                "The probation ends on %(end)s: the branch meeting confirms a full member at "
                "its end, not before."
            ),
            "too_soon",
            end=end,
        )


RULES = {
    Kind.APPLICATION: _application,
    Kind.TALK: _talk,
    Kind.ACTIVIST: _activist,
    Kind.RECORD: _record,
    Kind.REVIEW: _nothing_more,
    Kind.TRAINING: _training,
    Kind.CANDIDATE: _candidate,
    Kind.INTRODUCERS: _introducers,
    Kind.PUBLICITY: _publicity,
    Kind.PROBATIONARY: _probationary,
    Kind.APPROVAL: _approval,
    Kind.OATH: _nothing_more,
    Kind.EXTENSION: _extension,
    Kind.FULL: _full,
    Kind.CANCELLATION: _nothing_more,
}

# The rules on the dates a roster carries.
ROSTER_RULES = {
    Kind.APPLICATION: _application,
    Kind.CANDIDATE: _a_year_as_activist,
    Kind.FULL: _full,
}


def _require_full_member(member: User, role: str) -> None:
    if member.political_status != PoliticalStatus.FULL:
        raise _refuse(
            _("%(name)s is “%(status)s”: %(role)s are full Party members."),
            "not_full_member",
            name=member.display_name,
            status=member.get_political_status_display(),
            role=role,
        )


def _require_pair(person: User, first: User | None, second: User | None, role: str) -> None:
    if first is None or second is None:
        raise _refuse(_("Choose two %(role)s."), "no_member", role=role)
    if first.pk == second.pk or person.pk in (first.pk, second.pk):
        raise _refuse(
            _("Choose two different %(role)s, other than the person himself."),
            "same_member",
            role=role,
        )
    _require_full_member(first, role)
    _require_full_member(second, role)


# --- what comes next ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    """What comes next for a person: the next step and the earliest day it may happen, and the
    step that is due by a day (overdue once the day has passed)."""

    next_kind: str | None
    earliest: datetime.date | None = None
    due_kind: str | None = None
    due: datetime.date | None = None

    @property
    def next_label(self) -> str:
        return _label(self.next_kind) if self.next_kind else ""

    @property
    def due_label(self) -> str:
        return _label(self.due_kind) if self.due_kind else ""

    def overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today


def outlook(steps: list[Milestone]) -> Outlook:
    """What comes next after `steps` (one person's, any order), from the furthest step
    recorded: a timeline filled in with its key dates only (migrated, imported) goes on from
    there."""
    steps = sorted(steps, key=lambda s: (s.date, s.pk or 0))
    by_kind = {step.kind: step for step in steps}
    if any(k in by_kind for k in FINAL_STEPS):
        return Outlook(None)
    if Kind.APPROVAL in by_kind:
        end = probation_end(steps)
        if Kind.OATH not in by_kind:
            return Outlook(Kind.OATH, by_kind[Kind.APPROVAL].date, Kind.FULL, end)
        return Outlook(Kind.FULL, end, Kind.FULL, end)
    if Kind.PROBATIONARY in by_kind:
        meeting = by_kind[Kind.PROBATIONARY].date
        return Outlook(
            Kind.APPROVAL, meeting, Kind.APPROVAL, add_months(meeting, APPROVAL_WITHIN_MONTHS)
        )
    for kind in (Kind.PROBATIONARY, Kind.PUBLICITY, Kind.INTRODUCERS):
        previous = by_kind.get(AFTER[kind])
        if previous is not None:
            start = previous.end_date + datetime.timedelta(days=1) if previous.end_date else None
            return Outlook(kind, start or previous.date)
    if Kind.ACTIVIST in by_kind:
        activist = by_kind[Kind.ACTIVIST].date
        last_record = max([activist] + [s.date for s in steps if s.kind == Kind.RECORD])
        return Outlook(
            Kind.CANDIDATE,
            one_year_after(activist),
            Kind.RECORD,
            add_months(last_record, RECORD_EVERY_MONTHS),
        )
    if Kind.TALK in by_kind:
        return Outlook(Kind.ACTIVIST, by_kind[Kind.TALK].date)
    if Kind.APPLICATION in by_kind:
        application = by_kind[Kind.APPLICATION].date
        return Outlook(
            Kind.TALK, application, Kind.TALK, add_months(application, TALK_WITHIN_MONTHS)
        )
    return Outlook(Kind.APPLICATION)
