"""People and Party development at a glance (see `common.glance`): people per political status
and per stage of development, the development steps due and overdue, and the confirmations due,
of a branch or the college; for a branch's secretary and committee the steps due in his
branches, for a probationary member the end of his probation.

What is due, and by when, is the development page's (`members.ledger.development_rows`, which
reads `members.procedure.outlook`): the figures, the actions and the page count the same rows.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from common.glance import Action, Chart, Figure, GlanceSource, Panel, Scope, Table, Urgency

from .access import branches_run_by
from .forms import DUE_PROBATION
from .ledger import (
    DEVELOPMENT_STATUSES,
    DUE_OVERDUE,
    DUE_SOON,
    development_rows,
    due_rows,
)
from .models import Milestone, PoliticalStatus, User, one_year_after
from .procedure import probation_end
from .services import PROBATION_REMINDER_DAYS


def directory_url(scope: Scope, **filters: str) -> str:
    query = {} if scope.branch_id is None else {"branch": scope.branch_id}
    return f"{reverse('members:directory')}?{urlencode(query | filters)}"


def development_url(scope: Scope, due: str) -> str:
    """The branch's development page with its steps due (or overdue); for the college, the
    ledger of the people with such a step."""
    if scope.branch_id is None:
        return f"{reverse('members:ledger')}?{urlencode({'due': due})}"
    return f"{reverse('members:development', args=[scope.branch_id])}?{urlencode({'due': due})}"


def scope_people(scope: Scope):
    people = User.objects.all()
    if scope.branch_id is not None:
        people = people.filter(branch_id=scope.branch_id)
    return people


class MembersGlance(GlanceSource):
    key = "members"
    title = gettext_lazy("People")
    order = 10
    # The development steps due are read from every timeline of the scope (the college's: each
    # person in development, with his steps), which grows with the people: kept in the cache.
    heavy = True

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        return self._own_step(user, now) + self._branch_steps(user, now)

    def _branch_steps(self, user, now: datetime.datetime) -> list[Action]:
        """For a branch's secretary or committee member, the development steps due within 30
        days in each active branch of his, as its development page shows them (3 queries; 1
        for anyone else)."""
        branches = {branch.pk: branch.name for branch in branches_run_by(user)}
        if not branches:
            return []
        today = timezone.localdate(now)
        people = User.objects.filter(branch__in=branches, political_status__in=DEVELOPMENT_STATUSES)
        due: dict[int, list[int]] = {pk: [0, 0] for pk in branches}
        for row in due_rows(development_rows(people, today, named=False), today, DUE_SOON):
            due[row.person.branch_id][0] += 1
            due[row.person.branch_id][1] += row.overdue
        return [
            Action(
                urgency=Urgency.TODAY if overdue else Urgency.SOON,
                when=now,
                label=ngettext(
                    "%(branch)s: %(count)d development step due within 30 days"
                    " (%(overdue)d overdue)",
                    "%(branch)s: %(count)d development steps due within 30 days"
                    " (%(overdue)d overdue)",
                    count,
                )
                % {"branch": branches[pk], "count": count, "overdue": overdue},
                url=development_url(Scope(pk, today, today), DUE_SOON),
                link_text=_("See who"),
            )
            for pk, (count, overdue) in sorted(due.items(), key=lambda item: branches[item[0]])
            if count
        ]

    def _own_step(self, user, now: datetime.datetime) -> list[Action]:
        """His application for full membership, when his probation (with any extension) ends
        within 30 days (1 query for a probationary member, none for anyone else)."""
        if user.political_status != PoliticalStatus.PROBATIONARY:
            return []
        today = timezone.localdate(now)
        ends = probation_end(list(Milestone.objects.filter(person=user)))
        if ends is None or ends > today + datetime.timedelta(days=PROBATION_REMINDER_DAYS):
            return []
        return [
            Action(
                urgency=Urgency.TODAY if ends <= today else Urgency.SOON,
                when=now,
                label=_("Your probation ends on %(date)s: your confirmation is due")
                % {"date": date_format(ends)},
                detail=_("Hand in your application for full membership to your branch."),
                url=reverse("members:me"),
                link_text=_("My timeline"),
            )
        ]

    def compute(self, scope: Scope) -> dict:
        people = scope_people(scope)
        counts = people.aggregate(
            total=Count("pk"),
            **{
                status: Count("pk", filter=Q(political_status=status)) for status in PoliticalStatus
            },
        )
        horizon = timezone.localdate() + datetime.timedelta(days=PROBATION_REMINDER_DAYS)
        due = list(
            Milestone.objects.filter(
                kind=Milestone.Kind.PROBATIONARY,
                person__in=people.filter(
                    pk__in=User.objects.probation_ending_by(horizon).values("pk")
                ).values("pk"),
            )
            .order_by("date", "person__student_number", "pk")
            .values_list("person__name", "person__student_number", "date")
        )
        today = timezone.localdate()
        steps_due = due_rows(
            development_rows(
                people.filter(political_status__in=DEVELOPMENT_STATUSES), today, named=False
            ),
            today,
            DUE_SOON,
        )
        return {
            "steps_due": len(steps_due),
            "steps_overdue": sum(row.overdue for row in steps_due),
            "steps_due_people": [
                [
                    row.person.display_name,
                    row.person.student_number or "",
                    row.outlook.due_kind,
                    row.outlook.due.isoformat(),
                ]
                for row in steps_due
            ],
            "total": counts["total"],
            "statuses": {status: counts[status] for status in PoliticalStatus.values},
            "due": len(due),
            "due_people": [
                [name, number or "", one_year_after(start).isoformat()]
                for name, number, start in due
            ],
        }

    def panel(self, scope: Scope, figures: dict) -> Panel:
        statuses = [
            Figure(
                f"status-{value}",
                str(label),
                figures["statuses"][value],
                directory_url(scope, status=value),
            )
            for value, label in PoliticalStatus.choices
        ]
        stages = [figure for figure in statuses if figure.key[7:] in DEVELOPMENT_STATUSES]
        # Each step's name translated once, not once a row (thousands at a university).
        steps = {kind: str(label) for kind, label in Milestone.Kind.choices}
        return Panel(
            self.key,
            str(self.title),
            figures=[
                Figure("people", _("People"), figures["total"], directory_url(scope)),
                *statuses,
                Figure(
                    "due",
                    _("Confirmations due within 30 days"),
                    figures["due"],
                    directory_url(scope, due=DUE_PROBATION),
                ),
                Figure(
                    "steps-due",
                    _("Development steps due within 30 days"),
                    figures["steps_due"],
                    development_url(scope, DUE_SOON),
                ),
                Figure(
                    "steps-overdue",
                    _("Development steps overdue"),
                    figures["steps_overdue"],
                    development_url(scope, DUE_OVERDUE),
                ),
            ],
            charts=[
                Chart(
                    "statuses",
                    _("People per political status"),
                    [figure.label for figure in statuses],
                    [figure.value for figure in statuses],
                    [figure.url for figure in statuses],
                ),
                Chart(
                    "stages",
                    _("People per stage of development"),
                    [figure.label for figure in stages],
                    [figure.value for figure in stages],
                    [figure.url for figure in stages],
                ),
            ],
            tables=[
                Table(
                    _("People per political status"),
                    [_("Political status"), _("People")],
                    [[figure.label, figure.value] for figure in statuses],
                ),
                Table(
                    _("Confirmations due within 30 days"),
                    [pgettext("report column", "Name"), _("Number"), _("Probation ends")],
                    figures["due_people"],
                ),
                Table(
                    _("Development steps due within 30 days"),
                    [
                        pgettext("report column", "Name"),
                        _("Number"),
                        pgettext("development", "Step"),
                        _("Due by"),
                    ],
                    [
                        [name, number, steps[kind], due]
                        for name, number, kind, due in figures.get("steps_due_people", [])
                    ],
                ),
            ],
        )
