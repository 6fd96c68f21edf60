"""The board's statistics for staff: counts per category and status, median times to the first
response and to the answer, the overdue count and the authors' satisfaction; a fixed number of
queries whatever the number of suggestions."""

import datetime

from django.db.models import Aggregate, Count, DurationField, F, Q, QuerySet

from .models import Category, Status, Suggestion


class Median(Aggregate):
    """PostgreSQL's continuous median (works on intervals)."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _hours(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def compute(suggestions: QuerySet[Suggestion], now: datetime.datetime | None = None) -> dict:
    from django.utils import timezone

    now = now or timezone.now()
    counts = {
        row["category_id"]: row
        for row in suggestions.order_by()
        .values("category_id")
        .annotate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
        )
    }
    by_category = []
    for category in Category.objects.order_by("position", "name"):
        row = counts.get(category.pk, {})
        by_category.append(
            {
                "category": category.label,
                "total": row.get("total", 0),
                "counts": {status: row.get(status, 0) for status in Status.values},
            }
        )
    totals = suggestions.aggregate(
        total=Count("pk"),
        first_response=Median(
            F("first_response_at") - F("created_at"), filter=Q(first_response_at__isnull=False)
        ),
        answer=Median(F("answered_at") - F("created_at"), filter=Q(answered_at__isnull=False)),
        rated=Count("pk", filter=Q(satisfied__isnull=False)),
        satisfied=Count("pk", filter=Q(satisfied=True)),
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
    )
    rate = round(100 * totals["satisfied"] / totals["rated"]) if totals["rated"] else None
    return {
        "by_category": by_category,
        "by_status": [(label, totals[value]) for value, label in Status.choices],
        "total": totals["total"],
        "median_first_response": _hours(totals["first_response"]),
        "median_answer": _hours(totals["answer"]),
        "overdue": suggestions.overdue(now).count(),
        "rated": totals["rated"],
        "satisfaction_rate": rate,
    }
