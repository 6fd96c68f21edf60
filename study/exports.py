"""Excel exports of the study track for staff: the log's entries and each participant's progress.

Every row goes through the shared formula escaping (`common.exports.formula_safe`), so a note
that begins with "=" stays text in a spreadsheet.
"""

from collections.abc import Iterable

import tablib
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.exports import formula_safe
from common.names import join_clauses

from .models import Stage, StudyEntry
from .progress import EnrollmentProgress


def entries_dataset(entries: QuerySet[StudyEntry]) -> tablib.Dataset:
    """One row per entry, its author and its review."""
    dataset = tablib.Dataset(
        headers=[
            pgettext("profile", "Number"),
            pgettext("profile", "Name"),
            _("Party branch"),
            _("Date"),
            _("Stage"),
            _("Kind"),
            pgettext("study", "Hours"),
            _("Material"),
            _("Notes"),
            _("Status"),
            _("Reviewed by"),
            _("Reviewer's comment"),
        ],
        title=_("Study entries")[:31],
    )
    for entry in entries.select_related("person__branch", "reviewed_by"):
        person = entry.person
        dataset.append(
            formula_safe(
                [
                    person.number,
                    person.display_name,
                    person.branch.name if person.branch else "",
                    entry.date.isoformat(),
                    entry.get_stage_display(),
                    entry.get_kind_display(),
                    float(entry.hours),
                    entry.material,
                    entry.notes,
                    entry.get_status_display(),
                    entry.reviewed_by.display_name if entry.reviewed_by else "",
                    entry.review_comment,
                ]
            )
        )
    return dataset


def progress_dataset(rows: Iterable[EnrollmentProgress]) -> tablib.Dataset:
    """One row per participant: his stage, each stage's progress, overall and the schedule."""
    # Each stage by its short name (Stage 1, 第一阶段), as the overview's columns name them.
    stage_names = {1: _("Stage 1"), 2: _("Stage 2"), 3: _("Stage 3")}
    stage_headers = [
        _("%(stage)s progress (%%)") % {"stage": stage_names[number]} for number in Stage.values
    ]
    dataset = tablib.Dataset(
        headers=[
            pgettext("profile", "Number"),
            pgettext("profile", "Name"),
            _("Party branch"),
            _("Current stage"),
            *stage_headers,
            _("Overall (%)"),
            _("Time elapsed (%)"),
            _("Behind schedule"),
            _("Still missing"),
        ],
        title=_("Progress")[:31],
    )
    for item in rows:
        person = item.enrollment.person
        current = _("Completed") if item.completed else item.enrollment.get_stage_display()
        missing = (
            ""
            if item.completed
            else join_clauses(
                requirement.missing
                for requirement in item.current.requirements
                if not requirement.met
            )
        )
        dataset.append(
            formula_safe(
                [
                    person.number,
                    person.display_name,
                    person.branch.name if person.branch else "",
                    current,
                    *[100 if stage.signed_off else stage.percent for stage in item.stages],
                    item.overall_percent,
                    item.elapsed_percent,
                    _("Yes") if item.behind else _("No"),
                    missing,
                ]
            )
        )
    return dataset
