"""What the study track counts of the evaluations for stage 3 (做合格党员): the campaigns whose
results were published in which the member's grade (the committee's final grade, else the
computed one) is at least 合格, on the day voting closed.

A practice source as `study.practice` describes it; the study app registers it.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import PASSING_GRADES, Evaluatee, Status


class QualifiedGrades:
    key = "evaluation-qualified"
    label = _("Evaluation grades of at least Qualified")
    counts_what = _(
        "Evaluation campaigns, with results published, in which your grade is Qualified or "
        "Excellent (the branch's final grade when recorded)."
    )

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        passing = list(PASSING_GRADES)
        return (
            Evaluatee.objects.filter(
                Q(final_grade__in=passing) | Q(final_grade="", computed_grade__in=passing),
                person_id__any_of=list(person_ids),
                campaign__status=Status.PUBLISHED,
                campaign__closes_at__date__gte=start,
                campaign__closes_at__date__lte=end,
            )
            .order_by()
            .values(for_person=F("person_id"))
            .annotate(number=Count("pk"))
        )


qualified_grades = QualifiedGrades()
