"""The roster: people as a spreadsheet, exported for staff and imported from the college's lists.

The columns are the same both ways, so an exported file imports again. Headers are written in
the reader's language and read in Chinese or English. An import is all or nothing (see
`common.spreadsheet_resources`): every bad row is reported with the row number the spreadsheet
shows, and nothing is saved until the whole file is valid.
"""

import copy
import datetime
from collections.abc import Iterable, Iterator, Sequence

import tablib
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields, widgets
from simple_history.utils import bulk_create_with_history

from common.identifiers import check_number_cell, identifier_from_cell
from common.spreadsheet_resources import ChoiceLabelWidget, SpreadsheetResource, TextWidget
from common.spreadsheets import (
    cell_text,
    parse_date,
    read_table,
    spreadsheet_formats,
    year_of,
)

from . import access, services
from .models import Branch, Gender, Milestone, PoliticalStatus, User
from .services import RosterDates
from .validators import normalize_phone, validate_mobile

# Rows per query when looking people up, well under PostgreSQL's limit of parameters.
LOOKUP_CHUNK = 5000
BATCH_SIZE = 1000


# --- reading a file ------------------------------------------------------------------------------

# The development dates a Chinese or English roster carries, by the step they date
# (`members.services.record_roster_dates` records them through the procedure's rules), and
# the birth date an applicant needs.
DATE_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "birth_date": ("出生日期", "出生年月", "生日", "date of birth", "birth date", "birthday"),
    "application": (
        "入党申请时间",
        "申请入党时间",
        "递交入党申请书时间",
        "application date",
    ),
    "activist": (
        "确定积极分子时间",
        "确定为入党积极分子时间",
        "确定入党积极分子时间",
        "列为积极分子时间",
        "积极分子时间",
        "activist since",
    ),
    "candidate": ("确定发展对象时间", "列为发展对象时间", "发展对象时间", "candidate since"),
    "probationary": (
        "入党时间",
        "入党日期",
        "发展时间",
        "预备党员时间",
        "接收预备党员时间",
        "admitted",
        "admission date",
        "joined the party",
    ),
    "full": (
        "转正时间",
        "转正日期",
        "转为正式党员时间",
        "full member since",
        "full membership date",
        "confirmed",
    ),
}

# Headers as Chinese and English rosters write them. The header of the reader's own language
# is accepted too, whatever its translation (see `read_table`).
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
    **DATE_HEADER_ALIASES,
}
# The step each date column dates.
DATE_COLUMNS = [name for name in DATE_HEADER_ALIASES if name != "birth_date"]


def _date_error(value: str) -> ValidationError:
    return _invalid(
        _("“%(value)s” is not a date: write it as 2023-09-01, 2023.09.01 or 2023年9月1日."),
        value=value,
    )


class DateWidget(widgets.Widget):
    """A date cell, read in the forms rosters use and written as 2023-09-01."""

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        text = cell_text(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            raise _date_error(text) from None

    def render(self, value, obj=None, **kwargs) -> str:
        return value.isoformat() if value else ""


def roster_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    """The roster's rows under its own headers, each with the spreadsheet row it came from.

    Blank rows are dropped; the row numbers still match the spreadsheet. More rows than
    `ROSTER_MAX_ROWS` are refused before any row is imported. Rows under the table with
    neither a student number nor a name are its footer. A student number is given as the
    spreadsheet holds it, so that a number Excel has changed is told apart (`NumberWidget`).
    """
    return read_table(
        rows,
        columns={name: RosterResource.fields[name].column_name for name in HEADER_ALIASES},
        aliases=HEADER_ALIASES,
        key="student_number",
        identity=("student_number", "name"),
        raw=("student_number",),
        max_rows=settings.ROSTER_MAX_ROWS,
        no_header=_(
            "No header row found: the first row must name the columns, e.g. "
            "学号, 姓名, 邮箱 or Student number, Name, E-mail."
        ),
    )


ROSTER_FORMATS = spreadsheet_formats("Roster", roster_dataset)
RosterXLSX, RosterCSV, RosterXLS = ROSTER_FORMATS


# --- columns -----------------------------------------------------------------------------------


def _invalid(message: str, **params: object) -> ValidationError:
    return ValidationError(message % params if params else message)


class NumberWidget(widgets.CharWidget):
    """A student number as typed, or refused when Excel has changed it (`identifier_from_cell`):
    a number cell shorter than the `longest` number of the file has lost its leading zeros."""

    longest = 0

    def clean(self, value, row=None, **kwargs) -> str | None:
        number = identifier_from_cell(value)
        check_number_cell(value, number, self.longest)
        return number or None


def student_number(value: object) -> str:
    """The student number a cell holds, "" for one Excel has changed (its row is refused)."""
    try:
        return identifier_from_cell(value)
    except ValidationError:
        return ""


class EmailWidget(widgets.CharWidget):
    """An e-mail address, compared and kept in lower case; a blank cell keeps the address."""

    def clean(self, value, row=None, **kwargs) -> str | None:
        return cell_text(value).lower() or None


class PhoneWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        phone = normalize_phone(cell_text(value))
        validate_mobile(phone)
        return phone


class GradeWidget(widgets.Widget):
    """The entry year: a number in a workbook, so that it sorts and filters as one."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        try:
            return year_of(value)
        except ValueError:
            raise ValidationError(
                _("Enter the grade as an entry year, e.g. 2023, 2023级 or 2023.09.01."),
                code="invalid_grade",
            ) from None

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


class BranchWidget(widgets.Widget):
    """A Party branch written as its name; the branches are looked up once per import."""

    branches: dict[str, Branch] | None = None

    def clean(self, value, row=None, **kwargs) -> Branch | None:
        name = cell_text(value)
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


# --- the resource ------------------------------------------------------------------------------


class RosterResource(SpreadsheetResource):
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
    birth_date = fields.Field(
        attribute="birth_date",
        column_name=pgettext_lazy("roster column", "Date of birth"),
        widget=DateWidget(),
        saves_null_values=False,
    )
    # The development dates: read by `check_row`, recorded after the people are saved.
    application = fields.Field(
        column_name=pgettext_lazy("roster column", "Application date"), widget=DateWidget()
    )
    activist = fields.Field(
        column_name=pgettext_lazy("roster column", "Activist since"), widget=DateWidget()
    )
    candidate = fields.Field(
        column_name=pgettext_lazy("roster column", "Development candidate since"),
        widget=DateWidget(),
    )
    probationary = fields.Field(
        column_name=pgettext_lazy("roster column", "Admitted (probationary)"), widget=DateWidget()
    )
    full = fields.Field(
        column_name=pgettext_lazy("roster column", "Full member since"), widget=DateWidget()
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
            "birth_date",
            *DATE_COLUMNS,
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
        self.dry_run = True
        self._forget()

    def _forget(self) -> None:
        """Start an import with nothing remembered from another one."""
        self.fields["branch"].widget.branches = None
        self.fields["student_number"].widget.longest = 0
        self.unusable_password = make_password(None)
        self.user: User | None = None
        self.people: dict[str, User] = {}
        self.handed_out: set[str] = set()
        # The roster's fields of each person already known, as loaded: to see what changed.
        self.original: dict[int, dict[str, object]] = {}
        self.email_owners: dict[str, tuple[int, str]] = {}
        self.rows_by_number: dict[str, int] = {}
        self.rows_by_email: dict[str, int] = {}
        self.changed_emails: dict[int, str] = {}
        self.row_dates: list[RosterDates] = []
        self.row: dict | None = None

    # export ---------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("branch").prefetch_related("milestones")

    def _step_date(self, person: User, kind: str) -> str:
        dates = {step.kind: step.date for step in person.milestones.all()}
        return dates[kind].isoformat() if kind in dates else ""

    def dehydrate_application(self, person: User) -> str:
        return self._step_date(person, "application")

    def dehydrate_activist(self, person: User) -> str:
        return self._step_date(person, "activist")

    def dehydrate_candidate(self, person: User) -> str:
        return self._step_date(person, "candidate")

    def dehydrate_probationary(self, person: User) -> str:
        return self._step_date(person, "probationary")

    def dehydrate_full(self, person: User) -> str:
        return self._step_date(person, "full")

    # import ---------------------------------------------------------------------------------

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        return roster_dataset(rows)

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # The dates are recorded only when the import is confirmed, not for its preview.
        self.dry_run = dry_run
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset, **kwargs) -> None:
        """Load once what the rows are checked against: the people, their e-mail addresses."""
        self._forget()
        self.user = kwargs.get("user")
        columns = set(dataset.headers)
        number_column = self.fields["student_number"].column_name
        numbers = [number for number in map(student_number, dataset[number_column]) if number]
        self.fields["student_number"].widget.longest = max(map(len, numbers), default=0)
        for chunk in _chunks(numbers):
            for person in (
                User.objects.filter(student_number__in=chunk)
                .select_related("branch")
                .prefetch_related("milestones")
                .annotate(has_timeline=Exists(Milestone.objects.filter(person=OuterRef("pk"))))
            ):
                self.people[person.student_number] = person
                self.original[person.pk] = {name: getattr(person, name) for name in ROSTER_ATTNAMES}
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
        number = student_number(row.get(self.fields["student_number"].column_name))
        person = self.people.get(number)
        if person is None:
            return None
        if number in self.handed_out:
            # The number repeats in the file: that row is refused, and must not touch the first.
            return copy.deepcopy(person)
        self.handed_out.add(number)
        return person

    def init_instance(self, row=None) -> User:
        # The person claims the account with a sign-in code or a password reset. An unusable
        # password is made once per import: making one per row (a random string each) took
        # seconds for ten thousand people, and no unusable password matches any other.
        return User(password=self.unusable_password)

    def import_instance(self, instance, row, **kwargs) -> None:
        self.row = row
        super().import_instance(instance, row, **kwargs)

    def check_row(self, person: User, row_number: int | None, errors: dict) -> None:
        self._check_dates(person, row_number, errors)
        self._check_profile(person, row_number, errors)

    def _check_dates(self, person: User, row_number: int | None, errors: dict) -> None:
        """The development dates of the row, through the procedure's rules on dates
        (`services.roster_steps`); recorded once the people are saved (`after_import`)."""
        dates = {}
        for name in DATE_COLUMNS:
            column = self.fields[name].column_name
            text = cell_text((self.row or {}).get(column))
            if not text:
                continue
            try:
                dates[name] = parse_date(text)
            except ValueError:
                errors[name] = _date_error(text)
        if not dates or any(name in errors for name in DATE_COLUMNS):
            return
        original = self.original.get(person.pk, {}).get("political_status")
        row = RosterDates(
            row=row_number or 0,
            person=person,
            dates=dates,
            status=person.political_status if person.political_status != original else "",
        )
        try:
            steps = services.roster_steps(person, row)
        except ValidationError as error:
            errors[getattr(error, "step", "political_status")] = error
            return
        if original is not None:
            # The status the dates give is set with them (`after_import`): the roster's status
            # column does not fight the timeline over it.
            steps += list(person.milestones.all())
            given = services.status_from(steps, original)
            if STATUS_RANK.index(person.political_status) <= STATUS_RANK.index(given):
                person.political_status = original
        self.row_dates.append(row)

    def after_import(self, dataset, result, **kwargs) -> None:
        """Record the rows' development dates, the people now saved and locked."""
        super().after_import(dataset, result, **kwargs)
        if (
            self.dry_run
            or not self.row_dates
            or result.has_errors()
            or result.has_validation_errors()
        ):
            return
        errors = services.record_roster_dates(actor=self.user, rows=self.row_dates)
        if errors:
            raise ValidationError(
                [
                    _("Row %(row)s: %(error)s") % {"row": row, "error": error}
                    for row, error in errors
                ]
            )

    def _check_profile(self, person: User, row_number: int | None, errors: dict) -> None:
        """The rules that look beyond one cell: required values, repeats, the branch.

        The timeline's hold on the status is the model's (`User.status_change_refusal`), which
        reads the `has_timeline` loaded here for all rows at once."""
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
        self._check_account(person, errors)
        original = self.original.get(person.pk, {})
        branch = person.branch if "branch" not in errors else None
        if branch is not None and not branch.is_active and branch.pk != original.get("branch_id"):
            errors["branch"] = _invalid(
                _("The Party branch “%(name)s” is inactive and takes no new people."),
                name=branch.name,
            )

    def _check_account(self, person: User, errors: dict) -> None:
        """A row changes a staff account only where the importer may change it in the admin
        (`access.may_change_account`): not a colleague's, not a superuser's."""
        if person.pk is None or not (person.is_staff or person.is_superuser):
            return
        if self.user is not None and access.may_change_account(self.user, person):
            return
        original = self.original[person.pk]
        if any(getattr(person, name) != original[name] for name in ROSTER_ATTNAMES):
            errors.setdefault(
                "student_number",
                _invalid(_("This is a staff account: only a superuser changes it.")),
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

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """New people with their history and a verified address: the college vouches for it."""
        if not self.create_instances or not (using_transactions or not dry_run):
            self.create_instances.clear()
            return
        try:
            if dry_run:
                # The preview, rolled back, inserts the people for the database's own checks;
                # their history and addresses (the addresses checked in `before_import`) are
                # written by the import itself.
                User.objects.bulk_create(self.create_instances, batch_size=batch_size)
                return
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
        """Changed people with their history; a changed address is unverified until the
        person confirms it, and the old one is told (`services.record_email_changes`).

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
            if dry_run:
                return
            User.history.bulk_history_create(
                self.update_instances, batch_size=batch_size, update=True, default_user=self.user
            )
            services.record_email_changes(
                actor=self.user,
                changes=[
                    (person, self.changed_emails[person.pk])
                    for person in self.update_instances
                    if person.pk in self.changed_emails
                ],
            )
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()


# The model fields the roster writes, by attribute name (the branch as its id).
ROSTER_ATTNAMES = [
    User._meta.get_field(name).attname
    for name in RosterResource._meta.fields
    if name not in DATE_COLUMNS
]
STATUS_RANK = list(PoliticalStatus.values)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]
