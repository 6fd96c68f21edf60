"""The reading list as a spreadsheet: imported in the admin from the college's lists.

A row is a reading: title, source, stage (1, 2, 3, 第一阶段 or the stage's name in either
language) and link. Headers are read in Chinese or English; a title row above the header is
skipped. Readings are matched by title, so a list imported again updates them in place. As the
roster, an import is all or nothing, every bad row reported with its spreadsheet row number.
"""

import csv
import io
from collections.abc import Iterable, Sequence

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields, resources, widgets
from import_export.results import Result

from members.resources import (
    HEADER_SEARCH_ROWS,
    ROW_COLUMN,
    ChoiceLabelWidget,
    RosterCSV,
    RosterDiff,
    RosterFileError,
    RosterResult,
    RosterXLSX,
    _cell_text,
    _key,
    escape_formula,
)

from .models import Reading, Registration, Stage

MAX_ROWS = 2000

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("标题", "题目", "篇目", "名称", "书名", "title", "name"),
    "source": ("来源", "出处", "文献", "source", "from"),
    "stage": ("阶段", "学习阶段", "stage"),
    "url": ("链接", "网址", "网页", "地址", "link", "url", "address"),
}

# How reading lists name the stages, besides 1, 2, 3 and the stages' labels.
STAGE_ALIASES = {
    "1": Stage.THEORY,
    "2": Stage.SPEECHES,
    "3": Stage.PRACTICE,
    "第一阶段": Stage.THEORY,
    "第二阶段": Stage.SPEECHES,
    "第三阶段": Stage.PRACTICE,
    "一": Stage.THEORY,
    "二": Stage.SPEECHES,
    "三": Stage.PRACTICE,
    "学党章党规": Stage.THEORY,
    "学系列讲话": Stage.SPEECHES,
    "做合格党员": Stage.PRACTICE,
    "stage1": Stage.THEORY,
    "stage2": Stage.SPEECHES,
    "stage3": Stage.PRACTICE,
}


class ReadingsFileError(RosterFileError):
    """The file as a whole cannot be imported (unreadable, no header row, too many rows)."""


def _header_fields() -> dict[str, str]:
    headers = {}
    for field_name, aliases in HEADER_ALIASES.items():
        column = ReadingResource.fields[field_name].column_name
        for alias in (*aliases, field_name, column):
            headers[_key(alias)] = field_name
    return headers


def readings_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    """The list's rows under the resource's headers, each with the spreadsheet row it came from."""
    known = _header_fields()
    positions: dict[str, int] | None = None
    dataset = tablib.Dataset()
    for line, values in enumerate(rows, 1):
        if positions is None:
            found = {known.get(_key(value)): index for index, value in enumerate(values)}
            found.pop(None, None)
            if "title" in found and len(found) >= 2:
                positions = found
                dataset.headers = [
                    str(ReadingResource.fields[name].column_name) for name in positions
                ] + [ROW_COLUMN]
            elif line >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = [_cell_text(values[i]) if i < len(values) else "" for i in positions.values()]
        if not any(cells):
            continue
        if len(dataset) >= MAX_ROWS:
            raise ReadingsFileError(
                _("The file has more than %(limit)s rows; import at most %(limit)s at a time.")
                % {"limit": MAX_ROWS}
            )
        dataset.append([*cells, line])
    if positions is None:
        raise ReadingsFileError(
            _(
                "No header row found: the first row must name the columns, e.g. "
                "标题, 来源, 阶段, 链接 or Title, Source, Stage, Link."
            )
        )
    return dataset


class ReadingsCSV(RosterCSV):
    """CSV as Excel saves it (UTF-8, with or without a byte-order mark, or GBK)."""

    def create_dataset(self, in_stream: bytes | str, **kwargs) -> tablib.Dataset:
        text = in_stream.removeprefix("\ufeff") if isinstance(in_stream, str) else None
        if text is None:
            text = self._decode(in_stream)
        first_line = text.split("\n", 1)[0]
        delimiter = "," if "," in first_line else "\t" if "\t" in first_line else ","
        try:
            return readings_dataset(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise ReadingsFileError(
                _("This file could not be read as CSV: %(error)s.") % {"error": error}
            ) from error


class ReadingsXLSX(RosterXLSX):
    """An Excel workbook: the first sheet."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:
            raise ReadingsFileError(
                _("This file could not be read as an Excel workbook (.xlsx).")
            ) from error
        try:
            return readings_dataset(book.active.iter_rows(values_only=True))
        finally:
            book.close()


READINGS_FORMATS = [ReadingsXLSX, ReadingsCSV]


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        return _cell_text(value)


class ReadingResource(resources.ModelResource):
    """Readings as rows: title, source, stage and link."""

    title = fields.Field(
        attribute="title",
        column_name=pgettext_lazy("readings column", "Title"),
        widget=TextWidget(),
    )
    source = fields.Field(
        attribute="source",
        column_name=pgettext_lazy("readings column", "Source"),
        widget=TextWidget(),
    )
    stage = fields.Field(
        attribute="stage",
        column_name=pgettext_lazy("readings column", "Stage"),
        widget=ChoiceLabelWidget(
            Stage,
            STAGE_ALIASES,
            unknown=gettext_lazy(
                "Unknown stage “%(value)s”: use 1, 2 or 3, or one of %(choices)s."
            ),
        ),
    )
    url = fields.Field(
        attribute="url",
        column_name=pgettext_lazy("readings column", "Link"),
        widget=TextWidget(),
    )

    class Meta:
        model = Reading
        name = gettext_lazy("Reading list")
        fields = ["title", "source", "stage", "url"]
        import_id_fields = ["title"]
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def get_result_class(cls) -> type[Result]:
        return RosterResult

    @classmethod
    def get_diff_class(cls) -> type[resources.Diff]:
        return RosterDiff

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import all rows or none: one invalid row rolls the whole file back."""
        if ROW_COLUMN not in (dataset.headers or []):
            try:
                dataset = readings_dataset([dataset.headers or [], *dataset])
            except ReadingsFileError as error:
                result = self.get_result_class()()
                result.append_base_error(self.get_error_result_class()(error))
                return result
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        self.titles: dict[str, int] = {}
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, ValidationError] = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValidationError as error:
                errors[field.attribute] = error
        row_number = row.get(ROW_COLUMN)
        if not instance.title:
            errors["title"] = ValidationError(_("Enter the title."))
        elif (first := self.titles.setdefault(instance.title, row_number)) != row_number:
            errors["title"] = ValidationError(
                _("This title is also in row %(row)s.") % {"row": first}
            )
        if not instance.stage and "stage" not in errors:
            errors["stage"] = ValidationError(_("Enter the stage: 1, 2 or 3."))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=list(errors), validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            labels = {name: str(field.column_name) for name, field in self.fields.items()}
            raise ValidationError({labels.get(name, name): value for name, value in errors.items()})

    def after_import(self, dataset, result, **kwargs) -> None:
        # The ids are the database's own; ModelResource's sequence reset is not wanted.
        pass


# --- the attendance sheet --------------------------------------------------------------------


class RegistrationResource(resources.ModelResource):
    """Registrations as an attendance sheet, exported from the admin (filtered as shown)."""

    activity = fields.Field(
        attribute="activity__title", column_name=pgettext_lazy("attendance column", "Activity")
    )
    starts_at = fields.Field(
        attribute="activity__starts_at",
        column_name=pgettext_lazy("attendance column", "Starts at"),
        widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M"),
    )
    student_number = fields.Field(
        attribute="person__student_number",
        column_name=pgettext_lazy("attendance column", "Student number"),
    )
    name = fields.Field(
        attribute="person__name", column_name=pgettext_lazy("attendance column", "Name")
    )
    branch = fields.Field(
        attribute="person__branch__name",
        column_name=pgettext_lazy("attendance column", "Party branch"),
    )
    status = fields.Field(column_name=pgettext_lazy("attendance column", "Status"))
    registered_at = fields.Field(
        attribute="registered_at",
        column_name=pgettext_lazy("attendance column", "Signed up at"),
        widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M"),
    )
    attended_at = fields.Field(
        attribute="attended_at",
        column_name=pgettext_lazy("attendance column", "Attended at"),
        widget=widgets.DateTimeWidget("%Y-%m-%d %H:%M"),
    )

    class Meta:
        model = Registration
        fields = [
            "activity",
            "starts_at",
            "student_number",
            "name",
            "branch",
            "status",
            "registered_at",
            "attended_at",
        ]
        export_order = fields

    def dehydrate_status(self, registration: Registration) -> str:
        return str(registration.get_status_display())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("activity", "person__branch")

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))
