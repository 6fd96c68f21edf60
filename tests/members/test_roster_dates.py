"""The development dates of a roster row go through the procedure's rules on dates: every row
that breaks one is listed with its row number and the rule, and then nothing is saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from members.models import Milestone, PoliticalStatus
from members.services import RosterDates, record_roster_dates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


GOOD = {
    "application": days_ago(1500),
    "activist": days_ago(1300),
    "candidate": days_ago(900),
    "probationary": days_ago(800),
    "full": days_ago(400),
}


def recorded(person) -> dict[str, datetime.date]:
    return dict(person.milestones.values_list("kind", "date"))


def test_a_good_roster_records_the_dates_and_the_status(staff):
    full = UserFactory(political_status=PoliticalStatus.FULL, birth_date=None)
    probationer = UserFactory(political_status=PoliticalStatus.PROBATIONARY)
    rows = [
        RosterDates(2, full, GOOD, birth_date=datetime.date(1995, 3, 1), status="full"),
        RosterDates(3, probationer, {k: GOOD[k] for k in list(GOOD)[:4]}, status="probationary"),
    ]
    assert record_roster_dates(actor=staff, rows=rows) == []
    full.refresh_from_db()
    assert full.birth_date == datetime.date(1995, 3, 1)
    assert recorded(full) == GOOD | {"approval": GOOD["probationary"]}
    assert full.political_status == PoliticalStatus.FULL
    probationer.refresh_from_db()
    assert probationer.political_status == PoliticalStatus.PROBATIONARY
    assert Milestone.objects.filter(person=probationer, kind="approval").exists()
    # The same file again changes nothing.
    assert record_roster_dates(actor=staff, rows=rows) == []
    assert full.milestones.count() == 6


@pytest.mark.parametrize(
    ("dates", "birth_date", "status", "rule"),
    [
        ({"application": days_ago(100)}, datetime.date(2010, 1, 1), "", "at least 18"),
        ({"application": TODAY + datetime.timedelta(days=3)}, None, "", "in the future"),
        ({"application": days_ago(100), "candidate": days_ago(900)}, None, "", "dated before"),
        (
            {"application": days_ago(900), "activist": days_ago(800), "candidate": days_ago(600)},
            None,
            "",
            "at least one year",
        ),
        (
            GOOD | {"full": GOOD["probationary"] + datetime.timedelta(days=200)},
            None,
            "",
            "The probation ends on",
        ),
        ({"application": days_ago(900)}, None, "full", "only with the date of"),
    ],
)
def test_each_broken_rule_is_listed_with_its_row_and_nothing_is_saved(
    staff, dates, birth_date, status, rule
):
    good = UserFactory()
    bad = UserFactory(political_status=PoliticalStatus.LEAGUE)
    rows = [
        RosterDates(2, good, {"application": days_ago(30)}),
        RosterDates(7, bad, dates, birth_date=birth_date, status=status),
    ]
    with translation.override("en"):
        errors = record_roster_dates(actor=staff, rows=rows)
    assert [row for row, _ in errors] == [7]
    assert rule in errors[0][1]
    assert not Milestone.objects.exists()
    bad.refresh_from_db()
    assert bad.political_status == PoliticalStatus.LEAGUE


def test_a_roster_that_knows_only_the_later_dates_is_imported(staff):
    """Rosters of members often carry 入党时间 and 转正时间 alone: the dates it has are checked
    against each other, and the timeline shows the earlier steps as missing."""
    member = UserFactory(political_status=PoliticalStatus.LEAGUE)
    dates = {"probationary": days_ago(800), "full": days_ago(430)}
    rows = [RosterDates(5, member, dates, status="full")]
    assert record_roster_dates(actor=staff, rows=rows) == []
    member.refresh_from_db()
    assert member.political_status == PoliticalStatus.FULL
    assert recorded(member) == dates | {"approval": dates["probationary"]}
    too_soon = UserFactory(political_status=PoliticalStatus.LEAGUE)
    early = {"probationary": days_ago(800), "full": days_ago(600)}
    with translation.override("en"):
        errors = record_roster_dates(
            actor=staff, rows=[RosterDates(6, too_soon, early, status="full")]
        )
    assert errors and errors[0][0] == 6 and "The probation ends on" in errors[0][1]


def test_a_date_recorded_otherwise_is_refused_and_the_status_never_drops(staff):
    person = UserFactory(political_status=PoliticalStatus.FULL)
    Milestone.objects.create(person=person, kind="application", date=days_ago(2000))
    with translation.override("en"):
        errors = record_roster_dates(
            actor=staff, rows=[RosterDates(4, person, {"application": days_ago(1999)})]
        )
    assert errors and errors[0][0] == 4 and "the roster says" in errors[0][1]
    assert (
        record_roster_dates(
            actor=staff, rows=[RosterDates(4, person, {"application": days_ago(2000)})]
        )
        == []
    )
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.FULL


def test_only_who_records_steps_imports_dates(member, student):
    with pytest.raises(PermissionDenied):
        record_roster_dates(actor=member, rows=[RosterDates(2, student, GOOD)])
    assert not Milestone.objects.exists()


# --- through the admin's roster import ------------------------------------------------------------

IMPORT = "/admin/members/user/import/"
PROCESS = "/admin/members/user/process_import/"
DATE_HEADER = (
    "学号,姓名,邮箱,政治面貌,出生日期,入党申请时间,"
    "确定积极分子时间,确定发展对象时间,入党时间,转正时间"
)


def upload(client, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        IMPORT,
        {
            "resource": "0",
            "format": "",
            "import_file": SimpleUploadedFile("roster.csv", text.encode("utf-8")),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def bad_rows(response) -> dict[int, list[str]]:
    return {
        row.number: [m for messages in row.error_dict.values() for m in messages]
        for row in response.context["result"].invalid_rows
    }


@pytest.fixture
def importer_client(client, staff, settings):
    from django.contrib.auth.models import Permission

    settings.STAFF_REQUIRE_2FA = False
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_user", "add_user", "change_user", "import_user"]
        )
    )
    client.force_login(staff)
    return client


def test_a_roster_with_dates_in_every_form_records_the_steps(importer_client):
    lines = [
        DATE_HEADER,
        "2020001,甲,a@example.edu.cn,正式党员,1998-05-01,2018.09.01,2019年3月1日,2020-3-5,20200901,2021-09-10",
        "2020002,乙,b@example.edu.cn,入党积极分子,1999/1/1,2023.09.01,2024-03-01,,,",
    ]
    preview = upload(importer_client, "\n".join(lines))
    assert "confirm_form" in preview.context, bad_rows(preview)
    from members.models import User

    assert not Milestone.objects.exists()  # the preview saves nothing
    importer_client.post(PROCESS, preview.context["confirm_form"].initial)
    first = User.objects.get(student_number="2020001")
    assert first.political_status == PoliticalStatus.FULL
    assert first.birth_date == datetime.date(1998, 5, 1)
    assert recorded(first) == {
        "application": datetime.date(2018, 9, 1),
        "activist": datetime.date(2019, 3, 1),
        "candidate": datetime.date(2020, 3, 5),
        "probationary": datetime.date(2020, 9, 1),
        "approval": datetime.date(2020, 9, 1),
        "full": datetime.date(2021, 9, 10),
    }
    second = User.objects.get(student_number="2020002")
    assert second.political_status == PoliticalStatus.ACTIVIST
    assert set(recorded(second)) == {"application", "activist"}


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        (
            "2020003,丙,c@example.edu.cn,入党积极分子,2010-01-01,2023.09.01,2024-03-01,,,",
            "at least 18",
        ),
        (
            "2020003,丙,c@example.edu.cn,发展对象,2000-01-01,2023.09.01,2024-03-01,2024-09-01,,",
            "one year",
        ),
        ("2020003,丙,c@example.edu.cn,正式党员,2000-01-01,2020.09.01,,,,", "only with the date"),
        ("2020003,丙,c@example.edu.cn,入党申请人,2000-01-01,2023.13.01,,,,", "is not a date"),
        (
            "2020003,丙,c@example.edu.cn,发展对象,2000-01-01,2024.09.01,,2023-09-01,,",
            "dated before",
        ),
    ],
)
def test_each_row_breaking_a_rule_is_listed_and_nothing_is_saved(importer_client, row, rule):
    good = "2020004,丁,d@example.edu.cn,入党申请人,2000-01-01,2024-01-01,,,,"
    preview = upload(importer_client, "\n".join([DATE_HEADER, good, row]))
    assert "confirm_form" not in preview.context
    reasons = bad_rows(preview)
    assert list(reasons) == [3]
    assert any(rule in reason for reason in reasons[3]), reasons
    assert not Milestone.objects.exists()


def test_real_excel_date_cells_are_read(importer_client):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.models import User

    book = openpyxl.Workbook()
    book.active.append(["学号", "姓名", "邮箱", "出生日期", "入党申请时间"])
    book.active.append(
        [
            "2020005",
            "戊",
            "e@example.edu.cn",
            datetime.datetime(2001, 2, 3),
            datetime.date(2023, 9, 1),
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = importer_client.post(
        IMPORT,
        {
            "resource": "0",
            "format": "",
            "import_file": SimpleUploadedFile("r.xlsx", buffer.getvalue()),
        },
    )
    assert "confirm_form" in preview.context, bad_rows(preview)
    importer_client.post(PROCESS, preview.context["confirm_form"].initial)
    person = User.objects.get(student_number="2020005")
    assert person.birth_date == datetime.date(2001, 2, 3)
    assert recorded(person) == {"application": datetime.date(2023, 9, 1)}
    assert person.political_status == PoliticalStatus.APPLICANT
