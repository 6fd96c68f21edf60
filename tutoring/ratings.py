"""What each reader sees of the ratings: staff every rating in full; a tutor only his average,
and only over at least `access.MIN_RATINGS_FOR_AVERAGE` rated sessions; anyone else nothing."""

from dataclasses import dataclass

from django.db.models import Avg, Count

from . import access
from .models import Rating


@dataclass(frozen=True)
class Average:
    value: float | None  # None: not shown (too few ratings for this reader)
    count: int


def average_for(viewer, tutor) -> Average | None:
    """The average rating of `tutor`'s sessions as `viewer` may see it; None when he may not
    see it at all."""
    if not access.may_read_average_of(viewer, tutor):
        return None
    row = Rating.objects.filter(session__tutor=tutor).aggregate(avg=Avg("score"), count=Count("pk"))
    shown = access.may_read_ratings(viewer) or row["count"] >= access.MIN_RATINGS_FOR_AVERAGE
    return Average(round(row["avg"], 1) if shown and row["avg"] is not None else None, row["count"])
