"""Reading a table from a spreadsheet, as the roster and the reading list both do: the header
row found by its names, rows numbered as the spreadsheet shows them, the limits, the cells."""

import datetime

import pytest
from django.utils import translation

from common.spreadsheets import (
    ROW_COLUMN,
    SpreadsheetCSV,
    SpreadsheetFileError,
    cell_text,
    escape_formula,
    read_table,
    unescape_formula,
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
