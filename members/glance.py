"""People and the development timeline at a glance (see `common.glance`): people per political
status, and the development steps due, of a branch or the college; a member's own step due.

Kept thin on purpose: the development procedure will replace the "steps due" part with its own.
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

from .access import is_reviewer
from .forms import DUE_PROBATION
from .models import Milestone, PoliticalStatus, User, one_year_after
from .services import PROBATION_REMINDER_DAYS


def directory_url(scope: Scope, **filters: str) -> str:
    query = {} if scope.branch_id is None else {"branch": scope.branch_id}
    return f"{reverse('members:directory')}?{urlencode(query | filters)}"


def scope_people(scope: Scope):
    people = User.objects.all()
    if scope.branch_id is not None:
        people = people.filter(branch_id=scope.branch_id)
    return people


class MembersGlance(GlanceSource):
    key = "members"
    title = gettext_lazy("People")
    order = 10

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        return self._own_step(user, now) + self._branch_steps(user, now)

    def _branch_steps(self, user, now: datetime.datetime) -> list[Action]:
        """For a secretary, the confirmations due in each branch he leads (1 query)."""
        if not is_reviewer(user):
            return []
        horizon = timezone.localdate(now) + datetime.timedelta(days=PROBATION_REMINDER_DAYS)
        rows = (
            User.objects.probation_ending_by(horizon)
            .filter(branch__secretary=user, branch__is_active=True)
            .values("branch_id", "branch__name")
            .annotate(count=Count("pk"))
            .order_by("branch__name")
        )
        return [
            Action(
                urgency=Urgency.SOON,
                when=now,
                label=ngettext(
                    "%(branch)s: %(count)d confirmation due within 30 days",
                    "%(branch)s: %(count)d confirmations due within 30 days",
                    row["count"],
                )
                % {"branch": row["branch__name"], "count": row["count"]},
                url=directory_url(Scope(row["branch_id"], horizon, horizon), due=DUE_PROBATION),
                link_text=_("See who"),
            )
            for row in rows
        ]

    def _own_step(self, user, now: datetime.datetime) -> list[Action]:
        """His confirmation as a full member, when his probation ends within 30 days (1 query)."""
        today = timezone.localdate(now)
        horizon = today + datetime.timedelta(days=PROBATION_REMINDER_DAYS)
        if user.political_status != PoliticalStatus.PROBATIONARY:
            return []
        milestone = Milestone.objects.filter(
            person__in=User.objects.probation_ending_by(horizon).filter(pk=user.pk),
            kind=Milestone.Kind.PROBATIONARY,
        ).first()
        if milestone is None:
            return []
        ends = one_year_after(milestone.date)
        return [
            Action(
                urgency=Urgency.TODAY if ends <= today else Urgency.SOON,
                when=now,
                label=_("Your probation ends on %(date)s: your confirmation is due")
                % {"date": date_format(ends)},
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
        return {
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
            ],
            charts=[
                Chart(
                    "statuses",
                    _("People per political status"),
                    [figure.label for figure in statuses],
                    [figure.value for figure in statuses],
                    [figure.url for figure in statuses],
                )
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
            ],
        )
