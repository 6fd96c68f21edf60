"""What the study track counts of the evaluations for stage 3 (做合格党员): the campaigns whose
results were published in which the member's grade (the committee's final grade, else the
computed one) is at least 合格, on the day voting closed.

A practice source as `study.practice` describes it; the study app registers it.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import PASSING_GRADES, Evaluatee, Status


class QualifiedGrades:
    key = "evaluation-qualified"
    label = _("Evaluation grades of at least Qualified")
    counts_what = _(
        "Evaluation campaigns, with results published, in which your grade is Qualified or "
        "Excellent (the branch's final grade when recorded)."
    )

    def count(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> dict[int, int]:
        if not person_ids:
            return {}
        passing = list(PASSING_GRADES)
        rows = (
            Evaluatee.objects.filter(
                Q(final_grade__in=passing) | Q(final_grade="", computed_grade__in=passing),
                person_id__in=list(person_ids),
                campaign__status=Status.PUBLISHED,
                campaign__closes_at__date__gte=start,
                campaign__closes_at__date__lte=end,
            )
            .order_by()
            .values("person_id")
            .annotate(count=Count("pk"))
        )
        return {row["person_id"]: row["count"] for row in rows}


qualified_grades = QualifiedGrades()
