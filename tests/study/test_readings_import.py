"""Reading lists imported in the admin: preview, confirm, every bad row with its reason, nothing
saved until the whole file is valid; and the activity and registration admin."""

import html
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.tmp_storages import CacheStorage

from study.models import Reading, Registration, StudyEntry
from study.resources import READINGS_FORMATS, ReadingsCSV
from tests.factories import UserFactory

from .factories import ActivityFactory, ReadingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/study/reading/import/"
PROCESS = "/admin/study/reading/process_import/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def grant(user, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


@pytest.fixture
def importer_client(staff, staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    grant(staff, "view_reading", "add_reading", "change_reading", "import_reading")
    return staff_client


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(lines).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, name: str, content: bytes):
    return client.post(
        IMPORT,
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def confirm(client, preview):
    return client.post(
        PROCESS, preview.context["confirm_form"].initial, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )


GOOD_CSV = csv_bytes(
    "2026年秋季学期必读篇目",
    "标题,来源,阶段,链接,正文",
    "中国共产党章程,《中国共产党章程》,第一阶段,https://www.12371.cn/special/zggcddzc/,",
    "中国共产党纪律处分条例,《中国共产党纪律处分条例》,1,,第一条 为了维护党的章程……",
    "",
    "关于新形势下党内政治生活的若干准则,党内法规,学党章党规,,见党内法规汇编",
    "在庆祝中国共产党成立100周年大会上的讲话,讲话,2,https://www.gov.cn/xinwen/2021-07/15/content_5625254.htm,",
    "党员教育管理工作条例,党内法规,Stage 3 · Be a qualified Party member,,见党内法规汇编",
)


@pytest.mark.parametrize("kind", ["csv-utf8", "csv-gbk", "xlsx"])
def test_a_good_list_is_previewed_then_imported(importer_client, staff, kind):
    if kind == "xlsx":
        content = xlsx_bytes(
            [
                ["Title", "Source", "Stage", "Link", "Text"],
                ["中国共产党章程", "《中国共产党章程》", 1, "https://www.12371.cn/", None],
                [
                    "中国共产党纪律处分条例",
                    "《中国共产党纪律处分条例》",
                    "第一阶段",
                    None,
                    "第一条",
                ],
                ["在庆祝中国共产党成立100周年大会上的讲话", "讲话", 2, None, "全文\n第二段"],
            ]
        )
        name, expected = "readings.xlsx", 3
    else:
        encoding = "gb18030" if kind == "csv-gbk" else "utf-8-sig"
        content = GOOD_CSV.decode("utf-8-sig").encode(encoding)
        name, expected = "readings.csv", 5

    preview = upload(importer_client, name, content)
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, text(preview)
    assert not Reading.objects.exists()  # nothing saved by the preview

    done = confirm(importer_client, preview)
    assert done.status_code == 200
    assert Reading.objects.count() == expected
    charter = Reading.objects.get(title="中国共产党章程")
    assert charter.stage == 1 and charter.source == "《中国共产党章程》"
    assert Reading.objects.get(title="在庆祝中国共产党成立100周年大会上的讲话").stage == 2
    assert charter.history.get().history_user == staff
    assert Reading.objects.get(title="中国共产党纪律处分条例").text.startswith("第一条")
    if kind == "xlsx":
        speech = Reading.objects.get(title="在庆祝中国共产党成立100周年大会上的讲话")
        assert speech.text == "全文\n第二段"
    if kind != "xlsx":
        assert Reading.objects.get(title="关于新形势下党内政治生活的若干准则").stage == 1
        assert Reading.objects.get(title="党员教育管理工作条例").stage == 3


def test_importing_again_updates_in_place(importer_client):
    ReadingFactory(title="中国共产党章程", source="旧来源", stage=2)
    confirm(importer_client, upload(importer_client, "readings.csv", GOOD_CSV))
    charter = Reading.objects.get(title="中国共产党章程")
    assert charter.source == "《中国共产党章程》" and charter.stage == 1
    assert Reading.objects.count() == 5


def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_saved(importer_client):
    content = csv_bytes(
        "标题,来源,阶段,链接,正文",
        "中国共产党章程,《中国共产党章程》,1,,正文",
        ",没有标题,1,,正文",
        "阶段不对,讲话,第五阶段,,正文",
        "链接不对,讲话,2,not a link,",
        "中国共产党章程,重复,1,,正文",
        "没有阶段,讲话,,,正文",
        "无可阅读,讲话,2,,",
    )
    preview = upload(importer_client, "bad.csv", content)
    page = text(preview)
    assert "confirm_form" not in preview.context
    errors = {number: str(errors) for number, errors in preview.context["result"].row_errors()}
    assert errors == {}  # refusals are validation errors, shown per row below
    invalid = {row.number: row for row in preview.context["result"].invalid_rows}
    assert set(invalid) == {3, 4, 5, 6, 7, 8}
    assert "Give the reading its text, a link or a PDF." in page
    assert "Enter the title." in page
    assert "Unknown stage “第五阶段”" in page
    assert "Enter a valid URL." in page
    assert "This title is also in row 2." in page
    assert "Enter the stage: 1, 2 or 3." in page
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("no-header.csv", csv_bytes("甲,乙", "丙,丁"), "No header row found"),
        ("broken.xlsx", b"PK\x03\x04not a workbook", "could not be read as an Excel workbook"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "as an Excel 97-2003 workbook (.xls)"),
        ("utf16.csv", b"\xff\xfe\x00t\x00", "saved in an encoding that is not supported"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(
    importer_client, name, content, message
):
    response = upload(importer_client, name, content)
    assert response.status_code == 200
    assert message in text(response)
    assert not Reading.objects.exists()


def test_a_column_given_twice_is_refused(importer_client):
    response = upload(importer_client, "twice.csv", csv_bytes("标题,阶段,名称", "章程,1,党章"))
    assert response.context["form"].errors["import_file"] == [
        "The columns “标题” and “名称” both hold the Title."
    ]
    assert not Reading.objects.exists()


def test_a_confirmation_forced_past_the_preview_saves_nothing(importer_client):
    storage = CacheStorage()
    storage.save(csv_bytes("标题,阶段", "中国共产党章程,1", "阶段不对,第五阶段"))
    response = importer_client.post(
        PROCESS,
        {
            "import_file_name": storage.name,
            "original_file_name": "bad.csv",
            "format": str(READINGS_FORMATS.index(ReadingsCSV)),
            "resource": "0",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.redirect_chain == [(IMPORT, 302)]
    assert "Nothing was imported" in text(response)
    assert not Reading.objects.exists()


def test_staff_without_the_import_permission_get_403(staff, staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    grant(staff, "view_reading")
    assert staff_client.get(IMPORT).status_code == 403
    assert upload(staff_client, "readings.csv", GOOD_CSV).status_code == 403
    assert not Reading.objects.exists()


def test_students_are_kept_out(student_client):
    response = student_client.get(IMPORT)
    assert response.status_code == 302 and "login" in response["Location"]


# --- activities and registrations in the admin ---------------------------------------------------


@pytest.fixture
def superuser_client(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    admin = UserFactory(staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_activity_admin_lists_and_shows_the_registrations(superuser_client, member):
    activity = ActivityFactory(title="专家讲座 党的二十大精神", capacity=2)
    RegistrationFactory(activity=activity, person=member)
    changelist = superuser_client.get(reverse("admin:study_activity_changelist"))
    assert "专家讲座 党的二十大精神" in text(changelist)
    change = superuser_client.get(reverse("admin:study_activity_change", args=[activity.pk]))
    assert member.display_name in text(change)
    history = superuser_client.get(reverse("admin:study_activity_history", args=[activity.pk]))
    assert history.status_code == 200


def test_the_activity_admin_refuses_an_end_before_the_start(superuser_client):
    activity = ActivityFactory()
    data = {
        "title": activity.title,
        "kind": activity.kind,
        "stage": activity.stage,
        "description": "",
        "starts_at_0": "2026-12-01",
        "starts_at_1": "10:00:00",
        "ends_at_0": "2026-12-01",
        "ends_at_1": "09:00:00",
        "place": activity.place,
        "capacity": "0",
        "hours": "2",
        "organiser": activity.organiser.pk,
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = superuser_client.post(
        reverse("admin:study_activity_change", args=[activity.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = text(response)
    assert "Ensure this value is greater than or equal to 1." in page
    assert "An activity must end after it starts." in page or "must end after" in page
    activity.refresh_from_db()
    assert activity.capacity == 30


def test_the_registration_admin_marks_attendance_through_the_service(superuser_client, member):
    activity = ActivityFactory(running=True)
    registration = RegistrationFactory(activity=activity, person=member)
    changelist = reverse("admin:study_registration_changelist")
    superuser_client.post(
        changelist, {"action": "mark_present", "_selected_action": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert StudyEntry.objects.get(person=member).hours == activity.hours

    superuser_client.post(
        changelist, {"action": "take_back_attendance", "_selected_action": [registration.pk]}
    )
    assert not StudyEntry.objects.exists()
    assert Registration.objects.get().attended_at is None


def test_the_admin_gives_a_new_sign_in_code(superuser_client):
    activity = ActivityFactory()
    old = activity.sign_in_code
    superuser_client.post(
        reverse("admin:study_activity_changelist"),
        {"action": "renew_sign_in_codes", "_selected_action": [activity.pk]},
    )
    activity.refresh_from_db()
    assert activity.sign_in_code != old and len(activity.sign_in_code) == 6


def test_the_attendance_sheet_is_exported_with_formulae_escaped(superuser_client, member):
    activity = ActivityFactory(title="=HYPERLINK(1)", running=True)
    RegistrationFactory(activity=activity, person=member, attended=True)
    response = superuser_client.post(
        reverse("admin:study_registration_export"),
        {"format": "0", "resource": "0", **{f"registrationresource_{n}": "on" for n in FIELDS}},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, text(response)[:2000]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Activity", "Starts at", "Student number", "Name")
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][3] == member.name and rows[1][5] == "Signed up"
    assert rows[1][7]


FIELDS = [
    "activity",
    "starts_at",
    "student_number",
    "name",
    "branch",
    "status",
    "registered_at",
    "attended_at",
]
