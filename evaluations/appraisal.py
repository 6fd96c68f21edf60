"""The final appraisal grades on the members' development timelines (`members.timeline`)."""

from django.utils.translation import gettext as _

from members.timeline import TimelineStep

from .models import Evaluatee, Grade, Kind


def appraisal_steps(person) -> list[TimelineStep]:
    rows = (
        Evaluatee.objects.filter(person=person).exclude(final_grade="").select_related("campaign")
    )
    return [
        TimelineStep(
            date=row.final_on,
            label=_("%(kind)s: %(grade)s")
            % {"kind": Kind(row.campaign.kind).label, "grade": Grade(row.final_grade).label},
            detail=row.campaign.name,
        )
        for row in rows
        if row.final_on is not None
    ]
