"""The staff overview's figures: open requests and how long they wait, pairings by status,
confirmed sessions per month and the average rating; a fixed number of queries."""

import datetime

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Pairing, Rating, Request, RequestStatus, Session, Status

MONTHS = 12


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    month = today.replace(day=1)
    starts = []
    for _ in range(count):
        starts.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def compute(today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    pairings = Pairing.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    requests = Request.objects.aggregate(
        open=Count("pk", filter=Q(status=RequestStatus.OPEN)),
        proposed=Count("pk", filter=Q(status=RequestStatus.PROPOSED)),
        total=Count("pk"),
    )
    months = _month_starts(today, MONTHS)
    rows = (
        Session.objects.confirmed()
        .filter(date__gte=months[0])
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(count=Count("pk"), minutes=Sum("minutes"))
    )
    by_month = {row["month"]: row for row in rows}
    per_month = [
        {
            "month": month,
            "count": by_month.get(month, {}).get("count", 0),
            "hours": round((by_month.get(month, {}).get("minutes") or 0) / 60, 1),
        }
        for month in months
    ]
    ratings = Rating.objects.aggregate(avg=Avg("score"), count=Count("pk"))
    return {
        "pairings": [(label, pairings[value]) for value, label in Status.choices],
        "active": pairings[Status.ACTIVE],
        "open_requests": requests["open"],
        "proposed_requests": requests["proposed"],
        "requests": requests["total"],
        "per_month": per_month,
        "average_rating": round(ratings["avg"], 1) if ratings["avg"] is not None else None,
        "ratings": ratings["count"],
    }
