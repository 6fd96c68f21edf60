"""A campaign's results as an Excel workbook for staff: one row per member, formula-safe, and
nothing of any evaluator (only how many ballots there were). A member whose results the reader
does not see (his own before publication) has his row with the results left blank."""

import tablib
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.exports import formula_safe

from .models import Campaign, Evaluatee, Grade


def _grade(value: str) -> str:
    return str(Grade(value).label) if value else ""


def export_results(campaign: Campaign, rows: QuerySet[Evaluatee]) -> bytes:
    """The workbook of `rows`, the campaign's members as `access.evaluatees_visible_to` gives
    them to the reader."""
    questions = list(campaign.questions.all())
    dataset = tablib.Dataset(
        headers=formula_safe(
            [
                pgettext("evaluation export", "Name"),
                _("Student number"),
                _("Branch"),
                _("Ballots"),
                *[question.label for question in questions],
                _("Overall average"),
                _("Computed grade"),
                _("Final grade"),
                _("Reason"),
                _("Self-evaluation given"),
            ]
        ),
        title=campaign.name[:31] or _("Results"),
    )
    rows = rows.select_related("person", "branch").order_by("branch__name", "person__name", "pk")
    selves = set(campaign.evaluatees.filter(ballot_set__is_self=True).values_list("pk", flat=True))
    for row in rows.iterator(chunk_size=1000):
        dataset.append(
            formula_safe(
                [
                    row.person.display_name,
                    row.person.student_number or "",
                    row.branch.name if row.branch else "",
                    *_results(row, questions),
                    _("Yes") if row.pk in selves else _("No"),
                ]
            )
        )
    return dataset.export("xlsx")


def _results(row: Evaluatee, questions: list) -> list[object]:
    """The row's results, or as many blank cells when the reader does not see them."""
    cells = [
        row.ballots,
        *[row.averages.get(str(question.pk), "") for question in questions],
        str(row.average) if row.average is not None else "",
        _grade(row.computed_grade),
        _grade(row.final_grade),
        row.final_reason,
    ]
    return cells if row.result_shown else [""] * len(cells)
