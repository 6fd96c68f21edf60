"""What the study track counts of peer tutoring for stage 3 (做合格党员): the tutor's confirmed
sessions, as a number of sessions and as hours.

A session counts for the tutor who gave it (a later handover does not move it), on its date,
once the other side has confirmed it; unconfirmed sessions never count.

These are practice sources as `study.practice` describes them; the study app registers them.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from .models import Session


def _confirmed(person_ids: Collection[int], start: datetime.date, end: datetime.date):
    return (
        Session.objects.confirmed()
        .filter(tutor_id__any_of=list(person_ids), date__gte=start, date__lte=end)
        .order_by()
        .values(for_person=F("tutor_id"))
    )


class TutoringSessions:
    key = "tutoring-sessions"
    label = _("Peer tutoring sessions")
    counts_what = _("Tutoring sessions you gave, confirmed by the student.")

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        """For each tutor, his confirmed sessions dated between `start` and `end`."""
        return _confirmed(person_ids, start, end).annotate(number=Count("pk"))


class TutoringHours:
    key = "tutoring-hours"
    label = _("Peer tutoring hours")
    counts_what = _("Whole hours of tutoring sessions you gave, confirmed by the student.")

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        """For each tutor, the whole hours of his confirmed sessions between `start` and `end`."""
        return _confirmed(person_ids, start, end).annotate(number=Sum("minutes") / 60)


tutoring_sessions = TutoringSessions()
tutoring_hours = TutoringHours()
