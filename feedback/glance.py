"""The suggestion board at a glance (see `common.glance`): a person's own suggestions and the
answers waiting for his rating, and the college's figures for staff.

Suggestions are never broken down by branch: the author's branch would narrow down who wrote
an anonymous one. A branch's page shows no panel of the board.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from common.glance import Action, Chart, Figure, GlanceSource, Panel, Scope, Table, Urgency

from . import statistics
from .access import mine
from .models import OPEN_STATUSES, Status, Suggestion

OWN_SHOWN = 5


def queue_url(**filters: object) -> str:
    return f"{reverse('feedback:queue')}?{urlencode(filters)}"


class FeedbackGlance(GlanceSource):
    key = "suggestions"
    title = gettext_lazy("Suggestions")
    order = 60

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        """His answered suggestions that wait for his rating (1 query)."""
        waiting = Suggestion.objects.filter(mine(user), status=Status.ANSWERED, satisfied=None)
        return [
            Action(
                urgency=Urgency.SOON,
                when=suggestion.answered_at or now,
                label=_("Answered: %(title)s") % {"title": suggestion.title},
                detail=_("Tell whether the answer satisfies you."),
                url=suggestion.get_absolute_url(),
                link_text=_("Rate the answer"),
            )
            for suggestion in waiting.order_by("answered_at", "pk")[:OWN_SHOWN]
        ]

    def summary(self, user) -> Panel | None:
        """His latest suggestions and the state of each (1 query)."""
        own = list(Suggestion.objects.filter(mine(user)).order_by("-created_at", "-pk")[:OWN_SHOWN])
        if not own:
            return None
        figures = [
            Figure(f"suggestion-{s.pk}", s.title, s.get_status_display(), s.get_absolute_url())
            for s in own
        ]
        return Panel(self.key, _("My suggestions"), figures)

    def compute(self, scope: Scope) -> dict | None:
        if scope.branch_id is not None:
            return None
        in_period = Suggestion.objects.filter(
            created_at__date__gte=scope.start, created_at__date__lte=scope.end
        )
        report = statistics.compute(in_period)
        return {
            "open": Suggestion.objects.filter(status__in=OPEN_STATUSES).count(),
            "overdue_now": Suggestion.objects.overdue(timezone.now()).count(),
            "submitted": report["total"],
            "median_first_response": report["median_first_response"],
            "median_answer": report["median_answer"],
            "rated": report["rated"],
            "satisfaction_rate": report["satisfaction_rate"],
            "by_status": {
                value: count
                for value, (_label, count) in zip(Status.values, report["by_status"], strict=True)
            },
        }

    def panel(self, scope: Scope, figures: dict | None) -> Panel | None:
        if figures is None:
            return None
        period = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
        stats_url = reverse("feedback:statistics")
        hours = pgettext("time taken", "%(hours)s h")
        by_status = [
            Figure(
                f"status-{value}",
                str(label),
                figures["by_status"].get(value, 0),
                queue_url(status=value, **period),
            )
            for value, label in Status.choices
        ]
        return Panel(
            self.key,
            str(self.title),
            figures=[
                Figure("open", _("Open now"), figures["open"], queue_url(status="open")),
                Figure(
                    "overdue",
                    _("Overdue now"),
                    figures["overdue_now"],
                    queue_url(status="", age="overdue"),
                ),
                Figure(
                    "submitted",
                    _("Submitted in the period"),
                    figures["submitted"],
                    queue_url(status="", **period),
                ),
                Figure(
                    "median-first",
                    _("Median time to first response"),
                    None
                    if figures["median_first_response"] is None
                    else hours % {"hours": figures["median_first_response"]},
                    stats_url,
                ),
                Figure(
                    "median-answer",
                    _("Median time to answer"),
                    None
                    if figures["median_answer"] is None
                    else hours % {"hours": figures["median_answer"]},
                    stats_url,
                ),
                Figure(
                    "satisfaction",
                    _("Satisfaction rate"),
                    figures["satisfaction_rate"],
                    stats_url,
                    "%",
                ),
            ],
            charts=[
                Chart(
                    "statuses",
                    _("Suggestions of the period by status"),
                    [figure.label for figure in by_status],
                    [figure.value for figure in by_status],
                    [figure.url for figure in by_status],
                )
            ],
            tables=[
                Table(
                    _("Suggestions of the period by status"),
                    [_("Status"), _("Suggestions")],
                    [[figure.label, figure.value] for figure in by_status],
                )
            ],
        )
