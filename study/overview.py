"""The staff overview's figures for a plan: per branch, the participants in each stage and their
average progress, and who is behind schedule.

They need every participant's progress (`study.progress`), which at a university takes seconds,
so they are computed once and kept in the cache (PostgreSQL, shared by every process) with the
time they were computed: the periodic task `study.refresh_overviews` keeps the current plans'
figures fresh, and a page that finds none younger than MAX_AGE computes them itself. A page
then reads one cache row and the few people it lists behind schedule, whatever the number of
participants.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from .models import Enrollment, Stage, StudyPlan
from .progress import progress_of

# Figures older than this are computed again when a page asks; the task refreshes them sooner.
MAX_AGE = datetime.timedelta(minutes=15)
# People listed behind schedule on the page (the progress export lists everyone).
BEHIND_SHOWN = 50


@dataclass
class Behind:
    """A participant behind schedule, as the overview lists him."""

    enrollment: Enrollment
    overall_percent: int


@dataclass
class Figures:
    computed_at: datetime.datetime
    # (branch name or None for no branch, participants per stage and 0 for completed, total,
    # sum of overall progress)
    branches: list[tuple[str | None, dict[int, int], int, float]]
    participants: int
    behind_count: int
    # (enrollment id, overall percent) of the first BEHIND_SHOWN behind, in the page's order
    behind: list[tuple[int, int]]


def participants(plan: StudyPlan, branch=None):
    """The plan's enrollments with their people's branches, by branch and student number."""
    enrollments = plan.enrollments.select_related("plan", "person__branch").order_by(
        "person__branch__name", "person__student_number", "pk"
    )
    if branch is not None:
        enrollments = enrollments.filter(person__branch=branch)
    return enrollments


def compute(plan: StudyPlan) -> Figures:
    """The figures of `plan` now, from every participant's progress (a fixed number of
    queries); kept in the cache for the pages."""
    computed_at = timezone.now()
    rows = progress_of(participants(plan), today=timezone.localdate(computed_at))
    branches: dict[str | None, dict] = defaultdict(
        lambda: {"stages": dict.fromkeys([*Stage.values, 0], 0), "total": 0, "sum": 0.0}
    )
    for item in rows:
        branch = item.enrollment.person.branch
        summary = branches[branch.name if branch else None]
        summary["stages"][0 if item.completed else item.enrollment.stage] += 1
        summary["total"] += 1
        summary["sum"] += item.overall
    behind = [item for item in rows if item.behind]
    figures = Figures(
        computed_at=computed_at,
        branches=[(name, s["stages"], s["total"], s["sum"]) for name, s in branches.items()],
        participants=len(rows),
        behind_count=len(behind),
        behind=[(item.enrollment.pk, item.overall_percent) for item in behind[:BEHIND_SHOWN]],
    )
    cache.set(_key(plan), figures, timeout=None)
    return figures


def figures_of(plan: StudyPlan) -> Figures:
    """The figures of `plan` as last computed, or computed now if none is younger than
    MAX_AGE."""
    figures = cache.get(_key(plan))
    if figures is None or timezone.now() - figures.computed_at > MAX_AGE:
        figures = compute(plan)
    return figures


def behind_shown(figures: Figures) -> list[Behind]:
    """The participants the figures list behind schedule, with their people (one query)."""
    percents = dict(figures.behind)
    enrollments = Enrollment.objects.select_related("person__branch").in_bulk(percents)
    return [Behind(enrollments[pk], percent) for pk, percent in figures.behind if pk in enrollments]


def refresh() -> int:
    """Compute the figures of every plan under way; returns how many plans."""
    today = timezone.localdate()
    plans = StudyPlan.objects.filter(starts_on__lte=today, ends_on__gte=today)
    count = 0
    for plan in plans:
        compute(plan)
        count += 1
    return count


def _key(plan: StudyPlan) -> str:
    # The version changes with the shape of Figures, so that a release never reads an older one.
    return f"study-overview:v1:{plan.pk}"
