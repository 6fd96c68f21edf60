"""What the study track counts of the dorms for stage 3 (做合格党员).

- `dorm_inspections`: inspections a member completed (re-inspections included), on the day
  they were done;
- `dorm_assistance`: assistance actions a member logged on a key dorm's plan and the plan's
  reviewer confirmed, on the day of the action. Unconfirmed actions never count.

These are practice sources as `study.practice` describes them; the study app registers them.
"""

import datetime
from collections.abc import Collection

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AssistanceAction, Inspection, InspectionStatus


class InspectionsCompleted:
    key = "dorm_inspections"
    label = _("Dorm inspections completed")
    counts_what = _("Dorm inspections you completed, on the day they were done.")

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        return (
            Inspection.objects.filter(
                status=InspectionStatus.DONE,
                inspector_id__any_of=list(person_ids),
                done_on__gte=start,
                done_on__lte=end,
            )
            .order_by()
            .values(for_person=F("inspector_id"))
            .annotate(number=Count("pk"))
        )


class AssistanceConfirmed:
    key = "dorm_assistance"
    label = _("Key-dorm assistance actions")
    counts_what = _(
        "Assistance actions you logged on a key dorm's plan, confirmed by its reviewer."
    )

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet:
        return (
            AssistanceAction.objects.filter(
                confirmed_at__isnull=False,
                member_id__any_of=list(person_ids),
                date__gte=start,
                date__lte=end,
            )
            .order_by()
            .values(for_person=F("member_id"))
            .annotate(number=Count("pk"))
        )


inspections_completed = InspectionsCompleted()
assistance_confirmed = AssistanceConfirmed()
