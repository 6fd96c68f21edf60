"""What each reader sees of the ratings: staff every rating in full; a tutor only his average,
over whole batches of `access.MIN_RATINGS_FOR_AVERAGE` ratings; anyone else nothing."""

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
    see it at all.

    Staff read the average of every rating. The tutor reads it over his ratings in whole
    batches, the oldest first: it moves only when a batch is full, so that neither its change
    nor its count tells him what one tutee gave (a batch tells only its sum).
    """
    if not access.may_read_average_of(viewer, tutor):
        return None
    ratings = Rating.objects.filter(session__tutor=tutor)
    if access.may_read_ratings(viewer):
        row = ratings.aggregate(avg=Avg("score"), count=Count("pk"))
        return Average(None if row["avg"] is None else round(row["avg"], 1), row["count"])
    scores = list(ratings.order_by("created_at", "pk").values_list("score", flat=True))
    batch = access.MIN_RATINGS_FOR_AVERAGE
    counted = scores[: len(scores) - len(scores) % batch]
    return Average(round(sum(counted) / len(counted), 1) if counted else None, len(counted))
