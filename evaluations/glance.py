"""The evaluations at a glance (see `common.glance`): the members a person may still evaluate
and, for a branch's secretary and committee, the final grades to record; his own latest result;
and the participation and grades of the campaigns that close in a period, for the college or a
branch (its members as those evaluated, their grades once published).

Participation is counted as ballots cast over the pairs of evaluator and member that may cast
one, never by whom: a ballot is found by member only.
"""

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.glance import Action, Chart, Figure, GlanceSource, Panel, Scope, Urgency

from . import access
from .models import (
    BELOW_GRADES,
    Ballot,
    Campaign,
    Eligibility,
    Evaluatee,
    Grade,
    Status,
    closing_between,
)
from .services.ballots import voted_evaluatee_ids
from .services.campaigns import CLOSING_REMINDER


class EvaluationsGlance(GlanceSource):
    key = "evaluations"
    title = gettext_lazy("Mutual evaluation")
    order = 60
    heavy = True

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        return self._to_evaluate(user, now) + self._to_grade(user, now)

    def _to_evaluate(self, user, now: datetime.datetime) -> list[Action]:
        """Per open campaign, how many members he has still to evaluate (2 queries)."""
        rows = list(access.eligibilities_of(user).select_related("campaign"))
        if not rows:
            return []
        voted = voted_evaluatee_ids(evaluator=user, eligibilities=rows)
        waiting: dict[int, set[int]] = {}
        campaigns = {}
        for row in rows:
            campaigns[row.campaign_id] = row.campaign
            if row.evaluatee_id not in voted:
                waiting.setdefault(row.campaign_id, set()).add(row.evaluatee_id)
        actions = []
        for campaign_id, members in waiting.items():
            campaign = campaigns[campaign_id]
            if not campaign.is_voting:
                continue
            actions.append(
                Action(
                    urgency=Urgency.TODAY
                    if campaign.closes_at - now <= CLOSING_REMINDER
                    else Urgency.SOON,
                    when=campaign.closes_at,
                    label=ngettext(
                        "%(count)d member to evaluate: %(campaign)s",
                        "%(count)d members to evaluate: %(campaign)s",
                        len(members),
                    )
                    % {"count": len(members), "campaign": campaign.name},
                    # No full stop: an English time ends in "a.m." or "p.m." already.
                    detail=_("Voting closes on %(date)s")
                    % {
                        "date": date_format(
                            timezone.localtime(campaign.closes_at), "SHORT_DATETIME_FORMAT"
                        )
                    },
                    url=reverse("evaluations:mine"),
                    link_text=_("Evaluate"),
                )
            )
        return actions

    def _to_grade(self, user, now: datetime.datetime) -> list[Action]:
        """For a secretary or committee member: his branches' members in closed campaigns
        without a final grade, per campaign and branch (2 queries)."""
        branches = access.branch_ids_appraised_by(user)
        if not branches:
            return []
        rows = (
            Evaluatee.objects.filter(
                branch_id__in=branches,
                final_grade="",
                campaign__status__in=[Status.CLOSED, Status.PUBLISHED],
            )
            .exclude(person=user)
            .order_by("campaign_id", "branch_id")
            .values_list("campaign_id", "campaign__name", "branch_id")
            .annotate(count=Count("pk"))
        )
        return [
            Action(
                urgency=Urgency.LATER,
                when=now,
                label=ngettext(
                    "%(count)d final grade to record: %(campaign)s",
                    "%(count)d final grades to record: %(campaign)s",
                    count,
                )
                % {"count": count, "campaign": name},
                url=reverse("evaluations:branch", args=[campaign_id, branch_id]),
                link_text=_("Record the grades"),
            )
            for campaign_id, name, branch_id, count in rows
        ]

    def summary(self, user) -> Panel | None:
        """His latest published results (1 query)."""
        rows = list(
            access.own_results_of(user)
            .select_related("campaign")
            .order_by("-campaign__closes_at")[:3]
        )
        if not rows:
            return None
        figures = [
            Figure(
                f"result-{row.pk}",
                row.campaign.name,
                Grade(row.grade).label if row.grade else _("Too few ballots"),
                row.get_absolute_url(),
            )
            for row in rows
        ]
        return Panel(self.key, _("My evaluation results"), figures)

    def compute(self, scope: Scope) -> dict:
        """The campaigns that close in the period (open ones included): how many, the ballots
        possible and cast, the members evaluated and their grades (4 queries)."""
        statuses = dict(
            closing_between(Campaign.objects.all(), scope.start, scope.end).values_list(
                "pk", "status"
            )
        )
        campaigns = sorted(statuses)
        members = Q(campaign_id__in=campaigns)
        if scope.branch_id is not None:
            members &= Q(branch_id=scope.branch_id)
        possible = (
            Eligibility.objects.filter(
                campaign_id__in=campaigns,
                **({"evaluatee__branch_id": scope.branch_id} if scope.branch_id else {}),
            )
            .values("campaign_id", "evaluator_id", "evaluatee_id")
            .distinct()
            .count()
        )
        cast = Ballot.objects.filter(
            campaign_id__in=campaigns,
            **({"evaluatee__branch_id": scope.branch_id} if scope.branch_id else {}),
        ).count()
        # A branch's grades count once published: its panel is read by its secretary, who sees
        # every other member's grade on the branch's page, and would read his own from the
        # counts by subtraction before he may see it (`access.result_sight`).
        graded = [Status.PUBLISHED]
        if scope.branch_id is None:
            graded.append(Status.CLOSED)
        grades = Counter()
        standing = (
            Evaluatee.objects.filter(members, campaign__status__in=graded)
            .order_by()
            .values_list("final_grade", "computed_grade")
            .annotate(count=Count("pk"))
        )
        for final, computed, count in standing:
            grades[final or computed] += count
        return {
            "campaigns": campaigns,
            "closed": [pk for pk in campaigns if statuses[pk] != Status.OPEN],
            "graded": [pk for pk in campaigns if statuses[pk] in graded],
            "evaluated": Evaluatee.objects.filter(members).count(),
            "possible": possible,
            "cast": cast,
            "grades": {grade: grades.get(grade, 0) for grade in Grade.values},
            "too_few": grades.get("", 0),
        }

    def panel(self, scope: Scope, figures: dict) -> Panel | None:
        campaigns = figures["campaigns"]
        if not campaigns:
            return None
        # The college's campaigns are listed for staff by the days they close. One campaign:
        # its page lists the members counted, and those below Qualified (for a branch, its
        # members, on the page its secretary opens once voting has closed).
        campaigns_url = url = ""
        if scope.branch_id is None:
            period = urlencode({"start": scope.start.isoformat(), "end": scope.end.isoformat()})
            campaigns_url = f"{reverse('evaluations:campaigns')}?{period}"
        if len(campaigns) == 1 and scope.branch_id is None:
            url = reverse("evaluations:campaign", args=[campaigns[0]])
        elif len(campaigns) == 1 and figures["closed"] == campaigns:
            url = reverse("evaluations:branch", args=[campaigns[0], scope.branch_id])
        # Figures kept before "graded" was counted lack it until the hourly task computes them
        # again: no link to the members below Qualified until then.
        below_url = f"{url}?below=True" if url and figures.get("graded") else ""
        rate = round(100 * figures["cast"] / figures["possible"]) if figures["possible"] else None
        grades = figures["grades"]
        below = sum(grades[grade] for grade in BELOW_GRADES)
        shown = [
            Figure(
                "campaigns", _("Campaigns closing in the period"), len(campaigns), campaigns_url
            ),
            Figure("evaluated", _("Members evaluated"), figures["evaluated"], url),
            Figure("cast", _("Ballots cast"), figures["cast"]),
            Figure("participation", _("Participation"), rate, suffix="%"),
            Figure("below", _("Members below Qualified"), below, below_url),
        ]
        chart = Chart(
            "evaluations-grades",
            _("Members per grade"),
            [str(label) for label in Grade.labels] + [_("Too few ballots")],
            [grades[grade] for grade in Grade.values] + [figures["too_few"]],
        )
        return Panel(
            self.key,
            str(self.title),
            figures=shown,
            charts=[chart],
            note=_("Participation is the ballots cast over the ballots that could be cast.")
            + (
                " "
                + _("A branch's figures count its members as those evaluated.")
                + " "
                + _("Its grades are counted once the results are published.")
                if scope.branch_id is not None
                else ""
            ),
        )
