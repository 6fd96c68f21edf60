"""Hostile roster files: a workbook that unpacks to far more than its size, one that declares or
reaches a gigantic sheet, a CSV in an encoding the portal does not read. Each is refused with
a message saying why, nothing is saved, and the worker reading it stays small."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import User

from .test_roster_import import HEADER, IMPORT

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
MEMORY_LIMIT_MB = 300


def roster_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["2023990001", "王五", "男", "", "", "", "2023", "群众", "", "", "w@example.cn"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def rewrite(workbook: bytes, changes: dict, new_parts: dict | None = None) -> bytes:
    """The workbook with some parts changed (`changes`: name -> function of the text) and some
    added (`new_parts`: name -> function writing the part to a stream)."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            text = source.read(part.filename).decode()
            target.writestr(part.filename, changes.get(part.filename, str)(text))
        for name, write in (new_parts or {}).items():
            with target.open(name, "w", force_zip64=True) as out:
                write(out)
    return output.getvalue()


def huge_shared_string() -> bytes:
    """208 KB that unpack to one 200 MB shared string."""

    def write(out) -> None:
        out.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        out.write(b"<si><t>")
        chunk = b"A" * (1024 * 1024)
        for _ in range(200):
            out.write(chunk)
        out.write(b"</t></si></sst>")

    content_type = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    relation = (
        '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    return rewrite(
        roster_workbook(),
        {
            "[Content_Types].xml": lambda text: text.replace("</Types>", content_type),
            "xl/_rels/workbook.xml.rels": lambda text: text.replace("</Relationships>", relation),
        },
        {"xl/sharedStrings.xml": write},
    )


CORNER = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def declared_whole_sheet() -> bytes:
    """A few kilobytes declaring A1:XFD1048576, with a cell in its last corner."""

    def change(text: str) -> str:
        text = text.replace('<dimension ref="A1:K2" />', '<dimension ref="A1:XFD1048576" />')
        return text.replace("</sheetData>", CORNER + "</sheetData>")

    return rewrite(roster_workbook(), {"xl/worksheets/sheet1.xml": change})


def reached_whole_sheet() -> bytes:
    """Declares A1:K2 but has a cell in the sheet's last corner."""

    def change(text: str) -> str:
        return text.replace("</sheetData>", CORNER + "</sheetData>")

    return rewrite(roster_workbook(), {"xl/worksheets/sheet1.xml": change})


HOSTILE = {
    "huge-shared-string.xlsx": (
        huge_shared_string,
        "The workbook unpacks to 200.0\xa0MB; "
        "an imported workbook may unpack to at most 30.0\xa0MB.",
    ),
    "declared-whole-sheet.xlsx": (
        declared_whole_sheet,
        "The sheet declares 1048576 rows and 16384 columns; an imported sheet may have at most "
        "40010 rows and 100 columns.",
    ),
    "reached-whole-sheet.xlsx": (
        reached_whole_sheet,
        "The sheet goes on past row 40010; an imported sheet may reach row 40010 at most",
    ),
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, (build, _message) in HOSTILE.items():
        paths[name] = folder / name
        paths[name].write_bytes(build())
    return paths


def test_the_bombs_are_small_files(hostile_files):
    assert hostile_files["huge-shared-string.xlsx"].stat().st_size < 300 * 1024
    assert hostile_files["declared-whole-sheet.xlsx"].stat().st_size < 8 * 1024


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_workbook_is_refused_saying_why(importer_client, hostile_files, name):
    upload = SimpleUploadedFile(name, hostile_files[name].read_bytes())
    response = importer_client.post(
        IMPORT,
        {"resource": "0", "format": "", "import_file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "result" not in response.context
    errors = response.context["form"].errors["import_file"]
    assert HOSTILE[name][1] in errors[0]
    assert not User.objects.filter(student_number="2023990001").exists()


READ_IN_A_FRESH_WORKER = """
import sys
import django
django.setup()
from members.resources import RosterXLSX
from common.spreadsheets import SpreadsheetFileError
try:
    RosterXLSX().create_dataset(open(sys.argv[1], "rb").read())
    outcome = "read"
except SpreadsheetFileError:
    outcome = "refused"
# The peak of this process's own memory: VmHWM, since ru_maxrss keeps the parent's peak across
# the fork and exec that started it (the test run's, which grows with the tests before it).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(outcome, peak_kb // 1024)
"""


@pytest.mark.parametrize("name", list(HOSTILE))
def test_reading_a_hostile_workbook_keeps_the_worker_small(hostile_files, name):
    result = subprocess.run(
        [sys.executable, "-c", READ_IN_A_FRESH_WORKER, str(hostile_files[name])],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "workstation.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome, peak_mb = result.stdout.split()
    assert outcome == "refused"
    assert int(peak_mb) < MEMORY_LIMIT_MB


def test_a_workbook_within_the_limits_is_read_row_by_row(importer_client, branches):
    upload = SimpleUploadedFile("ok.xlsx", roster_workbook())
    response = importer_client.post(
        IMPORT, {"resource": "0", "format": "", "import_file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "confirm_form" in response.context


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("big5", "Big5"), ("shift_jis", "Shift_JIS")],
)
def test_a_csv_in_an_unsupported_encoding_says_so(importer_client, encoding, name):
    text = "學號,姓名,郵箱\r\n2023990001,王五,w@example.cn\r\n"
    if encoding == "shift_jis":
        text = "学号,姓名\r\n2023990001,山田\r\n"
    upload = SimpleUploadedFile("big5.csv", text.encode(encoding))
    response = importer_client.post(
        IMPORT, {"resource": "0", "format": "", "import_file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    errors = response.context["form"].errors["import_file"]
    assert errors == [
        f"This file is saved in the {name} encoding, which is not supported. The supported "
        "encodings are UTF-8, GBK (GB18030) and UTF-16 (Excel's “Unicode text”): save it from "
        "Excel as “CSV UTF-8” and upload it again."
    ]
    assert not User.objects.filter(student_number="2023990001").exists()
