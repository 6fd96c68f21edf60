"""Excel downloads: every cell formula-safe, the workbook sent as a dated attachment.

A spreadsheet runs a text cell that begins with "=" (or "+", "-", "@", a tab or a line break)
as a formula; every export of the portal writes such a cell as plain text (`escape_formula`),
whether it comes from an import-export resource (`FormulaSafeResource`) or is built row by row
(`formula_safe`).
"""

from collections.abc import Iterable

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from import_export import resources

from .spreadsheets import escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def formula_safe(values: Iterable[object]) -> list[object]:
    """A row of cells, each text cell that a spreadsheet would run made plain text."""
    return [escape_formula(value) for value in values]


class FormulaSafeResource(resources.ModelResource):
    """A model resource whose every exported cell is formula-safe, on a sheet named after its
    rows (tablib names a sheet without a title "Tablib Dataset")."""

    def export_field(self, field, instance, **kwargs):
        # The one place every export of a resource passes.
        return escape_formula(super().export_field(field, instance, **kwargs))

    def after_export(self, queryset, dataset, **kwargs) -> None:
        super().after_export(queryset, dataset, **kwargs)
        if not dataset.title:
            dataset.title = sheet_title(self._meta.model._meta.verbose_name_plural)


def sheet_title(title: object) -> str:
    """A sheet's name: Excel takes at most 31 characters."""
    return capfirst(str(title))[:31]


def xlsx_response(workbook: tablib.Dataset | bytes, name: str) -> HttpResponse:
    """A workbook (a dataset or its bytes) as the download `<name>-<today>.xlsx`."""
    if isinstance(workbook, tablib.Dataset):
        workbook = workbook.export("xlsx")
    response = HttpResponse(workbook, content_type=XLSX)
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
