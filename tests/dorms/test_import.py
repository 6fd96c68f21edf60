"""The housing office's list imported in the admin: .xlsx and GBK CSV, Chinese or English
headers, a preview with every bad row's number and reason, nothing saved unless the whole file is
valid, and a second import that updates in place."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from dorms.models import Bed, Building, Contact, Residency, Room
from tests.factories import UserFactory

from .factories import BedFactory, BuildingFactory, FloorFactory, ResidencyFactory, RoomFactory

IMPORT = "/admin/dorms/residency/import/"
PROCESS = "/admin/dorms/residency/process_import/"
HEADER = ["楼栋", "楼层", "房间号", "床位", "学号", "姓名", "入住日期"]


@pytest.fixture
def importer(staff):
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_residency", "import_residency"])
    )
    return staff


@pytest.fixture
def students(db):
    return {
        number: UserFactory(student_number=number, name=name, gender=gender)
        for number, name, gender in [
            ("20240001", "王一", "male"),
            ("20240002", "王二", "male"),
            ("20240003", "李三", "female"),
        ]
    }


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv(rows, encoding="gbk") -> bytes:
    return "\r\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


GOOD = [
    HEADER,
    ["5号楼", 2, "201", "1", "20240001", "王一", datetime.date(2026, 9, 1)],
    ["5号楼", 2, "201", "2", "20240002", "王二", "2026-09-01"],
    ["6号楼", 3, "301", "1", "20240003", "李三", "2026/09/02"],
]


def upload(client, name: str, data: bytes):
    return client.post(
        IMPORT, {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, data)}
    )


def confirm(client, preview):
    return client.post(PROCESS, preview.context["confirm_form"].initial)


def reasons(response) -> dict[int, str]:
    result = response.context["result"]
    return {
        row.number: " ".join(m for messages in row.error_dict.values() for m in messages)
        for row in result.invalid_rows
    }


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("residents.xlsx", xlsx(GOOD)),
        ("residents.csv", csv([[str(c) for c in row] for row in GOOD])),  # GBK, as Excel saves
        (
            "residents-en.csv",
            csv(
                [["Building", "Floor", "Room", "Bed", "Student number", "Name", "Moved in"]]
                + [[str(c) for c in row] for row in GOOD[1:]],
                encoding="utf-8",
            ),
        ),
    ],
    # Named by the file only: a workbook's bytes carry the time it was made, and the suite's
    # processes must collect the same tests.
    ids=["xlsx", "csv-gbk", "csv-english"],
)
def test_a_good_file_is_previewed_then_imported(client, importer, students, name, data):
    client.force_login(importer)
    preview = upload(client, name, data)
    assert "confirm_form" in preview.context, reasons(preview)
    assert Residency.objects.count() == 0  # the preview saves nothing
    assert confirm(client, preview).status_code == 302
    homes = {
        r.person.student_number: (r.room.floor.building.name, r.room.number, r.bed.label, r.start)
        for r in Residency.objects.select_related("person", "room__floor__building", "bed")
    }
    assert homes == {
        "20240001": ("5号楼", "201", "1", datetime.date(2026, 9, 1)),
        "20240002": ("5号楼", "201", "2", datetime.date(2026, 9, 1)),
        "20240003": ("6号楼", "301", "1", datetime.date(2026, 9, 2)),
    }


def test_a_second_import_updates_in_place_and_keeps_the_history(client, importer, students):
    client.force_login(importer)
    confirm(client, upload(client, "r.xlsx", xlsx(GOOD)))
    again = confirm(client, upload(client, "r.xlsx", xlsx(GOOD)))
    assert again.status_code == 302
    assert Residency.objects.count() == 3
    moved = [*GOOD[:3], ["6号楼", 3, "302", "1", "20240003", "李三", "2027-02-20"]]
    confirm(client, upload(client, "r.xlsx", xlsx(moved)))
    history = Residency.objects.filter(person=students["20240003"]).order_by("start")
    assert [(r.room.number, r.until) for r in history] == [
        ("301", datetime.date(2027, 2, 19)),
        ("302", None),
    ]
    assert Residency.objects.count() == 4


def faulty(rows) -> list:
    return [HEADER, *rows]


@pytest.mark.parametrize(
    ("rows", "row", "words"),
    [
        ([["5号楼", 2, "201", "1", "20249999", "无名", "2026-09-01"]], 2, "20249999"),
        (
            [
                ["5号楼", 2, "201", "1", "20240001", "王一", "2026-09-01"],
                ["5号楼", 2, "201", "1", "20240002", "王二", "2026-09-01"],
            ],
            3,
            "第2行",
        ),
        ([["女生楼", 1, "101", "1", "20240001", "王一", "2026-09-01"]], 2, "女生楼"),
        ([["5号楼", 2, "201", "1", "20240001", "王一", "九月一日"]], 2, "九月一日"),
        (
            [
                ["小楼", 1, "101", "", "20240001", "王一", "2026-09-01"],
                ["小楼", 1, "101", "", "20240002", "王二", "2026-09-01"],
            ],
            3,
            "已住满",
        ),
        ([["占用楼", 1, "101", "1", "20240001", "王一", "2026-09-01"]], 2, "占用"),
    ],
    ids=["unknown-number", "bed-twice", "gender", "bad-date", "over-capacity", "bed-taken"],
)
def test_each_bad_row_is_named_and_nothing_is_saved(client, importer, students, rows, row, words):
    BuildingFactory(name="女生楼", gender="female")
    RoomFactory(
        floor=FloorFactory(building=BuildingFactory(name="小楼"), number=1),
        number="101",
        capacity=1,
    )
    taken = RoomFactory(
        floor=FloorFactory(building=BuildingFactory(name="占用楼"), number=1), number="101"
    )
    ResidencyFactory(
        person=UserFactory(student_number="20230077"),
        room=taken,
        bed=BedFactory(room=taken, label="1"),
    )
    before = (
        Residency.objects.count(),
        Building.objects.count(),
        Room.objects.count(),
        Bed.objects.count(),
    )
    client.force_login(importer)
    preview = upload(client, "bad.xlsx", xlsx(faulty(rows)))
    assert "confirm_form" not in preview.context
    found = reasons(preview)
    assert row in found and words in found[row], found
    after = (
        Residency.objects.count(),
        Building.objects.count(),
        Room.objects.count(),
        Bed.objects.count(),
    )
    assert after == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, importer, settings):
    settings.ROSTER_MAX_BYTES = 100
    client.force_login(importer)
    response = upload(client, "big.xlsx", xlsx(GOOD))
    assert "confirm_form" not in response.context
    assert response.context["form"].errors["import_file"]


def test_staff_without_the_permission_may_not_import(client, staff):
    client.force_login(staff)
    assert client.get(IMPORT).status_code == 403


# --- members looking after rooms ---------------------------------------------------------------

CONTACTS_IMPORT = "/admin/dorms/contact/import/"


@pytest.fixture
def contact_importer(staff):
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_contact", "import_contact"])
    )
    return staff


def test_members_looking_after_rooms_and_floors_are_imported(
    client, contact_importer, member, student, room, floor
):
    client.force_login(contact_importer)
    other = UserFactory(student_number="20229999", political_status="activist")
    rows = [
        ["学号", "姓名", "楼栋", "楼层", "房间号"],
        [member.student_number, member.name, "1号楼", 3, ""],  # the whole floor
        [other.student_number, other.name, "1号楼", 3, "301"],
    ]
    data = {"resource": "0", "format": "", "import_file": SimpleUploadedFile("c.xlsx", xlsx(rows))}
    preview = client.post(CONTACTS_IMPORT, data)
    assert "confirm_form" in preview.context, reasons(preview)
    process = "/admin/dorms/contact/process_import/"
    assert client.post(process, preview.context["confirm_form"].initial).status_code == 302
    assert set(
        Contact.objects.values_list("member__student_number", "room__number", "floor__number")
    ) == {
        (member.student_number, "301", None),  # from the fixture
        (member.student_number, None, 3),
        (other.student_number, "301", None),
    }


def test_a_contact_file_with_bad_rows_saves_nothing(client, contact_importer, student, room):
    client.force_login(contact_importer)
    rows = [
        ["Student number", "Building", "Floor", "Room"],
        ["20248888", "1号楼", 3, "301"],
        [student.student_number, "1号楼", 3, "301"],
        [student.student_number, "9号楼", 1, ""],
    ]
    data = {"resource": "0", "format": "", "import_file": SimpleUploadedFile("c.csv", csv(rows))}
    preview = client.post(CONTACTS_IMPORT, data)
    found = reasons(preview)
    assert "20248888" in found[2] and "工作站成员" in found[3] and "9号楼" in found[4]
    assert Contact.objects.count() == 1
