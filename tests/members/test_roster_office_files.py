"""Rosters as college offices make them, in Excel and WPS or saved from older systems: student
numbers Excel has already changed, names an encoding has damaged, hidden rows, titles above and
signatures below the table, two-row headers, several sheets, Excel 97 and "Unicode text" files.

Each file is either imported exactly as typed, with the preview saying what was not read, or
refused with the row and the reason, and then nothing is saved.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import PoliticalStatus, User
from tests.factories import UserFactory

from .test_roster_import import DATA, IMPORT, confirm, csv_bytes, reasons, upload

pytestmark = pytest.mark.django_db

FIX = "Format the column as text in Excel and type the numbers again."


def workbook(*sheets: tuple[str, list[list[object]]], hidden: tuple[int, ...] = ()) -> bytes:
    """A workbook of the named sheets; `hidden` rows (numbered as Excel shows them) of the
    first sheet are hidden."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for number in hidden:
        book.worksheets[0].row_dimensions[number].hidden = True
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def report(preview):
    return preview.context["result"].report


def imported(client, name: str, content: bytes):
    preview = upload(client, name, content, language="en")
    assert "confirm_form" in preview.context, reasons(preview)
    assert confirm(client, preview, "en").status_code == 302
    return preview


def refused(client, name: str, content: bytes) -> dict[int, list[str]]:
    before = User.objects.count()
    preview = upload(client, name, content, language="en")
    assert "confirm_form" not in preview.context
    assert User.objects.count() == before
    return reasons(preview)


# --- student numbers Excel has changed ---------------------------------------------------------


def test_a_number_cell_that_lost_its_leading_zero_is_refused(importer_client, branches):
    # 01020230000 typed into a cell not formatted as text: Excel keeps 1020230000.
    content = workbook(
        (
            "名单",
            [
                ["学号", "姓名", "邮箱"],
                ["01020230001", "甲", "a@example.edu.cn"],
                [1020230000, "乙", "b@example.edu.cn"],
            ],
        )
    )
    assert refused(importer_client, "zeros.xlsx", content) == {
        3: [
            "The student number 1020230000 is stored as a number and is shorter than others in "
            f"the file: Excel drops the leading zeros of a number. {FIX}"
        ]
    }


def test_number_cells_as_long_as_the_others_are_kept(importer_client, branches):
    content = workbook(("名单", [["学号", "姓名", "邮箱"], [2023010101, "甲", "a@example.edu.cn"]]))
    imported(importer_client, "numbers.xlsx", content)
    assert User.objects.get(student_number="2023010101").name == "甲"


def test_a_number_in_scientific_notation_is_refused(importer_client, branches):
    content = csv_bytes(
        "学号,姓名,邮箱", "2.02301E+11,甲,a@example.edu.cn", "202301000002,乙,b@example.edu.cn"
    )
    assert refused(importer_client, "scientific.csv", content) == {
        2: [
            "The student number “2.02301E+11” is in scientific notation: Excel has already "
            f"rounded it. {FIX}"
        ]
    }


def test_a_number_too_long_to_be_exact_is_refused(importer_client, branches):
    # 110101200001011230 typed as a number: Excel keeps 110101200001011000 (15 digits exact).
    content = workbook(
        ("名单", [["学号", "姓名", "邮箱"], [110101200001011230, "甲", "a@example.edu.cn"]])
    )
    [message] = refused(importer_client, "long.xlsx", content)[2]
    assert message.startswith("The student number 1101012000010112")
    assert message.endswith(
        "is stored as a number too long for Excel to keep exactly: its last digits may have "
        f"changed. {FIX}"
    )


def test_full_width_digits_and_spaces_are_made_plain(importer_client, branches):
    content = csv_bytes(
        "学号,姓名,邮箱",
        "\uff16\uff11\uff14\uff12\uff10\uff12\uff13\uff10\uff10\uff10\uff14,郭\u3000子,guozi@example.edu.cn",
        " 2023 0101 03 ,\uff21\uff4e\uff4e\uff41\u3000\u3000\uff2c\uff49,anna@example.edu.cn",
    )
    imported(importer_client, "wide.csv", content)
    assert User.objects.get(student_number="61420230004").name == "郭子"
    assert User.objects.get(student_number="2023010103").name == "Anna Li"


def test_a_student_number_of_another_shape_is_refused(importer_client, branches, settings):
    settings.STUDENT_NUMBER_PATTERN = r"\d{11}"
    content = csv_bytes(
        "学号,姓名,邮箱", "61420230004,甲,a@example.edu.cn", "2023010101,乙,b@example.edu.cn"
    )
    assert refused(importer_client, "shape.csv", content) == {
        3: ["“2023010101” is not a student number: a student number here is 11 digits."]
    }
    settings.STUDENT_NUMBER_PATTERN = r"\d{6,20}"
    content = csv_bytes("学号,姓名,邮箱", "S2023-01,甲,a@example.edu.cn")
    assert refused(importer_client, "letters.csv", content) == {
        2: ["“S2023-01” is not a student number: a student number here is 6 to 20 digits."]
    }


# --- names an encoding has damaged -------------------------------------------------------------


@pytest.mark.parametrize("name", ["刘?", "刘\uff1f", "刘\ufffd"])
def test_a_name_with_a_lost_character_is_refused(importer_client, branches, name):
    content = csv_bytes("学号,姓名,邮箱", f"2023010104,{name},liu@example.edu.cn")
    shown = "刘?" if name == "刘\uff1f" else name  # the full-width mark is made plain
    assert refused(importer_client, "gbk.csv", content) == {
        2: [
            f"The name “{shown}” has “?”/“\ufffd” where a character was lost, as happens when "
            "Excel saves a rare character in GBK. Type the name again, and save the file as "
            "“CSV UTF-8” or as a workbook."
        ]
    }


# --- what is not read, said in the preview -----------------------------------------------------


def test_hidden_rows_are_skipped_and_listed(importer_client, branches):
    content = workbook(
        (
            "名单",
            [
                ["学号", "姓名", "邮箱"],
                ["2023010105", "甲", "a@example.edu.cn"],
                ["2023010106", "已离校", "b@example.edu.cn"],
                ["2023010107", "丙", "c@example.edu.cn"],
            ],
        ),
        hidden=(3,),
    )
    preview = imported(importer_client, "hidden.xlsx", content)
    assert report(preview).hidden_rows == [3]
    assert "Hidden rows skipped, not imported: 3" in preview.content.decode()
    assert not User.objects.filter(student_number="2023010106").exists()
    assert User.objects.filter(student_number__in=["2023010105", "2023010107"]).count() == 2


def test_columns_not_read_are_listed_as_ignored(importer_client, branches):
    content = csv_bytes(
        "序号,学号,姓名,出生日期,入党时间,转正时间,备注,邮箱",
        "1,2023010108,甲,2004.05.06,2023.06.01,2024.06.01,班长,a@example.edu.cn",
    )
    preview = imported(importer_client, "columns.csv", content)
    assert report(preview).ignored_columns == ["序号", "备注"]
    assert report(preview).later_columns == ["出生日期", "入党时间", "转正时间"]
    page = preview.content.decode()
    assert "Columns not read, ignored: 序号, 备注" in page
    assert "Date columns not read for now" in page and "出生日期, 入党时间, 转正时间" in page


def test_a_signature_footer_is_recognised_and_ignored(importer_client, branches):
    content = workbook(
        (
            "名单",
            [
                ["学号", "姓名", "学院", "邮箱"],
                ["2023010109", "甲", "文学院", "a@example.edu.cn"],
                [None, None, None, None],
                [None, None, "制表人\uff1a王老师", None],
                ["制表日期\uff1a2024年10月8日"],
            ],
        )
    )
    preview = imported(importer_client, "footer.xlsx", content)
    assert report(preview).footer_rows == [
        (4, "制表人\uff1a王老师"),
        (5, "制表日期\uff1a2024年10月8日"),
    ]
    page = preview.content.decode()
    assert "Row 4, under the table, has no student number and no name" in page
    assert User.objects.get(student_number="2023010109").college == "文学院"


def test_a_row_without_number_and_name_inside_the_table_is_still_refused(importer_client, branches):
    content = csv_bytes(
        "学号,姓名,学院,邮箱",
        "2023010110,甲,文学院,a@example.edu.cn",
        ",,文学院,x@example.edu.cn",
        "2023010111,乙,文学院,b@example.edu.cn",
    )
    assert refused(importer_client, "middle.csv", content) == {
        3: ["Enter the student number.", "Enter the name."]
    }


def test_a_two_row_header_with_merged_cells_is_read(importer_client, branches):
    # 学号 and 姓名 merged down over two rows; 联系方式 spans 手机号 and 邮箱 below it.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2023级名单"])
    sheet.append(["学号", "姓名", "联系方式", None, "政治面貌"])
    sheet.append([None, None, "手机号", "邮箱", None])
    sheet.append(["2023010112", "甲", "13812345690", "a@example.edu.cn", "共青团员"])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "A1:E1"):
        sheet.merge_cells(cells)
    output = io.BytesIO()
    book.save(output)
    imported(importer_client, "two-rows.xlsx", output.getvalue())
    person = User.objects.get(student_number="2023010112")
    assert (person.email, person.phone, person.political_status) == (
        "a@example.edu.cn",
        "13812345690",
        PoliticalStatus.LEAGUE,
    )


def test_the_grade_is_taken_from_dates_and_years(importer_client, branches):
    grades = [
        datetime.datetime(2023, 9, 1),
        "2023.09.01",
        "2023年9月1日",
        "20230901",
        "2023.09",
        2023.09,
        "2023-9-1",
        "2023/9/1",
    ]
    rows = [["学号", "姓名", "年级", "邮箱"]]
    for index, grade in enumerate(grades):
        rows.append([f"20230102{index:02d}", f"生{index}", grade, f"g{index}@example.edu.cn"])
    imported(importer_client, "grades.xlsx", workbook(("名单", rows)))
    saved = User.objects.filter(student_number__startswith="20230102")
    assert sorted(saved.values_list("grade", flat=True)) == [2023] * len(grades)


# --- sheets ------------------------------------------------------------------------------------

ROSTER = [["学号", "姓名", "邮箱"], ["2023010113", "甲", "a@example.edu.cn"]]
OTHER_ROSTER = [["学号", "姓名", "邮箱"], ["2023010114", "乙", "b@example.edu.cn"]]


def test_the_sheet_with_the_header_is_found_and_named(importer_client, branches):
    content = workbook(("说明", [["请填写第二个工作表"]]), ("2023级", ROSTER))
    preview = imported(importer_client, "second-sheet.xlsx", content)
    assert report(preview).sheet == "2023级"
    assert "Read from the sheet “2023级”." in preview.content.decode()
    assert User.objects.filter(student_number="2023010113").exists()


def test_several_sheets_with_a_roster_let_staff_choose(importer_client, branches):
    content = workbook(("一班", ROSTER), ("二班", OTHER_ROSTER))
    response = upload(importer_client, "two.xlsx", content, language="en")
    form = response.context["form"]
    assert form.errors["sheet"] == [
        "Several sheets of this workbook hold a table with these columns: “一班”, “二班”. "
        "Choose the sheet to read, and upload the file again."
    ]
    assert [value for value, _label in form.fields["sheet"].widget.choices] == ["", "一班", "二班"]
    assert not User.objects.filter(student_number__in=["2023010113", "2023010114"]).exists()

    chosen = importer_client.post(
        IMPORT,
        {
            "resource": "0",
            "format": "",
            "sheet": "二班",
            "import_file": SimpleUploadedFile("two.xlsx", content),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert report(chosen).sheet == "二班"
    assert chosen.context["confirm_form"].initial["sheet"] == "二班"
    confirm(importer_client, chosen, "en")
    assert User.objects.filter(student_number="2023010114").exists()
    assert not User.objects.filter(student_number="2023010113").exists()


def test_a_workbook_without_a_roster_sheet_names_its_sheets(importer_client):
    content = workbook(("说明", [["填表说明"]]), ("统计", [["人数", 3]]))
    response = upload(importer_client, "none.xlsx", content, language="en")
    [message] = response.context["form"].errors["sheet"]
    assert message.startswith(
        "No sheet of this workbook has a header row (its sheets are “说明”, “统计”)."
    )


# --- file kinds --------------------------------------------------------------------------------


def test_an_excel_97_workbook_is_read(importer_client, branches):
    """roster-office.xls was written by xlwt as an older system saves it: an instructions
    sheet first, a title, 年级 as a date cell and as text, a hidden row (郑离, row 5), a date
    column, a full-width space in a name and a signature footer."""
    content = (DATA / "roster-office.xls").read_bytes()
    preview = imported(importer_client, "roster-office.xls", content)
    read = report(preview)
    assert read.sheet == "名单"
    assert read.hidden_rows == [5]
    assert read.ignored_columns == ["序号"]
    assert read.later_columns == ["入党时间"]
    assert read.footer_rows == [(8, "制表人\uff1a王老师"), (9, "制表日期\uff1a2024年10月8日")]
    saved = User.objects.filter(student_number__startswith="20241100").order_by("student_number")
    assert list(saved.values_list("student_number", "name", "grade", "political_status")) == [
        ("2024110001", "周明", 2024, PoliticalStatus.PROBATIONARY),
        ("2024110002", "吴桐", 2024, PoliticalStatus.ACTIVIST),
        ("2024110004", "冯雪", 2024, PoliticalStatus.LEAGUE),
    ]


def test_excels_unicode_text_is_read(importer_client, branches):
    text = "学号\t姓名\t邮箱\r\n2023010115\t丁一\tding@example.edu.cn\r\n"
    imported(importer_client, "unicode.txt", text.encode("utf-16"))
    assert User.objects.get(student_number="2023010115").name == "丁一"


# --- the same rules in the admin -----------------------------------------------------------------


def test_the_admin_keeps_the_same_rules_for_numbers_and_names():
    person = UserFactory()
    person.student_number = "\uff12\uff10\uff12\uff13 0101\u300001"
    person.name = "\u90ed\u3000\u5b50"
    person.full_clean()
    assert (person.student_number, person.name) == ("2023010101", "郭子")
    person.student_number, person.name = "2023-01", "刘?"
    with pytest.raises(ValidationError) as refused_edit:
        person.full_clean()
    assert set(refused_edit.value.message_dict) == {"student_number", "name"}
