"""Spreadsheets as staff keep them: read from an uploaded workbook or CSV file, written safely.

The college's lists come as Excel workbooks or as CSV files saved by Excel (UTF-8 or GBK), with
headers in Chinese or English, sometimes under a title row. A table is read into a dataset under
the importing resource's own headers, each row remembering the row number the spreadsheet shows,
so that a bad row is reported where staff will look for it. Every import of the portal reads its
file this way; every export escapes its formula cells (`escape_formula`).
"""

import contextlib
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from .names import join_names

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). A line
# feed is escaped too: a workbook stores a carriage return as one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_ESCAPE = "'"

# The dataset column that remembers which spreadsheet row each row came from.
ROW_COLUMN = "__row__"
# A title such as "2023级学生名单" may sit above the header row; it is looked for this far down.
HEADER_SEARCH_ROWS = 10
# Columns read from a sheet: a table of the portal has a dozen; cells further right are not read.
MAX_COLUMNS = 100


def escape_formula(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, made plain text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + value
    return value


def unescape_formula(value: str) -> str:
    """The reverse of `escape_formula`, so that an exported file imports unchanged."""
    if value.startswith(FORMULA_ESCAPE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class SpreadsheetFileError(ValueError):
    """The file as a whole cannot be imported (too big, unreadable, no header row)."""


class NoHeaderRow(SpreadsheetFileError):
    """No row near the top names the table's columns."""


class ChooseSheet(SpreadsheetFileError):
    """A workbook in which several sheets, or none, hold the table: the staff member picks."""

    def __init__(self, message: str, sheets: Sequence[str]) -> None:
        super().__init__(message)
        self.sheets = list(sheets)


class HiddenRow(tuple):
    """The values of a row the workbook hides: skipped, and listed in the preview."""


@dataclass
class TableReport:
    """What the preview says about how a table was read, beyond its rows."""

    sheet: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    footer_rows: list[tuple[int, str]] = field(default_factory=list)


# The sheet a staff member chose to read, for the reading of one upload (see `reading_sheet`).
CHOSEN_SHEET: ContextVar[str] = ContextVar("chosen_sheet", default="")


@contextlib.contextmanager
def reading_sheet(name: str) -> Iterator[None]:
    """Read the workbooks opened inside on the sheet `name` ("" finds the sheet)."""
    token = CHOSEN_SHEET.set(name or "")
    try:
        yield
    finally:
        CHOSEN_SHEET.reset(token)


def match_key(text: object) -> str:
    """A header or a value as compared: without spaces, underscores, dashes or case."""
    return re.sub(r"[\s_\-.:\uff1a*]+", "", str(text if text is not None else "")).lower()


def cell_text(value: object) -> str:
    """A cell as text: spreadsheet numbers without ".0", unescaped, trimmed.

    Surrounding whitespace goes, tabs and line breaks included, as Django's form fields trim
    it: so a cell exported as "'\tx" comes back as "x".
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    return unescape_formula(str(value).strip()).strip()


# Dates as offices type them: 2023.09.01, 2023-9-1, 2023/9/1, 2023年9月1日, 20230901; a time
# after the date (a date cell written out as text) is let go.
DATE_TEXT = re.compile(
    r"(?P<year>\d{4})(?:[.\-/](?P<month>\d{1,2})[.\-/](?P<day>\d{1,2})|年(?P<cn_month>\d{1,2})月"
    r"(?P<cn_day>\d{1,2})日?|(?P<month8>\d{2})(?P<day8>\d{2}))(?:T?\d{1,2}:\d{2}(?::\d{2})?)?"
)
YEAR_TEXT = re.compile(r"(?P<year>\d{4})(?:(?:[.\-/]|年)\d{1,2}月?)?(?:年|级|年级)?")


def _plain(value: object) -> str:
    text = cell_text(value)
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def parse_date(value: object) -> datetime.date | None:
    """The date a cell holds: a date cell of Excel, or text typed as 2023.09.01, 2023-9-1,
    2023/9/1, 2023年9月1日 or 20230901 (a number cell too). None for a blank cell; a
    `ValueError` for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _plain(value)
    if not text:
        return None
    match = DATE_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    parts = match.groupdict()
    month = parts["month"] or parts["cn_month"] or parts["month8"]
    day = parts["day"] or parts["cn_day"] or parts["day8"]
    return datetime.date(int(parts["year"]), int(month), int(day))


def year_of(value: object) -> int | None:
    """The year a cell gives, as 年级 is written: a date cell, a date typed as `parse_date`
    reads it, 2023.09, 2023年9月, 2023级 or a plain year (2023, a number cell too). None for a
    blank cell; a `ValueError` for anything else."""
    if isinstance(value, datetime.date):
        return value.year
    text = _plain(value)
    if not text:
        return None
    match = YEAR_TEXT.fullmatch(text)
    if match is not None:
        return int(match["year"])
    date = parse_date(text)
    assert date is not None  # the text is not blank
    return date.year


def check_file_size(size: int) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if size > settings.ROSTER_MAX_BYTES:
        raise SpreadsheetFileError(
            _("The file is %(size)s; an imported file may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.ROSTER_MAX_BYTES)}
        )


def max_sheet_rows() -> int:
    """How far down an imported sheet may reach, blank rows included: twice the row limit."""
    return 2 * settings.ROSTER_MAX_ROWS + HEADER_SEARCH_ROWS


def _too_far_down() -> SpreadsheetFileError:
    return SpreadsheetFileError(
        _(
            "The sheet goes on past row %(limit)s; an imported sheet may reach row %(limit)s at "
            "most, blank rows included."
        )
        % {"limit": max_sheet_rows()}
    )


def read_table(
    rows: Iterable[Sequence[object]],
    *,
    columns: Mapping[str, object],
    aliases: Mapping[str, Sequence[str]],
    key: str,
    max_rows: int,
    no_header: str,
    identity: Sequence[str] = (),
    raw: Collection[str] = (),
) -> tablib.Dataset:
    """A table's rows under its own headers, each with the spreadsheet row it came from.

    `columns` are the headers a dataset is given, by field name; a header row is recognised in
    the first `HEADER_SEARCH_ROWS` rows by naming the `key` field and one more, in a header of
    `columns` or one of `aliases`. A header may take two rows, as when cells of it are merged
    down or a heading spans the columns below it: a row under the header that names columns
    and leaves the key blank is its second row. Blank rows are dropped; the row numbers still
    match the spreadsheet. More rows than `max_rows` are refused before any row is imported,
    and so is a sheet that reaches further down than `max_sheet_rows`, blank rows included;
    `no_header` says what a file without a header row should have had.

    What was not read is reported (`dataset.report`, a `TableReport`): the columns ignored, the
    hidden rows skipped, and the footer — rows under the table with none of the `identity`
    fields, or only labelled text such as "制表人: 王老师" (without `identity`, every row of the
    table is a row). The cells of the `raw` fields are given as the spreadsheet holds them,
    numbers as numbers; the others as text (`cell_text`).
    """
    last_line = max_sheet_rows()
    known = {}
    for field_name, names in aliases.items():
        for alias in (*names, field_name, columns[field_name]):
            known[match_key(alias)] = field_name
    report = TableReport()
    header: Sequence[object] = ()
    positions: dict[str, int] | None = None
    second_row_possible = False
    previous: Sequence[object] = ()
    dataset = tablib.Dataset()
    held: list[tuple[int, list[object], str]] = []  # rows without identity: footer or not
    for line, values in enumerate(rows, 1):
        if line > last_line:
            raise _too_far_down()
        if positions is None:
            for candidate in (values, _under(previous, values)):
                names = {known.get(match_key(value)) for value in candidate} - {None}
                if key in names and len(names) >= 2:
                    header = candidate
                    positions = _column_positions(header, known, columns)
                    second_row_possible = True
                    break
            else:
                if line >= HEADER_SEARCH_ROWS:
                    break
                previous = values
            continue
        if second_row_possible:
            second_row_possible = False
            key_cell = values[positions[key]] if positions[key] < len(values) else None
            if not cell_text(key_cell) and any(match_key(value) in known for value in values):
                header = _under(header, values)
                positions = _column_positions(header, known, columns)
                continue
        cells = [
            _cell(values[i], name in raw) if i < len(values) else ""
            for name, i in positions.items()
        ]
        if isinstance(values, HiddenRow):
            if any(cell_text(value) for value in values):
                report.hidden_rows.append(line)
            continue
        by_name = dict(zip(positions, cells, strict=True))
        if identity and (
            not any(by_name.get(name) not in (None, "") for name in identity)
            or _is_signature(values)
        ):
            text = " ".join(filter(None, (cell_text(value) for value in values)))
            if text:
                held.append((line, cells, text))
            continue
        if all(cell == "" for cell in cells):
            continue
        for held_line, held_cells, _text in held:
            if any(cell != "" for cell in held_cells):
                _append(dataset, [*held_cells, held_line], max_rows)
        held = []
        _append(dataset, [*cells, line], max_rows)
    if positions is None:
        raise NoHeaderRow(no_header)
    dataset.headers = [str(columns[name]) for name in positions] + [ROW_COLUMN]
    report.footer_rows = [(line, text) for line, _cells, text in held]
    for text in header:
        name = cell_text(text)
        if name and match_key(name) not in known:
            report.ignored_columns.append(name)
    dataset.report = report
    return dataset


def _is_signature(values: Sequence[object]) -> bool:
    """A row of labelled text only, such as "制表人: 王老师" or "制表日期: 2024年10月8日", with a
    colon of either width."""
    texts = [cell_text(value) for value in values if cell_text(value)]
    return bool(texts) and all(":" in text or "\uff1a" in text for text in texts)


def _under(above: Sequence[object], values: Sequence[object]) -> list[object]:
    """A two-row header as one: each cell of the lower row, or where it is blank the cell
    above it (a cell merged down, or a heading spanning the columns under it)."""
    width = max(len(above), len(values))
    return [
        values[i]
        if i < len(values) and cell_text(values[i])
        else (above[i] if i < len(above) else None)
        for i in range(width)
    ]


def _cell(value: object, raw: bool) -> object:
    if raw and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell_text(value)


def _append(dataset: tablib.Dataset, row: list[object], max_rows: int) -> None:
    if len(dataset) >= max_rows:
        raise SpreadsheetFileError(
            _("The file has more than %(limit)s rows; import at most %(limit)s at a time.")
            % {"limit": max_rows}
        )
    dataset.append(row)


def _column_positions(
    header: Sequence[object], known: Mapping[str, str], columns: Mapping[str, object]
) -> dict[str, int]:
    """The position of each field in the header row, each field named once."""
    positions: dict[str, int] = {}
    for position, text in enumerate(header):
        field_name = known.get(match_key(text))
        if field_name is None:
            continue
        if field_name in positions:
            raise SpreadsheetFileError(
                _("The columns “%(first)s” and “%(second)s” both hold the %(column)s.")
                % {
                    "first": header[positions[field_name]],
                    "second": text,
                    "column": columns[field_name],
                }
            )
        positions[field_name] = position
    return positions


# Encodings Excel saves CSV in that the portal does not read, recognised to say so.
UNSUPPORTED_ENCODINGS = (("Big5", "big5"), ("Shift_JIS", "shift_jis"))
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _is_common_chinese(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_misread_encoding(data: bytes, text: str) -> None:
    """Refuse a file without a header row that was read as GBK but is in another encoding.

    Big5 and Shift_JIS text decodes as GBK without error, into rare characters: a Chinese table
    in GBK uses few characters outside GB2312 (a rare name), a misread file very many.
    """
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return  # read as UTF-8, not misread
    wide = [character for character in text if ord(character) > 0x7F]
    rare = sum(1 for character in wide if not _is_common_chinese(character))
    if not wide or rare * 10 < len(wide):
        return
    for name, codec in UNSUPPORTED_ENCODINGS:
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        raise _unsupported_encoding(name)
    raise _unsupported_encoding(None)


def _unsupported_encoding(name: str | None) -> SpreadsheetFileError:
    supported = _(
        "The supported encodings are UTF-8, GBK (GB18030) and UTF-16 (Excel's “Unicode "
        "text”): save it from Excel as “CSV UTF-8” and upload it again."
    )
    if name is None:
        said = _("This file is saved in an encoding that is not supported.")
    else:
        said = _("This file is saved in the %(encoding)s encoding, which is not supported.") % {
            "encoding": name
        }
    return SpreadsheetFileError(f"{said} {supported}")


TableReader = Callable[[Iterable[Sequence[object]]], tablib.Dataset]

ZIP_MAGIC = b"PK\x03\x04"  # an Excel workbook (.xlsx) is a zip file
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Excel 97-2003 workbook (.xls)


def read_spreadsheet(data: bytes, read_rows: TableReader) -> tablib.Dataset:
    """The table of an uploaded file, read as what its content is, whatever its name says: an
    Excel workbook (.xlsx or .xls) or text (CSV, or Excel's tab-separated "Unicode text")."""
    check_file_size(len(data))
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, read_rows)
    if data.startswith(OLE_MAGIC):
        return read_xls(data, read_rows)
    return read_text(decode_text(data), read_rows, data)


# --- text files ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a file as Excel saves it: UTF-16 with its byte-order mark ("Unicode text"),
    UTF-8 with or without one, or GBK (GB18030)."""
    if data.startswith(UTF16_MARKS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _unsupported_encoding(None) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unsupported_encoding(None)


def read_text(text: str, read_rows: TableReader, data: bytes | None = None) -> tablib.Dataset:
    """A table in CSV, separated by commas, tabs or semicolons as its first line shows."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    try:
        return read_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetFileError(
            _("This file could not be read as CSV: %(error)s.") % {"error": error}
        ) from error
    except NoHeaderRow:
        if data is not None:
            _refuse_misread_encoding(data, text)
        raise


# --- workbooks -----------------------------------------------------------------------------------


SheetRows = Callable[[], Iterable[Sequence[object]]]


def read_sheets(sheets: Sequence[tuple[str, SheetRows]], read_rows: TableReader) -> tablib.Dataset:
    """The table of the sheet whose header names the columns, or of the sheet chosen.

    When several sheets hold a table, or none does, `ChooseSheet` names the sheets so that the
    staff member picks one; the dataset's report says which sheet was read.
    """
    names = [name for name, _rows in sheets]
    chosen = CHOSEN_SHEET.get()
    if chosen and chosen not in names:
        raise ChooseSheet(
            _("This workbook has no sheet “%(sheet)s”; its sheets are %(sheets)s.")
            % {"sheet": chosen, "sheets": _sheet_list(names)},
            names,
        )
    found: list[tuple[str, tablib.Dataset]] = []
    refusal: NoHeaderRow | None = None
    for name, rows in sheets:
        if chosen and name != chosen:
            continue
        try:
            dataset = read_rows(rows())
        except NoHeaderRow as error:
            refusal = error
            continue
        found.append((name, dataset))
    if len(found) == 1:
        name, dataset = found[0]
        dataset.report.sheet = name
        return dataset
    if refusal is not None and (chosen or len(sheets) == 1):
        if len(sheets) == 1:
            raise refusal
        raise NoHeaderRow(
            _("On the sheet “%(sheet)s”: %(reason)s") % {"sheet": chosen, "reason": refusal}
        )
    if found:
        message = _(
            "Several sheets of this workbook hold a table with these columns: %(sheets)s. "
            "Choose the sheet to read, and upload the file again."
        ) % {"sheets": _sheet_list([name for name, _dataset in found])}
    else:
        message = _(
            "No sheet of this workbook has a header row (its sheets are %(sheets)s). %(reason)s "
            "If the table is on one of them, choose it and upload the file again."
        ) % {"sheets": _sheet_list(names), "reason": refusal}
    raise ChooseSheet(message, names)


def _sheet_list(names: Sequence[str]) -> str:
    return join_names(f"“{name}”" for name in names)


def read_xlsx(data: bytes, read_rows: TableReader) -> tablib.Dataset:
    """An Excel workbook, its sheets read row by row.

    A workbook is a zip file: a few kilobytes can unpack to gigabytes, or declare a sheet of
    a million rows by sixteen thousand columns. So before a cell is read, the unpacked size of
    every part and each sheet's declared size are checked against the limits; then the rows
    are streamed, at most `MAX_COLUMNS` columns of each, and refused past `max_sheet_rows`.
    """
    import openpyxl

    unreadable = SpreadsheetFileError(
        _("This file could not be read as an Excel workbook (.xlsx).")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_unpacked_size(archive.infolist())
    except zipfile.BadZipFile as error:
        raise unreadable from error
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise unreadable from error
    try:
        for sheet in book.worksheets:
            check_declared_size(sheet.max_row, sheet.max_column)
        return read_sheets(
            [(sheet.title, _xlsx_rows(sheet)) for sheet in book.worksheets], read_rows
        )
    except SpreadsheetFileError:
        raise
    except Exception as error:  # no sheet, or a part that is not the XML it claims to be
        raise unreadable from error
    finally:
        book.close()


def _xlsx_rows(sheet) -> SheetRows:
    """A read-only sheet's rows as values, a hidden row as a `HiddenRow`.

    openpyxl's own row reader forgets which rows are hidden; this one asks its parser, which
    notes each row's attributes as it goes.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    def rows() -> Iterator[Sequence[object]]:
        book = sheet.parent
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            expected = 1
            for number, cells in parser.parse():
                for _missing in range(expected, number):
                    yield ()
                expected = number + 1
                values: list[object] = []
                for cell in cells:
                    column = cell["column"]
                    if column <= MAX_COLUMNS:
                        values.extend([None] * (column - len(values)))
                        values[column - 1] = cell["value"]
                attributes = parser.row_dimensions.get(str(number), {})
                hidden = str(attributes.get("hidden", "")).lower() in ("1", "true")
                yield HiddenRow(values) if hidden else tuple(values)

    return rows


def read_xls(data: bytes, read_rows: TableReader) -> tablib.Dataset:
    """An Excel 97-2003 workbook (.xls), as older systems and offices still save them."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception as error:
        raise SpreadsheetFileError(
            _("This file could not be read as an Excel 97-2003 workbook (.xls).")
        ) from error
    try:
        for sheet in book.sheets():
            check_declared_size(sheet.nrows, sheet.ncols)
        return read_sheets(
            [(sheet.name, _xls_rows(book, sheet)) for sheet in book.sheets()], read_rows
        )
    finally:
        book.release_resources()


def _xls_rows(book, sheet) -> SheetRows:
    import xlrd

    def value(cell) -> object:
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT):
            return cell.value
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return None  # empty, blank or an error such as #N/A

    def rows() -> Iterator[Sequence[object]]:
        for number in range(sheet.nrows):
            values = tuple(value(cell) for cell in sheet.row(number)[:MAX_COLUMNS])
            info = sheet.rowinfo_map.get(number)
            yield HiddenRow(values) if info is not None and info.hidden else values

    return rows


# --- formats -------------------------------------------------------------------------------------


class SpreadsheetFormat:
    """A format of an import: whichever is chosen, a file is read as what its content is (see
    `read_spreadsheet`), by the import's own `read_rows` (see `spreadsheet_formats`)."""

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        raise NotImplementedError

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs) -> tablib.Dataset:
        if isinstance(in_stream, str):
            return read_text(in_stream, self.read_rows)
        return read_spreadsheet(in_stream, self.read_rows)


class SpreadsheetCSV(SpreadsheetFormat, base_formats.CSV):
    """CSV as Excel saves it: UTF-8 with or without a byte-order mark, GBK (GB18030), or
    UTF-16 separated by tabs ("Unicode text")."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        # Excel shows a UTF-8 CSV's Chinese correctly only after a byte-order mark.
        return "\ufeff" + super().export_data(dataset, **kwargs)


class SpreadsheetXLSX(SpreadsheetFormat, base_formats.XLSX):
    """An Excel workbook (.xlsx)."""


class SpreadsheetXLS(SpreadsheetFormat, base_formats.Format):
    """An Excel 97-2003 workbook (.xls): read with xlrd, never written."""

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def get_title(self) -> str:
        return "xls"

    def get_extension(self) -> str:
        return "xls"

    def get_content_type(self) -> str:
        return "application/vnd.ms-excel"

    def can_import(self) -> bool:
        return True


def spreadsheet_formats(name: str, read_rows: TableReader) -> list[type]:
    """An import's formats, an Excel workbook, CSV as Excel saves it and an Excel 97-2003
    workbook, each reading its table with `read_rows` (a function over the sheet's rows,
    usually one that calls `read_table`). The last is read only.

    They are named `<name>XLSX`, `<name>CSV` and `<name>XLS`, in this order: the first is the
    default.
    """
    reader = {"read_rows": staticmethod(read_rows), "__module__": read_rows.__module__}
    return [
        type(f"{name}XLSX", (SpreadsheetXLSX,), reader),
        type(f"{name}CSV", (SpreadsheetCSV,), reader),
        type(f"{name}XLS", (SpreadsheetXLS,), reader),
    ]


def check_unpacked_size(parts: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose parts unpack to more than `ROSTER_MAX_UNPACKED_BYTES`.

    The sizes are those the zip directory declares; Python's zip reader stops at the declared
    size of a part, so a part cannot unpack to more than it declares.
    """
    limit = settings.ROSTER_MAX_UNPACKED_BYTES
    size = sum(part.file_size for part in parts)
    if size > limit:
        raise SpreadsheetFileError(
            _(
                "The workbook unpacks to %(size)s; an imported workbook may unpack to at most "
                "%(limit)s. Remove what the table does not need, or save it as CSV."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def check_declared_size(rows: int | None, columns: int | None) -> None:
    """Refuse a sheet that declares more rows or columns than an import may read."""
    if (rows or 0) > max_sheet_rows() or (columns or 0) > MAX_COLUMNS:
        raise SpreadsheetFileError(
            _(
                "The sheet declares %(rows)s rows and %(columns)s columns; an imported sheet may "
                "have at most %(max_rows)s rows and %(max_columns)s columns."
            )
            % {
                "rows": rows,
                "columns": columns,
                "max_rows": max_sheet_rows(),
                "max_columns": MAX_COLUMNS,
            }
        )
