"""Reading a table from a spreadsheet, as the roster and the reading list both do: the header
row found by its names, rows numbered as the spreadsheet shows them, the limits, the cells."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.identifiers import (
    check_number_cell,
    describe_pattern,
    identifier_from_cell,
    normalize_name,
    validate_identifier,
    validate_name,
)
from common.spreadsheets import (
    ROW_COLUMN,
    HiddenRow,
    SpreadsheetCSV,
    SpreadsheetFileError,
    cell_text,
    escape_formula,
    parse_date,
    read_table,
    unescape_formula,
    year_of,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


COLUMNS = {"code": "Code", "label": "Label"}
ALIASES = {"code": ("编号", "code no"), "label": ("名称",)}


def read(rows, max_rows: int = 10):
    return read_table(
        rows,
        columns=COLUMNS,
        aliases=ALIASES,
        key="code",
        max_rows=max_rows,
        no_header="No header: 编号, 名称.",
    )


def test_the_header_is_found_under_a_title_and_rows_keep_their_numbers():
    dataset = read(
        [
            ["2026年名单"],
            ["名称", "备注", "Code No."],  # another column is ignored; aliases loosely matched
            ["甲", "x", 1.0],
            [None, None, None],
            ["乙"],  # a short row: the missing cells are blank
        ]
    )
    assert dataset.headers == ["Label", "Code", ROW_COLUMN]
    assert [list(row) for row in dataset] == [["甲", "1", 3], ["乙", "", 5]]


def test_the_header_names_the_key_column_and_one_more():
    with pytest.raises(SpreadsheetFileError, match="No header: 编号, 名称"):
        read([["名称", "Label"], ["甲", "乙"]])
    with pytest.raises(SpreadsheetFileError, match="No header"):
        read([["编号"], ["1"]])


def test_the_header_is_looked_for_in_the_first_rows_only():
    rows = [[f"title {n}"] for n in range(9)] + [["编号", "名称"], ["1", "甲"]]
    assert read(rows)[0] == ("1", "甲", 11)
    with pytest.raises(SpreadsheetFileError, match="No header"):
        read([["title"], *rows])


def test_a_column_named_twice_is_refused():
    with pytest.raises(SpreadsheetFileError) as refused:
        read([["编号", "名称", "code"], ["1", "甲", "2"]])
    assert str(refused.value) == "The columns “编号” and “code” both hold the Code."


def test_more_rows_than_the_limit_are_refused_and_blank_rows_do_not_count():
    rows = [["编号", "名称"], ["1", "甲"], ["", ""], ["2", "乙"]]
    assert len(read(rows, max_rows=2)) == 2
    with pytest.raises(SpreadsheetFileError, match="more than 1 rows"):
        read(rows, max_rows=1)


def test_cells_are_read_as_the_text_a_person_sees():
    assert cell_text(None) == ""
    assert cell_text(2023.0) == "2023"
    assert cell_text(1.5) == "1.5"
    assert cell_text(datetime.date(2026, 9, 1)) == "2026-09-01"
    assert cell_text("  '=SUM(A1)\t") == "=SUM(A1)"
    for text in ["=cmd", "+1", "-1", "@x", "\tx", "plain", "'quoted"]:
        assert unescape_formula(escape_formula(text)) == text
    assert escape_formula(7) == 7


class TableCSV(SpreadsheetCSV):
    def read_rows(self, rows):
        return read(rows)


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [("编号,名称\n1,甲", ","), ("编号\t名称\n1\t甲", "\t"), ("编号;名称\n1;甲", ";")],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_file_is_read_in_excels_encodings_and_delimiters(content, delimiter, encoding):
    dataset = TableCSV().create_dataset(content.encode(encoding))
    assert dataset[0] == ("1", "甲", 2)


def test_a_csv_file_over_the_size_limit_is_refused(settings):
    settings.ROSTER_MAX_BYTES = 10
    with pytest.raises(SpreadsheetFileError, match="an imported file may be at most"):
        TableCSV().create_dataset("编号,名称\n1,甲".encode())


# --- what offices type: dates, years, identifiers, names ---------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        datetime.datetime(2023, 9, 1, 0, 0),
        datetime.date(2023, 9, 1),
        "2023.09.01",
        "2023年9月1日",
        "2023-9-1",
        "2023/9/1",
        "20230901",
        20230901,
        "\uff12\uff10\uff12\uff13.\uff19.\uff11",
        "2023-09-01 00:00:00",
    ],
)
def test_a_date_is_read_as_offices_type_it(cell):
    assert parse_date(cell) == datetime.date(2023, 9, 1)


@pytest.mark.parametrize("cell", ["2023.13.01", "九月一日", "23.9.1", "2023.09"])
def test_what_is_not_a_date_is_refused(cell):
    with pytest.raises(ValueError):
        parse_date(cell)
    assert parse_date("") is None and parse_date(None) is None


@pytest.mark.parametrize(
    "cell",
    [
        datetime.date(2023, 9, 1),
        "2023.09.01",
        "2023年9月1日",
        "20230901",
        "2023.09",
        2023.09,
        "2023",
        2023,
        2023.0,
        "2023级",
        "2023 级",
    ],
)
def test_the_year_is_taken_from_a_date_or_a_year(cell):
    assert year_of(cell) == 2023


@pytest.mark.parametrize("cell", ["二〇二三", "23", "2023.13.01"])
def test_what_gives_no_year_is_refused(cell):
    with pytest.raises(ValueError):
        year_of(cell)


def test_an_identifier_is_kept_as_typed_in_its_plain_form():
    assert (
        identifier_from_cell("\uff16\uff11\uff14\uff12\uff10\uff12\uff13\uff10\uff10\uff10\uff14")
        == "61420230004"
    )
    assert identifier_from_cell(" 2023 0101\u300003 ") == "2023010103"
    assert identifier_from_cell(2023010101) == "2023010101"
    assert identifier_from_cell(2023010101.0) == "2023010101"
    assert identifier_from_cell(None) == ""


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2.02301E+11", "scientific notation"),
        (110101200001011230, "too long for Excel to keep exactly"),
        (1.1010120000101123e17, "too long for Excel to keep exactly"),
        (20230101.5, "not a whole number"),
    ],
)
def test_an_identifier_excel_has_changed_is_refused(cell, reason):
    with pytest.raises(ValidationError) as refused:
        identifier_from_cell(cell)
    assert reason in refused.value.messages[0]
    assert refused.value.messages[0].endswith(
        "Format the column as text in Excel and type the numbers again."
    )


def test_a_number_cell_shorter_than_the_others_lost_its_zeros():
    check_number_cell("01020230000", "01020230000", 11)  # text: as typed
    check_number_cell(20230000001, "20230000001", 11)
    with pytest.raises(ValidationError, match="leading zeros"):
        check_number_cell(1020230000, "1020230000", 11)


def test_a_pattern_is_said_in_words():
    assert describe_pattern(r"\d{6,20}") == "6 to 20 digits"
    assert describe_pattern(r"[0-9]{11}") == "11 digits"
    assert describe_pattern(r"[A-Z]\d{8}") == r"[A-Z]\d{8}"
    validate_identifier("20230101", r"\d{6,20}")
    with pytest.raises(ValidationError, match="6 to 20 digits"):
        validate_identifier("2023-01", r"\d{6,20}")


def test_a_name_is_made_plain_and_one_with_a_lost_character_refused():
    assert normalize_name(" 郭\u3000子 ") == "郭子"
    assert normalize_name("\uff21\uff4e\uff4e\uff41\u3000\u3000Li") == "Anna Li"
    assert normalize_name("阿依古丽·买买提") == "阿依古丽·买买提"
    validate_name("郭子")
    for name in ["刘?", "刘\uff1f", "刘\ufffd"]:
        with pytest.raises(ValidationError, match="where a character was lost"):
            validate_name(name)


# --- tables as offices lay them out ------------------------------------------------------------


def read_people(rows):
    return read_table(
        rows,
        columns=COLUMNS,
        aliases=ALIASES,
        key="code",
        max_rows=10,
        no_header="No header.",
        identity=("code", "label"),
        later=("备注日期",),
    )


def test_a_two_row_header_is_read_as_one():
    dataset = read_people(
        [
            ["编号", "基本情况", None],
            [None, "名称", "备注日期"],
            ["1", "甲", "2023.9.1"],
        ]
    )
    assert dataset.headers == ["Code", "Label", ROW_COLUMN]
    assert list(dataset[0]) == ["1", "甲", 3]
    assert dataset.report.later_columns == ["备注日期"]


def test_hidden_rows_and_the_footer_are_reported_not_read():
    dataset = read_people(
        [
            ["序号", "编号", "名称"],
            [1, "1", "甲"],
            HiddenRow([2, "2", "乙"]),
            [None, None, "丙"],  # a name and no code, inside the table: a row to refuse
            [4, "4", "丁"],
            [],
            ["制表人\uff1a王老师"],
            [None, "制表日期\uff1a2024年10月8日"],
        ]
    )
    assert [row[-1] for row in dataset] == [2, 4, 5]
    assert dataset.report.hidden_rows == [3]
    assert dataset.report.ignored_columns == ["序号"]
    assert dataset.report.footer_rows == [
        (7, "制表人\uff1a王老师"),
        (8, "制表日期\uff1a2024年10月8日"),
    ]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-16", ""), ("utf-16-be", "\ufeff")])
def test_excels_unicode_text_is_read(encoding, bom):
    dataset = TableCSV().create_dataset(f"{bom}编号\t名称\r\n1\t甲\r\n".encode(encoding))
    assert dataset[0] == ("1", "甲", 2)
