"""What the study track counts of the suggestion board for stage 3 (做合格党员).

A person "handled" a suggestion when he gave its current official answer: each answered
suggestion counts once, for the person who answered it, on the day of that answer (in the
portal's time zone). Only an answer that stands counts: the suggestion is answered or closed
and not hidden by moderation. A suggestion reopened is owed a new answer and counts again for
whoever answers it; a declined or merged one never counts.

This is a practice source as `study.practice` describes it; the study app registers it.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Status, Suggestion

ANSWER_STANDS = (Status.ANSWERED, Status.CLOSED)


class SuggestionsAnswered:
    key = "suggestions"
    label = _("Suggestions answered")
    counts_what = _(
        "Suggestions you gave the official answer to, answered or closed and not hidden."
    )

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        """For each person, the suggestions he answered between `start` and `end` (inclusive);
        people with none are absent."""
        return (
            Suggestion.objects.shown()
            .filter(
                status__in=ANSWER_STANDS,
                answered_by_id__any_of=list(person_ids),
                answered_at__date__gte=start,
                answered_at__date__lte=end,
            )
            .order_by()
            .values(for_person=F("answered_by_id"))
            .annotate(number=Count("pk"))
        )


suggestions_answered = SuggestionsAnswered()
