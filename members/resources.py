"""The roster: people as a spreadsheet, exported for staff and imported from the college's lists.

The columns are the same both ways, so an exported file imports again. Headers are written in
the reader's language and read in Chinese or English. An import is all or nothing: every bad
row is reported with the row number the spreadsheet shows, and nothing is saved until the
whole file is valid.
"""

import copy
import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import tablib
from allauth.account.models import EmailAddress
from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Result
from simple_history.utils import bulk_create_with_history

from .models import Branch, Gender, Milestone, PoliticalStatus, User
from .validators import normalize_phone, parse_grade, validate_mobile

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). A line
# feed is escaped too: a workbook stores a carriage return as one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_ESCAPE = "'"

# The dataset column that remembers which spreadsheet row each row came from.
ROW_COLUMN = "__row__"
# A title such as "2023级学生名单" may sit above the header row; it is looked for this far down.
HEADER_SEARCH_ROWS = 10
# Rows per query when looking people up, well under PostgreSQL's limit of parameters.
LOOKUP_CHUNK = 5000
BATCH_SIZE = 1000


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


# --- reading a file ------------------------------------------------------------------------------


class RosterFileError(ValueError):
    """The file as a whole cannot be imported (too big, unreadable, no header row)."""


def _key(text: object) -> str:
    """A header or a value as compared: without spaces, underscores, dashes or case."""
    return re.sub(r"[\s_\-.:\uff1a*]+", "", str(text if text is not None else "")).lower()


# Headers as Chinese and English rosters write them. The header of the reader's own language
# is accepted too, whatever its translation (see `_header_fields`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": ("学号", "学生学号", "student number", "student no", "student id"),
    "name": ("姓名", "名字", "学生姓名", "name", "full name", "student name"),
    "gender": ("性别", "gender", "sex"),
    "college": ("学院", "所在学院", "院系", "college", "school", "faculty"),
    "major": ("专业", "所学专业", "major", "speciality", "specialty"),
    "class_name": ("班级", "行政班", "class", "class name"),
    "grade": ("年级", "入学年份", "grade", "year", "entry year", "cohort"),
    "political_status": ("政治面貌", "political status", "politics status", "status"),
    "branch": ("党支部", "所在党支部", "所属党支部", "支部", "party branch", "branch"),
    "phone": (
        "手机号",
        "手机",
        "手机号码",
        "联系电话",
        "电话",
        "phone",
        "mobile",
        "mobile phone",
        "phone number",
        "cellphone",
        "tel",
    ),
    "email": ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "email address", "mail"),
}


def check_roster_size(size: int) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if size > settings.ROSTER_MAX_BYTES:
        raise RosterFileError(
            _("The file is %(size)s; a roster may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.ROSTER_MAX_BYTES)}
        )


def _header_fields() -> dict[str, str]:
    """Every accepted header, as compared, and the field it names."""
    headers = {}
    for field_name, aliases in HEADER_ALIASES.items():
        column = RosterResource.fields[field_name].column_name
        for alias in (*aliases, field_name, column):
            headers[_key(alias)] = field_name
    return headers


def _map_columns(header: Sequence[object]) -> dict[str, int]:
    """The position of each roster field in the header row; other columns are ignored."""
    known = _header_fields()
    positions: dict[str, int] = {}
    for position, text in enumerate(header):
        field_name = known.get(_key(text))
        if field_name is None:
            continue
        if field_name in positions:
            raise RosterFileError(
                _("The columns “%(first)s” and “%(second)s” both hold the %(column)s.")
                % {
                    "first": header[positions[field_name]],
                    "second": text,
                    "column": RosterResource.fields[field_name].column_name,
                }
            )
        positions[field_name] = position
    return positions


def _is_header(values: Sequence[object]) -> bool:
    known = _header_fields()
    names = {known.get(_key(value)) for value in values} - {None}
    return "student_number" in names and len(names) >= 2


def _cell_text(value: object) -> str:
    """A cell as text: spreadsheet numbers without ".0", unescaped, trimmed.

    Surrounding whitespace goes, tabs and line breaks included, as Django's form fields trim
    it: so a cell exported as "'\tx" comes back as "x".
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return unescape_formula(str(value).strip()).strip()


def roster_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    """The roster's rows under its own headers, each with the spreadsheet row it came from.

    Blank rows are dropped; the row numbers still match the spreadsheet. More rows than
    `ROSTER_MAX_ROWS` are refused before any row is imported.
    """
    limit = settings.ROSTER_MAX_ROWS
    positions: dict[str, int] | None = None
    dataset = tablib.Dataset()
    for line, values in enumerate(rows, 1):
        if positions is None:
            if _is_header(values):
                positions = _map_columns(values)
                dataset.headers = [
                    str(RosterResource.fields[name].column_name) for name in positions
                ] + [ROW_COLUMN]
            elif line >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = [_cell_text(values[i]) if i < len(values) else "" for i in positions.values()]
        if not any(cells):
            continue
        if len(dataset) >= limit:
            raise RosterFileError(
                _("The file has more than %(limit)s rows; import at most %(limit)s at a time.")
                % {"limit": limit}
            )
        dataset.append([*cells, line])
    if positions is None:
        raise RosterFileError(
            _(
                "No header row found: the first row must name the columns, e.g. "
                "学号, 姓名, 邮箱 or Student number, Name, E-mail."
            )
        )
    return dataset


class RosterCSV(base_formats.CSV):
    """CSV as Excel saves it: UTF-8 with or without a byte-order mark, or GBK (GB18030).

    Declared binary so that the bytes reach `create_dataset`, which finds the encoding.
    """

    ENCODINGS = ("utf-8-sig", "gb18030")

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs) -> tablib.Dataset:
        if isinstance(in_stream, str):
            text = in_stream.removeprefix("\ufeff")
        else:
            check_roster_size(len(in_stream))
            text = self._decode(in_stream)
        first_line = text.split("\n", 1)[0]
        delimiter = ","
        if "," not in first_line:
            delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
        try:
            return roster_dataset(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise RosterFileError(
                _("This file could not be read as CSV: %(error)s.") % {"error": error}
            ) from error

    def _decode(self, data: bytes) -> str:
        for encoding in self.ENCODINGS:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise RosterFileError(_("This file could not be read as text in UTF-8 or GBK."))

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        # Excel shows a UTF-8 CSV's Chinese correctly only after a byte-order mark.
        return "\ufeff" + super().export_data(dataset, **kwargs)


class RosterXLSX(base_formats.XLSX):
    """An Excel workbook: the first sheet, read row by row."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        import openpyxl

        check_roster_size(len(in_stream))
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:
            raise RosterFileError(
                _("This file could not be read as an Excel workbook (.xlsx).")
            ) from error
        try:
            return roster_dataset(book.active.iter_rows(values_only=True))
        finally:
            book.close()


ROSTER_FORMATS = [RosterXLSX, RosterCSV]


# --- columns -----------------------------------------------------------------------------------


def _invalid(message: str, **params: object) -> ValidationError:
    return ValidationError(message % params if params else message)


class TextWidget(widgets.CharWidget):
    """Plain text; a blank cell clears the value."""

    def clean(self, value, row=None, **kwargs) -> str:
        return _cell_text(value)


class NumberWidget(widgets.CharWidget):
    """A student number: text, even when a workbook stores it as a number."""

    def clean(self, value, row=None, **kwargs) -> str | None:
        return _cell_text(value) or None


class EmailWidget(widgets.CharWidget):
    """An e-mail address, compared and kept in lower case; a blank cell keeps the address."""

    def clean(self, value, row=None, **kwargs) -> str | None:
        return _cell_text(value).lower() or None


class PhoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        phone = normalize_phone(_cell_text(value))
        validate_mobile(phone)
        return phone


class GradeWidget(widgets.Widget):
    """The entry year: a number in a workbook, so that it sorts and filters as one."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        return parse_grade(_cell_text(value))

    def render(self, value, obj=None, **kwargs) -> int | str:
        return value if value is not None else ""


# The Chinese words rosters use, whatever the catalogues say; the labels of both languages and
# the codes are accepted too (see `ChoiceLabelWidget.lookup`).
POLITICAL_STATUS_ALIASES = {
    "群众": PoliticalStatus.MASSES,
    "共青团员": PoliticalStatus.LEAGUE,
    "团员": PoliticalStatus.LEAGUE,
    "中国共产主义青年团团员": PoliticalStatus.LEAGUE,
    "入党申请人": PoliticalStatus.APPLICANT,
    "入党积极分子": PoliticalStatus.ACTIVIST,
    "积极分子": PoliticalStatus.ACTIVIST,
    "发展对象": PoliticalStatus.CANDIDATE,
    "预备党员": PoliticalStatus.PROBATIONARY,
    "中共预备党员": PoliticalStatus.PROBATIONARY,
    "正式党员": PoliticalStatus.FULL,
    "中共党员": PoliticalStatus.FULL,
}
GENDER_ALIASES = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}


@cache
def _choice_lookup(choices: type, aliases: tuple) -> dict[str, str]:
    lookup = {_key(alias): code for alias, code in aliases}
    for code, label in choices.choices:
        lookup[_key(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup[_key(label)] = code
    return lookup


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its label in the reader's language, read in any of the languages."""

    def __init__(self, choices: type, aliases: dict[str, str], unknown: str) -> None:
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self.aliases = tuple(aliases.items())
        self.unknown = unknown

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = _cell_text(value)
        if not text:
            return None
        try:
            return _choice_lookup(self.choices, self.aliases)[_key(text)]
        except KeyError:
            choices = ", ".join(str(label) for label in self.choices.labels)
            raise _invalid(str(self.unknown), value=text, choices=choices) from None

    def render(self, value, obj=None, **kwargs) -> str:
        if not value:
            return ""
        return str(self.choices(value).label)


class BranchWidget(widgets.Widget):
    """A Party branch written as its name; the branches are looked up once per import."""

    branches: dict[str, Branch] | None = None

    def clean(self, value, row=None, **kwargs) -> Branch | None:
        name = _cell_text(value)
        if not name:
            return None
        if self.branches is None:
            self.branches = {branch.name: branch for branch in Branch.objects.all()}
        branch = self.branches.get(name)
        if branch is None:
            raise _invalid(_("There is no Party branch named “%(name)s”."), name=name)
        return branch

    def render(self, value, obj=None, **kwargs) -> str:
        return value.name if value is not None else ""


# --- results -----------------------------------------------------------------------------------


class RosterDiff(resources.Diff):
    """The preview's changes as plain <ins> and <del>: import-export's stylesheet colours them,
    and the inline styles it would add are refused by the portal's Content Security Policy."""

    TAGS = {
        diff_match_patch.DIFF_INSERT: "<ins>{}</ins>",
        diff_match_patch.DIFF_DELETE: "<del>{}</del>",
        diff_match_patch.DIFF_EQUAL: "<span>{}</span>",
    }

    def as_html(self) -> list[str]:
        differ = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diff = differ.diff_main(force_str(before), force_str(after))
            differ.diff_cleanupSemantic(diff)
            cells.append(
                mark_safe(  # noqa: S308 - every piece of text is escaped
                    "".join(self.TAGS[op].format(escape(text)) for op, text in diff if text)
                )
            )
        return cells


class RosterResult(Result):
    """An import's result, its rows numbered as the spreadsheet shows them (the header is 1)."""

    @staticmethod
    def _row_number(number: int, row: dict) -> int:
        # import-export counts data rows from 1; without a remembered row, the header is row 1.
        return row.get(ROW_COLUMN) or number + 1

    def append_invalid_row(self, number, row, validation_error) -> None:
        super().append_invalid_row(self._row_number(number, row), row, validation_error)

    def append_error_row(self, number, row, errors) -> None:
        super().append_error_row(self._row_number(number, row), row, errors)

    def row_errors(self) -> list:
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]


# --- the resource ------------------------------------------------------------------------------


class RosterResource(resources.ModelResource):
    """People as rows of the roster, one column per profile field, matched by student number.

    Headers carry a context so that another package's catalogue (one translates "Name" as a
    task name) never supplies them.
    """

    student_number = fields.Field(
        attribute="student_number",
        column_name=pgettext_lazy("roster column", "Student number"),
        widget=NumberWidget(),
    )
    name = fields.Field(
        attribute="name", column_name=pgettext_lazy("roster column", "Name"), widget=TextWidget()
    )
    gender = fields.Field(
        attribute="gender",
        column_name=pgettext_lazy("roster column", "Gender"),
        widget=ChoiceLabelWidget(
            Gender,
            GENDER_ALIASES,
            unknown=gettext_lazy("Unknown gender “%(value)s”: use one of %(choices)s."),
        ),
        default="",
    )
    college = fields.Field(
        attribute="college",
        column_name=pgettext_lazy("roster column", "College"),
        widget=TextWidget(),
    )
    major = fields.Field(
        attribute="major", column_name=pgettext_lazy("roster column", "Major"), widget=TextWidget()
    )
    class_name = fields.Field(
        attribute="class_name",
        column_name=pgettext_lazy("roster column", "Class"),
        widget=TextWidget(),
    )
    grade = fields.Field(
        attribute="grade", column_name=pgettext_lazy("roster column", "Grade"), widget=GradeWidget()
    )
    political_status = fields.Field(
        attribute="political_status",
        column_name=pgettext_lazy("roster column", "Political status"),
        widget=ChoiceLabelWidget(
            PoliticalStatus,
            POLITICAL_STATUS_ALIASES,
            unknown=gettext_lazy("Unknown political status “%(value)s”: use one of %(choices)s."),
        ),
        # A blank cell keeps the status (a new person starts as one of the masses).
        saves_null_values=False,
    )
    branch = fields.Field(
        attribute="branch",
        column_name=pgettext_lazy("roster column", "Party branch"),
        widget=BranchWidget(),
    )
    phone = fields.Field(
        attribute="phone", column_name=pgettext_lazy("roster column", "Phone"), widget=PhoneWidget()
    )
    email = fields.Field(
        attribute="email",
        column_name=pgettext_lazy("roster column", "E-mail"),
        widget=EmailWidget(),
        # A blank cell keeps the address of a person already known.
        saves_null_values=False,
    )

    class Meta:
        model = User
        name = gettext_lazy("Roster")
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
        # Every row is validated before anything is written, so the rows are saved in batches
        # (with their history) rather than one by one.
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_unchanged = True
        report_skipped = True

    # Foreign keys the model's `full_clean` would look up row by row; the import checks them
    # against what it loaded once. The password is the import's own unusable one.
    NOT_MODEL_CLEANED = ("branch", "group", "password")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._forget()

    def _forget(self) -> None:
        """Start an import with nothing remembered from another one."""
        self.fields["branch"].widget.branches = None
        self.user: User | None = None
        self.people: dict[str, User] = {}
        self.handed_out: set[str] = set()
        self.people_with_timeline: set[int] = set()
        # The roster's fields of each person already known, as loaded: to see what changed.
        self.original: dict[int, dict[str, object]] = {}
        self.email_owners: dict[str, tuple[int, str]] = {}
        self.rows_by_number: dict[str, int] = {}
        self.rows_by_email: dict[str, int] = {}
        self.changed_emails: dict[int, str] = {}

    @classmethod
    def get_result_class(cls) -> type[Result]:
        return RosterResult

    @classmethod
    def get_diff_class(cls) -> type[resources.Diff]:
        return RosterDiff

    # export ---------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("branch")

    def export_field(self, field, instance, **kwargs):
        # The one place every export passes: the admin's and the staff directory's.
        return escape_formula(super().export_field(field, instance, **kwargs))

    # import ---------------------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import all rows or none: one invalid row rolls the whole file back."""
        if ROW_COLUMN not in (dataset.headers or []):
            # A dataset made in code rather than read by one of the roster's formats.
            try:
                dataset = roster_dataset([dataset.headers or [], *dataset])
            except RosterFileError as error:
                result = self.get_result_class()()
                result.append_base_error(self.get_error_result_class()(error))
                return result
        # Headers in the language of this import, resolved once rather than per cell.
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset, **kwargs) -> None:
        """Load once what the rows are checked against: the people, their e-mail addresses."""
        self._forget()
        self.user = kwargs.get("user")
        columns = set(dataset.headers)
        number_column = self.fields["student_number"].column_name
        numbers = [number for number in dataset[number_column] if number]
        for chunk in _chunks(numbers):
            for person in (
                User.objects.filter(student_number__in=chunk)
                .select_related("branch")
                .annotate(has_timeline=Exists(Milestone.objects.filter(person=OuterRef("pk"))))
            ):
                self.people[person.student_number] = person
                self.original[person.pk] = {name: getattr(person, name) for name in ROSTER_ATTNAMES}
                if person.has_timeline:
                    self.people_with_timeline.add(person.pk)
        email_column = self.fields["email"].column_name
        emails = (
            [email.lower() for email in dataset[email_column] if email]
            if (email_column in columns)
            else []
        )
        for chunk in _chunks(emails):
            for email, pk, number in (
                User.objects.annotate(lower_email=Lower("email"))
                .filter(lower_email__in=chunk)
                .values_list("lower_email", "pk", "student_number")
            ):
                self.email_owners[email] = (pk, number or "")
            for email, pk, number in (
                EmailAddress.objects.annotate(lower_email=Lower("email"))
                .filter(lower_email__in=chunk)
                .values_list("lower_email", "user_id", "user__student_number")
            ):
                self.email_owners.setdefault(email, (pk, number or ""))

    def get_instance(self, instance_loader, row) -> User | None:
        number = _cell_text(row.get(self.fields["student_number"].column_name))
        person = self.people.get(number)
        if person is None:
            return None
        if number in self.handed_out:
            # The number repeats in the file: that row is refused, and must not touch the first.
            return copy.deepcopy(person)
        self.handed_out.add(number)
        return person

    def init_instance(self, row=None) -> User:
        person = User()
        # The person claims the account with a sign-in code or a password reset.
        person.set_unusable_password()
        return person

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, ValidationError] = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValidationError as error:
                errors[field.attribute] = error
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error))
        self._check_row(instance, row.get(ROW_COLUMN), errors)
        if errors:
            raise ValidationError(errors)

    def _check_row(self, person: User, row_number: int | None, errors: dict) -> None:
        """The rules that look beyond one cell: required values, repeats, the timeline."""
        number = person.student_number
        if not number:
            errors.setdefault("student_number", _invalid(_("Enter the student number.")))
        elif (first := self.rows_by_number.setdefault(number, row_number)) != row_number:
            errors["student_number"] = _invalid(
                _("This student number is also in row %(row)s."), row=first
            )
        if not person.name and "name" not in errors:
            errors["name"] = _invalid(_("Enter the name."))
        self._check_email(person, row_number, errors)
        original = self.original.get(person.pk, {})
        original_status = original.get("political_status")
        if (
            person.pk in self.people_with_timeline
            and person.political_status != original_status
            and "political_status" not in errors
        ):
            errors["political_status"] = _invalid(
                _(
                    "The development timeline makes this person “%(status)s”: record a "
                    "milestone to change the status."
                ),
                status=PoliticalStatus(original_status).label,
            )
        branch = person.branch if "branch" not in errors else None
        if branch is not None and not branch.is_active and branch.pk != original.get("branch_id"):
            errors["branch"] = _invalid(
                _("The Party branch “%(name)s” is inactive and takes no new people."),
                name=branch.name,
            )

    def _check_email(self, person: User, row_number: int | None, errors: dict) -> None:
        if "email" in errors:
            return
        email = person.email.lower()
        if not email:
            errors["email"] = _invalid(_("A new person needs an e-mail address."))
            return
        first = self.rows_by_email.setdefault(email, row_number)
        if first != row_number:
            errors["email"] = _invalid(_("This e-mail address is also in row %(row)s."), row=first)
            return
        owner_pk, owner_number = self.email_owners.get(email, (person.pk, ""))
        if owner_pk != person.pk:
            if owner_number:
                errors["email"] = _invalid(
                    _("Another person (%(number)s) already uses this e-mail address."),
                    number=owner_number,
                )
            else:
                errors["email"] = _invalid(_("Another account already uses this e-mail address."))
            return
        original_email = self.original.get(person.pk, {}).get("email", "")
        if person.pk is not None and email != original_email.lower():
            if person.is_staff or person.is_superuser:
                errors["email"] = _invalid(
                    _("This is a staff account: change its e-mail address in the admin.")
                )
                return
            self.changed_emails[person.pk] = original_email

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness was checked against the whole file and the database at once.
            instance.full_clean(
                exclude=[*errors, *self.NOT_MODEL_CLEANED],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            # The preview names each column as the file does.
            labels = {name: str(field.column_name) for name, field in self.fields.items()}
            raise ValidationError({labels.get(name, name): value for name, value in errors.items()})

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New people with their history and a verified address: the college vouches for it."""
        if not self.create_instances or not (using_transactions or not dry_run):
            self.create_instances.clear()
            return
        try:
            people = bulk_create_with_history(
                self.create_instances, User, batch_size=batch_size, default_user=self.user
            )
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=person, email=person.email, verified=True, primary=True)
                    for person in people
                ],
                batch_size=batch_size,
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Changed people with their history; a changed address replaces the old one.

        Each person's changed fields are written by one UPDATE: Django's `bulk_update` builds
        a CASE per person and field, which takes minutes for ten thousand people.
        """
        if not self.update_instances or not (using_transactions or not dry_run):
            self.update_instances.clear()
            return
        try:
            for person in self.update_instances:
                original = self.original[person.pk]
                changed = {
                    name: getattr(person, name)
                    for name in ROSTER_ATTNAMES
                    if getattr(person, name) != original[name]
                }
                User.objects.filter(pk=person.pk).update(**changed)
            User.history.bulk_history_create(
                self.update_instances, batch_size=batch_size, update=True, default_user=self.user
            )
            moved = [p for p in self.update_instances if p.pk in self.changed_emails]
            if moved:
                EmailAddress.objects.filter(user__in=moved).delete()
                EmailAddress.objects.bulk_create(
                    EmailAddress(user=person, email=person.email, verified=True, primary=True)
                    for person in moved
                )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs) -> None:
        # ModelResource resets the id sequence here, for imports that carry ids; the roster
        # never does, and a reset could hand out an id another transaction is using.
        pass


# The model fields the roster writes, by attribute name (the branch as its id).
ROSTER_ATTNAMES = [User._meta.get_field(name).attname for name in RosterResource._meta.fields]


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]
