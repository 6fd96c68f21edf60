"""The reading list as a spreadsheet: imported in the admin from the college's lists.

A row is a reading: title, source, stage (1, 2, 3, 第一阶段 or the stage's name in either
language) and link. Headers are read in Chinese or English; a title row above the header is
skipped. Readings are matched by title, so a list imported again updates them in place. As the
roster, an import is all or nothing, every bad row reported with its spreadsheet row number.
"""

from collections.abc import Iterable, Sequence

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields, widgets

from common.exports import FormulaSafeResource
from common.spreadsheet_resources import ChoiceLabelWidget, SpreadsheetResource, TextWidget
from common.spreadsheets import read_table, spreadsheet_formats

from .models import Reading, Registration, Stage

MAX_ROWS = 2000

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("标题", "题目", "篇目", "名称", "书名", "title", "name"),
    "source": ("来源", "出处", "文献", "source", "from"),
    "stage": ("阶段", "学习阶段", "stage"),
    "url": ("链接", "网址", "网页", "地址", "link", "url", "address"),
    "text": ("正文", "原文", "内容", "全文", "text", "content"),
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


def readings_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    """The list's rows under the resource's headers, each with the spreadsheet row it came from."""
    return read_table(
        rows,
        columns={name: ReadingResource.fields[name].column_name for name in HEADER_ALIASES},
        aliases=HEADER_ALIASES,
        key="title",
        max_rows=MAX_ROWS,
        no_header=_(
            "No header row found: the first row must name the columns, e.g. "
            "标题, 来源, 阶段, 链接, 正文 or Title, Source, Stage, Link, Text."
        ),
    )


READINGS_FORMATS = spreadsheet_formats("Readings", readings_dataset)
ReadingsXLSX, ReadingsCSV, ReadingsXLS = READINGS_FORMATS


class ReadingResource(SpreadsheetResource):
    """Readings as rows: title, source, stage, link and text."""

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

    text = fields.Field(
        attribute="text",
        column_name=pgettext_lazy("readings column", "Text"),
        widget=TextWidget(),
    )

    class Meta:
        model = Reading
        name = gettext_lazy("Reading list")
        fields = ["title", "source", "stage", "url", "text"]
        import_id_fields = ["title"]
        skip_unchanged = True
        report_skipped = True

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        return readings_dataset(rows)

    def before_import(self, dataset, **kwargs) -> None:
        self.titles: dict[str, int] = {}

    def check_row(self, instance: Reading, row_number: int | None, errors: dict) -> None:
        """A reading needs a title, once in the file, and a stage."""
        if not instance.title:
            errors["title"] = ValidationError(_("Enter the title."))
        elif (first := self.titles.setdefault(instance.title, row_number)) != row_number:
            errors["title"] = ValidationError(
                _("This title is also in row %(row)s.") % {"row": first}
            )
        if not instance.stage and "stage" not in errors:
            errors["stage"] = ValidationError(_("Enter the stage: 1, 2 or 3."))
        if "url" not in errors:
            try:
                # The model's rule: something to read (a PDF is added in the admin).
                instance.validate_constraints()
            except ValidationError as error:
                errors["url"] = ValidationError(error.messages)


# --- the attendance sheet --------------------------------------------------------------------


class RegistrationResource(FormulaSafeResource):
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
