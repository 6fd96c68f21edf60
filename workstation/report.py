"""The semester report as an Excel workbook: one sheet per part (panel), with its figures and
the tables behind them, every text cell formula-safe (`common.exports.formula_safe`)."""

import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.exports import formula_safe
from common.glance import Panel

# Characters Excel refuses in a sheet's name, and its longest name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


def _sheet_name(title: str, taken: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title).strip()[:SHEET_NAME_LENGTH] or "-"
    base, number = name, 2
    while name in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def _value(figure) -> object:
    if figure.value is None:
        return "—"
    return f"{figure.value}{figure.suffix}" if figure.suffix else figure.value


def workbook(panels: list[Panel], *, title: str) -> bytes:
    """The workbook's bytes: a sheet per panel, headed by `title` (the place and the period)."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    taken: set[str] = set()
    for panel in panels:
        sheet = book.create_sheet(_sheet_name(panel.title, taken))
        sheet.append(formula_safe([title]))
        sheet.append(formula_safe([panel.title]))
        sheet["A1"].font = sheet["A2"].font = bold
        if panel.computed_at is not None:
            computed_at = timezone.localtime(panel.computed_at).strftime("%Y-%m-%d %H:%M")
            sheet.append(formula_safe([_("Computed at"), computed_at]))
        sheet.append([])
        sheet.append(formula_safe([_("Figure"), _("Value")]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.cell(row=sheet.max_row, column=2).font = bold
        for figure in panel.figures:
            sheet.append(formula_safe([figure.label, _value(figure)]))
        for table in panel.tables:
            sheet.append([])
            sheet.append(formula_safe([table.title]))
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(formula_safe(table.headers))
            for column in range(1, len(table.headers) + 1):
                sheet.cell(row=sheet.max_row, column=column).font = bold
            for row in table.rows:
                sheet.append(formula_safe(row))
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 18
    if not panels:
        book.create_sheet(_sheet_name(title, taken)).append(formula_safe([title]))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
