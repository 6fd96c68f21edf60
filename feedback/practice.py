"""What the study track counts of the suggestion board for stage 3 (做合格党员).

A person "handled" a suggestion when he gave its current official answer: each answered
suggestion counts once, for the person who answered it, on the day of that answer (in the
portal's time zone). A suggestion reopened and answered again counts for whoever answered last.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count

from .models import Suggestion


def handled_counts(
    person_ids: Collection[int], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """For each person, the suggestions he answered between `start` and `end` (inclusive).

    One query whatever the number of people; people with none are absent.
    """
    if not person_ids:
        return {}
    rows = (
        Suggestion.objects.filter(
            answered_by_id__in=list(person_ids),
            answered_at__date__gte=start,
            answered_at__date__lte=end,
        )
        .order_by()
        .values("answered_by_id")
        .annotate(count=Count("pk"))
    )
    return {row["answered_by_id"]: row["count"] for row in rows}
