"""The roster: people as a spreadsheet, exported for staff and imported from the college's lists.

The columns are the same both ways, so an exported file imports again. Headers are written in
the reader's language and read in Chinese or English.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields, resources, widgets

from .models import Gender, PoliticalStatus, User

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


def escape_formula(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made plain text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + value
    return value


def unescape_formula(value: str) -> str:
    """The reverse of `escape_formula`, so that an exported file imports unchanged."""
    if value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its label in the reader's language."""

    def __init__(self, choices: type[PoliticalStatus] | type[Gender]) -> None:
        super().__init__(coerce_to_string=True)
        self.choices = choices

    def render(self, value, obj=None, **kwargs) -> str:
        if not value:
            return ""
        return str(self.choices(value).label)


class BranchWidget(widgets.Widget):
    """A Party branch written as its name."""

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""


class GradeWidget(widgets.Widget):
    """The entry year: a number in a workbook, so that it sorts and filters as one."""

    def render(self, value, obj=None, **kwargs) -> int | str:
        return value if value is not None else ""


class RosterResource(resources.ModelResource):
    """People as rows of the roster, one column per profile field.

    Headers carry a context so that another package's catalogue (one translates "Name" as a
    task name) never supplies them.
    """

    student_number = fields.Field(
        attribute="student_number",
        column_name=pgettext_lazy("roster column", "Student number"),
        widget=widgets.CharWidget(),
    )
    name = fields.Field(
        attribute="name",
        column_name=pgettext_lazy("roster column", "Name"),
        widget=widgets.CharWidget(),
    )
    gender = fields.Field(
        attribute="gender",
        column_name=pgettext_lazy("roster column", "Gender"),
        widget=ChoiceLabelWidget(Gender),
    )
    college = fields.Field(
        attribute="college",
        column_name=pgettext_lazy("roster column", "College"),
        widget=widgets.CharWidget(),
    )
    major = fields.Field(
        attribute="major",
        column_name=pgettext_lazy("roster column", "Major"),
        widget=widgets.CharWidget(),
    )
    class_name = fields.Field(
        attribute="class_name",
        column_name=pgettext_lazy("roster column", "Class"),
        widget=widgets.CharWidget(),
    )
    grade = fields.Field(
        attribute="grade", column_name=pgettext_lazy("roster column", "Grade"), widget=GradeWidget()
    )
    political_status = fields.Field(
        attribute="political_status",
        column_name=pgettext_lazy("roster column", "Political status"),
        widget=ChoiceLabelWidget(PoliticalStatus),
    )
    branch = fields.Field(
        attribute="branch",
        column_name=pgettext_lazy("roster column", "Party branch"),
        widget=BranchWidget(),
    )
    phone = fields.Field(
        attribute="phone",
        column_name=pgettext_lazy("roster column", "Phone"),
        widget=widgets.CharWidget(),
    )
    email = fields.Field(
        attribute="email",
        column_name=pgettext_lazy("roster column", "E-mail"),
        widget=widgets.CharWidget(),
    )

    class Meta:
        model = User
        name = _("Roster")
        fields = [
            "student_number",
            "name",
            "gender",
            "college",
            "major",
            "class_name",
            "grade",
            "political_status",
            "branch",
            "phone",
            "email",
        ]
        import_id_fields = ["student_number"]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("branch")

    def export_field(self, field, instance, **kwargs):
        # The one place every export passes: the admin's and the staff directory's.
        return escape_formula(super().export_field(field, instance, **kwargs))
