"""Roster export: the reusable resource and the admin's export — headers in the reader's
language, formula cells made harmless, and a file that imports again unchanged."""

import csv
import io

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import pgettext

from members.models import Branch, Gender, PoliticalStatus, User
from members.resources import ROSTER_FORMATS, RosterCSV, RosterResource, RosterXLSX
from tests.factories import UserFactory

from .test_roster_import import CHANGELIST, PROCESS, grant, upload

pytestmark = pytest.mark.django_db

EXPORT = "/admin/members/user/export/"
# Text a spreadsheet would run as a formula (CSV injection), and how it must come out.
DANGEROUS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A9)", "\tTAB", "\rCR"]
ENGLISH_HEADERS = [
    "Student number",
    "Name",
    "Gender",
    "College",
    "Major",
    "Class",
    "Grade",
    "Political status",
    "Party branch",
    "Phone",
    "E-mail",
    "Date of birth",
    "Application date",
    "Activist since",
    "Development candidate since",
    "Admitted (probationary)",
    "Full member since",
]


@pytest.fixture
def people(db) -> list[User]:
    branch = Branch.objects.create(name="本科生第一党支部")
    people = [
        UserFactory(
            student_number=f"202301{index:04d}",
            name=value,
            college=value,
            major="计算机科学与技术",
            class_name=value,
            gender=Gender.FEMALE,
            grade=2023,
            phone="13812345678",
            political_status=PoliticalStatus.ACTIVIST,
            branch=branch,
        )
        for index, value in enumerate(DANGEROUS)
    ]
    people.append(UserFactory(student_number="2023019999", name="王思远", branch=None))
    return people


@pytest.fixture
def exporter_client(staff, staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    grant(staff, "view_user", "import_user")
    return staff_client


def test_the_resource_exports_a_workbook_with_headers_in_the_active_language(people):
    with translation.override("en"):
        dataset = RosterResource().export(
            queryset=User.objects.filter(pk__in=[p.pk for p in people])
        )
    assert dataset.headers == ENGLISH_HEADERS
    with translation.override("zh-hans"):
        dataset = RosterResource().export(queryset=User.objects.order_by("student_number"))
        assert dataset.headers == [pgettext("roster column", header) for header in ENGLISH_HEADERS]
    book = openpyxl.load_workbook(io.BytesIO(dataset.xlsx))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(people)
    assert rows[-1][:2] == ("2023019999", "王思远")


def test_the_export_asks_the_database_a_fixed_number_of_times(people, django_assert_num_queries):
    # The people, then their development steps (for the date columns) in one more.
    with django_assert_num_queries(3):
        RosterResource().export(queryset=User.objects.all())


def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(people):
    with translation.override("en"):
        dataset = RosterResource().export(queryset=User.objects.order_by("student_number"))
    for row, value in zip(dataset.dict, DANGEROUS, strict=False):
        assert row["Name"] == "'" + value
        assert row["College"] == "'" + value
        assert row["Class"] == "'" + value
        assert row["Major"] == "计算机科学与技术"
        assert row["Grade"] == 2023  # a number stays a number
    book = openpyxl.load_workbook(io.BytesIO(dataset.xlsx))
    for row in book.active.iter_rows(min_row=2, max_row=len(DANGEROUS)):
        assert row[1].data_type == "s"  # text, never a formula
        assert row[1].value.startswith("'")
    for line in dataset.csv.splitlines()[1:]:
        assert not line.startswith(("=", "+", "-", "@", "\t", "\r"))


def admin_export(client, file_format: type, language: str = "en"):
    return client.post(
        EXPORT,
        {"format": str(ROSTER_FORMATS.index(file_format)), "resource": "0"}
        | {f"rosterresource_{name}": "on" for name in RosterResource._meta.fields},
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize("file_format", [RosterXLSX, RosterCSV])
def test_an_admin_export_imports_again_unchanged(exporter_client, people, file_format):
    response = admin_export(exporter_client, file_format)
    assert response.status_code == 200
    extension = file_format().get_extension()
    assert response["Content-Disposition"].startswith('attachment; filename="roster-')
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    content = response.content
    if file_format is RosterCSV:
        assert content.startswith("\ufeff".encode())  # Excel reads the Chinese correctly

    count = User.objects.count()
    preview = upload(exporter_client, f"export.{extension}", content, language="en")
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    # Every person comes back unchanged, but for the leading tab and line break, which the
    # import trims as any form field would. The staff member, without a student number, is
    # not in the roster.
    assert (result.totals["skip"], result.totals["update"], result.totals["new"]) == (5, 2, 0)
    exporter_client.post(PROCESS, preview.context["confirm_form"].initial)
    assert User.objects.count() == count
    names = sorted(User.objects.exclude(student_number=None).values_list("name", flat=True))
    assert names == sorted([*DANGEROUS[:4], "TAB", "CR", "王思远"])
    classes = set(User.objects.exclude(student_number=None).values_list("class_name", flat=True))
    assert classes == {*DANGEROUS[:4], "TAB", "CR", ""}


def test_a_chinese_export_imports_again(exporter_client, people):
    content = admin_export(exporter_client, RosterXLSX, language="zh-hans").content
    preview = upload(exporter_client, "导出.xlsx", content)
    result = preview.context["result"]
    assert not result.has_validation_errors()
    assert result.totals["skip"] + result.totals["update"] == len(people)


def test_the_admin_export_follows_the_list_filters(exporter_client, people):
    branch = Branch.objects.get()
    response = exporter_client.post(
        f"{EXPORT}?branch__id__exact={branch.pk}",
        {"format": str(ROSTER_FORMATS.index(RosterCSV)), "resource": "0"}
        | {f"rosterresource_{name}": "on" for name in RosterResource._meta.fields},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [person.student_number for person in people[:-1]]


def test_exporting_needs_the_view_permission(staff, staff_client, settings, people):
    settings.STAFF_REQUIRE_2FA = False
    assert staff_client.get(EXPORT).status_code == 403
    assert admin_export(staff_client, RosterXLSX).status_code == 403
    grant(staff, "view_user")
    assert staff_client.get(EXPORT).status_code == 200
    assert EXPORT in staff_client.get(CHANGELIST).content.decode()
