"""Roster import in the admin: upload, preview, confirm — every file kind, every kind of bad row,
the limits, the permission, and that nothing is saved until the whole file is valid."""

import datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from import_export.tmp_storages import CacheStorage

from members.models import Branch, PoliticalStatus, User
from members.resources import ROSTER_FORMATS, RosterXLSX
from members.services import record_step
from notifications.services import send_pending_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
IMPORT = "/admin/members/user/import/"
PROCESS = "/admin/members/user/process_import/"
CHANGELIST = "/admin/members/user/"
GOOD_FILES = [
    "roster-good.xlsx",
    "roster-good-utf8.csv",
    "roster-good-utf8-bom.csv",
    "roster-good-gbk.csv",
    "roster-english-headers.csv",
]
HEADER = "学号,姓名,性别,学院,专业,班级,年级,政治面貌,党支部,手机号,邮箱"


def grant(user: User, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def upload(client, name: str, content: bytes | None = None, language: str = "zh-hans"):
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(
        IMPORT,
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def confirm(client, preview, language: str = "zh-hans"):
    return client.post(
        PROCESS, preview.context["confirm_form"].initial, HTTP_ACCEPT_LANGUAGE=language
    )


def import_file(client, name: str, content: bytes | None = None):
    preview = upload(client, name, content)
    assert "confirm_form" in preview.context, reasons(preview)
    return confirm(client, preview)


def reasons(response) -> dict[int, list[str]]:
    """The preview's bad rows: row number -> every reason given for it."""
    result = response.context["result"]
    return {
        row.number: [message for messages in row.error_dict.values() for message in messages]
        for row in result.invalid_rows
    }


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


# --- the good files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_FILES)
def test_each_kind_of_file_is_previewed_then_imported(importer_client, branches, name):
    before = User.objects.count()
    preview = upload(importer_client, name)
    assert preview.status_code == 200
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 6
    assert "李雨桐" in preview.content.decode()
    assert User.objects.count() == before  # the preview saves nothing

    response = confirm(importer_client, preview)
    assert response.status_code == 302
    assert response.url == CHANGELIST
    assert User.objects.count() == before + 6
    first, second = branches
    li = User.objects.get(student_number="2023010102")
    assert (li.name, li.gender, li.grade, li.phone) == ("李雨桐", "female", 2023, "13812345602")
    assert (li.political_status, li.branch) == (PoliticalStatus.ACTIVIST, first)
    assert (li.college, li.major, li.class_name) == (
        "信息科学与工程学院",
        "计算机科学与技术",
        "计科2301班",
    )
    zhang = User.objects.get(student_number="2022020203")
    assert zhang.phone == "13812345603"  # +86 dropped
    assert zhang.political_status == PoliticalStatus.CANDIDATE
    chen = User.objects.get(student_number="2022030304")
    assert chen.email == "chenjiayi@stu.example.edu.cn"  # kept in lower case
    assert (chen.branch, chen.political_status) == (second, PoliticalStatus.PROBATIONARY)
    assert User.objects.get(student_number="2021040405").grade == 2021  # "2021级"
    zhao = User.objects.get(student_number="2023050506")
    assert (zhao.branch, zhao.phone, zhao.political_status) == (None, "", PoliticalStatus.MASSES)


def test_the_success_message_counts_the_new_people(importer_client, branches):
    preview = upload(importer_client, "roster-good.xlsx", language="en")
    response = importer_client.get(
        confirm(importer_client, preview, "en").url, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Import finished: 6 new, 0 updated" in response.content.decode()


def test_new_people_get_an_account_they_can_claim(importer_client, branches, client, mailoutbox):
    import_file(importer_client, "roster-good.xlsx")
    person = User.objects.get(student_number="2023010101")
    assert not person.has_usable_password()
    address = EmailAddress.objects.get(user=person)
    assert (address.email, address.verified, address.primary) == (person.email, True, True)

    client.post(reverse("account_request_login_code"), {"email": person.email}, follow=True)
    code = next(word for word in mailoutbox[0].body.split() if len(word) >= 6 and word.isupper())
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.wsgi_request.user == person


def test_the_importer_is_in_the_history_and_the_admin_log(importer_client, importer, branches):
    import_file(importer_client, "roster-good.xlsx")
    person = User.objects.get(student_number="2023010102")
    record = person.history.get()
    assert (record.history_type, record.history_user) == ("+", importer)
    assert LogEntry.objects.filter(user=importer, object_id=str(person.pk)).exists()


def test_reimport_updates_people_in_place(importer_client, importer, branches):
    import_file(importer_client, "roster-good.xlsx")
    count = User.objects.count()
    changed = (DATA / "roster-good-utf8.csv").read_text().replace("计科2301班", "计科2302班", 1)

    preview = upload(importer_client, "changed.csv", changed.encode())
    assert preview.context["result"].totals["update"] == 1
    assert preview.context["result"].totals["skip"] == 5
    page = preview.content.decode()
    # The change is marked up without inline styles, which the Content Security Policy refuses.
    assert "<span>计科230</span><del>1</del><ins>2</ins><span>班</span>" in page
    assert 'style="background' not in page
    confirm(importer_client, preview)

    assert User.objects.count() == count
    wang = User.objects.get(student_number="2023010101")
    assert wang.class_name == "计科2302班"
    assert User.objects.get(student_number="2023010102").class_name == "计科2301班"
    latest = wang.history.first()
    assert (latest.history_type, latest.history_user, wang.history.count()) == ("~", importer, 2)
    assert User.objects.get(student_number="2023010102").history.count() == 1  # unchanged
    assert EmailAddress.objects.filter(user=wang).count() == 1


def test_a_changed_address_is_unverified_and_the_old_one_is_told(
    importer_client, importer, branches, mailoutbox
):
    import_file(importer_client, "roster-good.xlsx")
    changed = (DATA / "roster-good-utf8.csv").read_text().replace("wangsiyuan@", "wang.sy@")
    import_file(importer_client, "changed.csv", changed.encode())
    send_pending_emails()
    wang = User.objects.get(student_number="2023010101")
    assert wang.email == "wang.sy@stu.example.edu.cn"
    assert list(
        EmailAddress.objects.filter(user=wang)
        .order_by("email")
        .values_list("email", "verified", "primary")
    ) == [
        ("wang.sy@stu.example.edu.cn", False, True),
        ("wangsiyuan@stu.example.edu.cn", True, False),
    ]
    [told] = [m for m in mailoutbox if m.to == ["wangsiyuan@stu.example.edu.cn"]]
    assert "wang.sy@stu.example.edu.cn" in told.body
    assert wang.history.first().history_user == importer


def test_a_column_left_out_keeps_its_values(importer_client, branches):
    import_file(importer_client, "roster-good.xlsx")
    import_file(importer_client, "short.csv", csv_bytes("学号,专业", "2023010102,软件工程"))
    li = User.objects.get(student_number="2023010102")
    assert (li.major, li.phone, li.email) == (
        "软件工程",
        "13812345602",
        "liyutong@stu.example.edu.cn",
    )


def test_a_title_row_and_blank_rows_keep_the_spreadsheet_row_numbers(importer_client, branches):
    content = csv_bytes(
        "2023级新生名单,,,,,,,,,,",  # 1
        HEADER,  # 2
        "2023070701,欧阳娜,女,文学院,汉语言文学,汉语言2307班,2023,群众,,13812345631,oyn@example.edu.cn",
        ",,,,,,,,,,",  # 4, blank
        "",  # 5, blank
        "2023070702,司马强,男,文学院,汉语言文学,汉语言2307班,2023,群众,,1381234563,smq@example.edu.cn",
    )
    preview = upload(importer_client, "titled.csv", content, language="en")
    assert list(reasons(preview)) == [6]
    assert preview.context["result"].total_rows == 2


def test_status_equal_to_the_timeline_and_an_old_inactive_branch_pass(importer_client, branches):
    first, _second = branches
    person = UserFactory(student_number="2021990001", branch=first)
    record_step(
        actor=None,
        person=person,
        kind="application",
        date=timezone.localdate() - datetime.timedelta(days=9),
    )
    Branch.objects.filter(pk=first.pk).update(is_active=False)
    content = csv_bytes(
        "学号,姓名,政治面貌,党支部", "2021990001,梁文博,入党申请人,本科生第一党支部"
    )
    import_file(importer_client, "same.csv", content)
    person.refresh_from_db()
    assert (person.name, person.political_status, person.branch) == ("梁文博", "applicant", first)


# --- the bad files ---------------------------------------------------------------------------


@pytest.fixture
def existing(branches) -> None:
    """The people the bad file runs into: an address in use, a recorded timeline."""
    UserFactory(email="taken@example.edu.cn", student_number="2020000001")
    person = UserFactory(student_number="2021990001", name="梁文博")
    record_step(
        actor=None,
        person=person,
        kind="application",
        date=timezone.localdate() - datetime.timedelta(days=9),
    )


EXPECTED_EN = {
    3: "There is no Party branch named “不存在的党支部”.",
    4: "This student number is also in row 2.",
    5: "This e-mail address is also in row 2.",
    6: "Enter a mainland mobile number: 11 digits starting with 1, e.g. 13812345678.",
    7: "Unknown political status “少先队员”: use one of Masses, Communist Youth League member, "
    "Party applicant, Party activist, Development candidate, Probationary Party member, "
    "Full Party member.",
    8: "Unknown gender “未知”: use one of Male, Female.",
    9: "Enter the grade as an entry year, e.g. 2023, 2023级 or 2023.09.01.",
    10: "Enter the student number.",
    11: "Enter the name.",
    12: "A new person needs an e-mail address.",
    13: "Another person (2020000001) already uses this e-mail address.",
    14: "The development timeline makes this person “Party applicant”: record a milestone to "
    "change the status.",
}


def test_every_bad_row_is_listed_with_its_row_number_and_reason(importer_client, existing):
    before = User.objects.count()
    preview = upload(importer_client, "roster-bad.xlsx", language="en")
    assert preview.status_code == 200
    assert reasons(preview) == {row: [message] for row, message in EXPECTED_EN.items()}
    page = preview.content.decode()
    assert "Some rows failed to validate" in page
    for number in EXPECTED_EN:
        assert f"<td>{number} </td>" in page
    assert "There is no Party branch named “不存在的党支部”." in page
    assert "confirm_form" not in preview.context
    assert 'name="confirm"' not in page
    assert User.objects.count() == before


def test_the_reasons_are_in_the_readers_language(importer_client, existing):
    preview = upload(importer_client, "roster-bad.xlsx")  # Chinese, the default
    page = preview.content.decode()
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        assert gettext("Some rows failed to validate") in page
        assert gettext("Some rows failed to validate") != "Some rows failed to validate"
        # The row reasons are the Chinese catalogue's, wherever it has them.
        phone = gettext(
            "Enter a mainland mobile number: 11 digits starting with 1, e.g. 13812345678."
        )
        branch = gettext("There is no Party branch named “%(name)s”.") % {"name": "不存在的党支部"}
        row_number = gettext("This student number is also in row %(row)s.") % {"row": 2}
    assert phone.startswith("请输入")
    found = reasons(preview)
    assert found[6] == [phone]
    assert found[3] == [branch]
    assert found[4] == [row_number]
    assert set(found) == set(EXPECTED_EN)


def test_the_chinese_preview_of_bad_rows_reads_plainly(importer_client, existing):
    page = upload(importer_client, "roster-bad.xlsx").content.decode()
    assert "部分行未通过校验" in page
    assert "请改正数据中的这些错误" in page
    assert "某些行验数据证失败" not in page


def test_a_confirmation_forced_past_the_preview_saves_nothing(importer_client, existing):
    before = User.objects.count()
    storage = CacheStorage()
    storage.save((DATA / "roster-bad.xlsx").read_bytes())
    xlsx = str(ROSTER_FORMATS.index(RosterXLSX))
    response = importer_client.post(
        PROCESS,
        {
            "import_file_name": storage.name,
            "original_file_name": "bad.xlsx",
            "format": xlsx,
            "resource": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.url == IMPORT
    assert User.objects.count() == before
    assert not User.objects.filter(student_number="2023060601").exists()  # the one good row
    page = importer_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was imported" in page


def test_a_staff_accounts_address_is_not_changed_by_a_roster(importer_client, branches):
    UserFactory(staff=True, student_number="2019000009", email="teacher@example.edu.cn")
    content = csv_bytes("学号,姓名,邮箱", "2019000009,王老师,someone.else@example.edu.cn")
    preview = upload(importer_client, "staff.csv", content, language="en")
    assert reasons(preview) == {
        2: [
            "This is a staff account: change its e-mail address in the admin.",
            "This is a staff account: only a superuser changes it.",
        ]
    }


def test_a_roster_changes_no_colleagues_or_superusers_account(importer_client, branches):
    """The importer changes in a roster only the accounts the admin lets him change."""
    UserFactory(staff=True, student_number="2019000010", name="赵老师")
    UserFactory(is_superuser=True, student_number="2019000011", name="管理员")
    content = csv_bytes(
        "学号,姓名,手机号", "2019000010,被改名,13800000000", "2019000011,也被改名,13800000001"
    )
    preview = upload(importer_client, "staff.csv", content, language="en")
    refusal = "This is a staff account: only a superuser changes it."
    assert reasons(preview) == {2: [refusal], 3: [refusal]}
    assert set(
        User.objects.filter(student_number__startswith="201900001").values_list("name", flat=True)
    ) == {"赵老师", "管理员"}


def test_a_superuser_changes_a_staff_account_by_roster(staff, staff_client, settings, branches):
    settings.STAFF_REQUIRE_2FA = False
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    UserFactory(staff=True, student_number="2019000010", name="赵老师")
    import_file(staff_client, "staff.csv", csv_bytes("学号,姓名", "2019000010,赵老师改"))
    assert User.objects.get(student_number="2019000010").name == "赵老师改"


def test_an_inactive_branch_takes_no_new_people(importer_client, branches):
    Branch.objects.filter(name="本科生第二党支部").update(is_active=False)
    content = csv_bytes(
        "学号,姓名,党支部,邮箱", "2023080801,诸葛亮,本科生第二党支部,zgl@example.edu.cn"
    )
    preview = upload(importer_client, "inactive.csv", content, language="en")
    assert reasons(preview) == {
        2: ["The Party branch “本科生第二党支部” is inactive and takes no new people."]
    }


def test_a_cell_too_long_for_its_field_is_refused(importer_client, branches):
    content = csv_bytes("学号,姓名,邮箱", f"2023080802,{'长' * 65},long@example.edu.cn")
    preview = upload(importer_client, "long.csv", content, language="en")
    assert reasons(preview) == {2: ["Ensure this value has at most 64 characters (it has 65)."]}


# --- whole-file refusals ---------------------------------------------------------------------


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("import_file", [])


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(importer_client, settings):
    settings.ROSTER_MAX_BYTES = 1000
    response = upload(importer_client, "roster-good.xlsx", language="en")
    assert response.status_code == 200
    assert "result" not in response.context
    size = (DATA / "roster-good.xlsx").stat().st_size
    with translation.override("en"):
        expected = (
            f"The file is {filesizeformat(size)}; "
            f"an imported file may be at most {filesizeformat(1000)}."
        )
    assert file_errors(response) == [expected]


def test_a_file_over_the_row_limit_is_refused_before_any_row(importer_client, settings, branches):
    settings.ROSTER_MAX_ROWS = 5
    response = upload(importer_client, "roster-good-utf8.csv", language="en")
    assert "result" not in response.context
    assert file_errors(response) == ["The file has more than 5 rows; import at most 5 at a time."]
    assert User.objects.filter(student_number="2023010101").count() == 0


def test_a_file_without_a_student_number_column_is_refused(importer_client):
    response = upload(
        importer_client, "x.csv", csv_bytes("姓名,邮箱", "王五,w@example.edu.cn"), "en"
    )
    assert "No header row found" in file_errors(response)[0]


def test_a_column_given_twice_is_refused(importer_client):
    content = csv_bytes("学号,Student number,姓名", "2023,2023,王五")
    response = upload(importer_client, "twice.csv", content, language="en")
    assert file_errors(response) == [
        "The columns “学号” and “Student number” both hold the Student number."
    ]


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(importer_client):
    xlsx = str(ROSTER_FORMATS.index(RosterXLSX))
    response = importer_client.post(
        IMPORT,
        {
            "resource": "0",
            "format": xlsx,
            "import_file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04 not a zip"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert file_errors(response) == ["This file could not be read as an Excel workbook (.xlsx)."]


def test_a_refused_upload_still_lists_the_columns_to_import(importer_client):
    shown = importer_client.get(IMPORT).content.decode()
    refused = importer_client.post(IMPORT, {"resource": "0", "format": ""})
    assert file_errors(refused)  # no file chosen
    page = refused.content.decode()
    assert "此次将导入以下字段" in page
    columns = page.split("此次将导入以下字段", 1)[1].split("</code>", 1)[0]
    assert "学号" in columns and "党支部" in columns
    assert columns == shown.split("此次将导入以下字段", 1)[1].split("</code>", 1)[0]


def test_a_file_is_read_as_what_it_is_whatever_its_name(importer_client, branches):
    # A workbook named .csv, and CSV text named .txt: the content decides, not the name.
    workbook = (DATA / "roster-good.xlsx").read_bytes()
    assert upload(importer_client, "roster.csv", workbook).context["result"].totals["new"] == 6
    text = (DATA / "roster-good-utf8.csv").read_bytes()
    assert upload(importer_client, "roster.txt", text).context["result"].totals["new"] == 6


# --- who may import --------------------------------------------------------------------------


def test_staff_without_the_import_permission_see_no_button_and_get_403(
    staff, staff_client, settings
):
    settings.STAFF_REQUIRE_2FA = False
    grant(staff, "view_user")
    page = staff_client.get(CHANGELIST)
    assert page.status_code == 200
    assert IMPORT not in page.content.decode()
    assert staff_client.get(IMPORT).status_code == 403
    assert upload(staff_client, "roster-good.xlsx").status_code == 403
    assert staff_client.post(PROCESS, {}).status_code == 403


def test_the_importer_sees_the_button(importer_client):
    assert IMPORT in importer_client.get(CHANGELIST).content.decode()
    page = importer_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "at most 5.0\xa0MB and 20000 rows" in page


def test_a_superuser_may_import(staff, staff_client, settings, branches):
    settings.STAFF_REQUIRE_2FA = False
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    assert IMPORT in staff_client.get(CHANGELIST).content.decode()
    assert import_file(staff_client, "roster-good.xlsx").status_code == 302


def test_visitors_and_students_are_kept_out(client, student_client):
    assert client.get(IMPORT).status_code == 302  # to the admin's sign-in
    assert student_client.get(IMPORT).status_code == 302


# --- the benchmark ---------------------------------------------------------------------------


def test_the_benchmark_runs_and_leaves_the_database_as_it_was(capsys):
    before = (User.objects.count(), Branch.objects.count(), User.history.count())
    call_command("benchmark_roster_import", "--rows", "50")
    out = capsys.readouterr().out
    assert "preview (dry run):" in out
    assert "import:" in out and "50 people saved with 50 history records" in out
    assert "bare bulk_create" in out
    assert "peak RSS" in out
    assert (User.objects.count(), Branch.objects.count(), User.history.count()) == before


# --- a large roster's preview ------------------------------------------------------------------


def test_a_large_preview_shows_counts_and_its_first_rows(importer_client, branches, monkeypatch):
    monkeypatch.setattr("common.spreadsheet_resources.PREVIEW_ROWS", 3)
    lines = [f"20230911{index:02d},生{index},s{index}@example.edu.cn" for index in range(8)]
    preview = upload(importer_client, "eight.csv", csv_bytes("学号,姓名,邮箱", *lines), "en")
    page = preview.content.decode()
    assert "New: 8. Changed: 0. Unchanged, left as they are: 0." in page
    assert "Below are the first 3 new or changed rows; 5 more are imported the same way." in page
    assert page.count('<tr class="new">') == 3
    assert "生2" in page and "生3" not in page
    confirm(importer_client, preview, "en")
    assert User.objects.filter(student_number__startswith="20230911").count() == 8


def test_unchanged_rows_are_counted_not_listed(importer_client, branches):
    import_file(importer_client, "roster-good.xlsx")
    changed = (DATA / "roster-good-utf8.csv").read_text().replace("计科2301班", "计科2302班", 1)
    page = upload(importer_client, "changed.csv", changed.encode(), "en").content.decode()
    assert "New: 0. Changed: 1. Unchanged, left as they are: 5." in page
    assert page.count('<tr class="update">') == 1
    assert "王思远" in page and "李雨桐" not in page
    assert "more are imported the same way" not in page
