"""The final appraisal grades on the members' development timelines (`members.timeline`), once
published."""

from django.utils.translation import gettext as _

from members.timeline import TimelineStep

from . import access
from .models import Grade, Kind


def appraisal_steps(person) -> list[TimelineStep]:
    """His final grades, once published: the timeline is read by him as well as by those who
    record the grades, and the provider is not told who reads it."""
    rows = access.own_results_of(person).exclude(final_grade="").select_related("campaign")
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
