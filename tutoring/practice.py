"""What the study track counts of peer tutoring for stage 3 (做合格党员): the tutor's confirmed
sessions, as a number of sessions and as hours.

A session counts for the tutor who gave it (a later handover does not move it), on its date,
once the other side has confirmed it; unconfirmed sessions never count.

These are practice sources as `study.practice` describes them; the study app registers them.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import Session


def _confirmed(person_ids: Collection[int], start: datetime.date, end: datetime.date):
    return (
        Session.objects.confirmed()
        .filter(tutor_id__in=list(person_ids), date__gte=start, date__lte=end)
        .order_by()
        .values("tutor_id")
    )


class TutoringSessions:
    key = "tutoring-sessions"
    label = _("Peer tutoring sessions")
    counts_what = _("Tutoring sessions you gave, confirmed by the student.")

    def count(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> dict[int, int]:
        """For each tutor, his confirmed sessions dated between `start` and `end`; one query."""
        if not person_ids:
            return {}
        rows = _confirmed(person_ids, start, end).annotate(count=Count("pk"))
        return {row["tutor_id"]: row["count"] for row in rows}


class TutoringHours:
    key = "tutoring-hours"
    label = _("Peer tutoring hours")
    counts_what = _("Whole hours of tutoring sessions you gave, confirmed by the student.")

    def count(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> dict[int, int]:
        """For each tutor, the whole hours of his confirmed sessions between `start` and `end`."""
        if not person_ids:
            return {}
        rows = _confirmed(person_ids, start, end).annotate(minutes=Sum("minutes"))
        return {row["tutor_id"]: row["minutes"] // 60 for row in rows}


tutoring_sessions = TutoringSessions()
tutoring_hours = TutoringHours()
