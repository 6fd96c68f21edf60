"""Spreadsheets as staff keep them: read from an uploaded workbook or CSV file, written safely.

The college's lists come as Excel workbooks or as CSV files saved by Excel (UTF-8 or GBK), with
headers in Chinese or English, sometimes under a title row. A table is read into a dataset under
the importing resource's own headers, each row remembering the row number the spreadsheet shows,
so that a bad row is reported where staff will look for it. Every import of the portal reads its
file this way; every export escapes its formula cells (`escape_formula`).
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats import base_formats

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
) -> tablib.Dataset:
    """A table's rows under its own headers, each with the spreadsheet row it came from.

    `columns` are the headers a dataset is given, by field name; a header row is recognised in
    the first `HEADER_SEARCH_ROWS` rows by naming the `key` field and one more, in a header of
    `columns` or one of `aliases` (other columns are ignored). Blank rows are dropped; the row
    numbers still match the spreadsheet. More rows than `max_rows` are refused before any row is
    imported, and so is a sheet that reaches further down than `max_sheet_rows`, blank rows
    included; `no_header` says what a file without a header row should have had.
    """
    last_line = max_sheet_rows()
    known = {}
    for field_name, names in aliases.items():
        for alias in (*names, field_name, columns[field_name]):
            known[match_key(alias)] = field_name
    positions: dict[str, int] | None = None
    dataset = tablib.Dataset()
    for line, values in enumerate(rows, 1):
        if line > last_line:
            raise _too_far_down()
        if positions is None:
            names = {known.get(match_key(value)) for value in values} - {None}
            if key in names and len(names) >= 2:
                positions = _column_positions(values, known, columns)
                dataset.headers = [str(columns[name]) for name in positions] + [ROW_COLUMN]
            elif line >= HEADER_SEARCH_ROWS:
                break
            continue
        cells = [cell_text(values[i]) if i < len(values) else "" for i in positions.values()]
        if not any(cells):
            continue
        if len(dataset) >= max_rows:
            raise SpreadsheetFileError(
                _("The file has more than %(limit)s rows; import at most %(limit)s at a time.")
                % {"limit": max_rows}
            )
        dataset.append([*cells, line])
    if positions is None:
        raise NoHeaderRow(no_header)
    return dataset


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
        "The supported encodings are UTF-8 and GBK (GB18030): save it from Excel as "
        "“CSV UTF-8” and upload it again."
    )
    if name is None:
        said = _("This file is saved in an encoding that is not supported.")
    else:
        said = _("This file is saved in the %(encoding)s encoding, which is not supported.") % {
            "encoding": name
        }
    return SpreadsheetFileError(f"{said} {supported}")


class SpreadsheetCSV(base_formats.CSV):
    """CSV as Excel saves it: UTF-8 with or without a byte-order mark, or GBK (GB18030).

    Declared binary so that the bytes reach `create_dataset`, which finds the encoding. An
    import's own format says how its table is read, in `read_rows` (see `spreadsheet_formats`).
    """

    ENCODINGS = ("utf-8-sig", "gb18030")

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        raise NotImplementedError

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs) -> tablib.Dataset:
        if isinstance(in_stream, str):
            text = in_stream.removeprefix("\ufeff")
        else:
            check_file_size(len(in_stream))
            text = self._decode(in_stream)
        try:
            return self._read_text(text)
        except NoHeaderRow:
            if isinstance(in_stream, bytes):
                _refuse_misread_encoding(in_stream, text)
            raise

    def _read_text(self, text: str) -> tablib.Dataset:
        first_line = text.split("\n", 1)[0]
        delimiter = ","
        if "," not in first_line:
            delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
        try:
            return self.read_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise SpreadsheetFileError(
                _("This file could not be read as CSV: %(error)s.") % {"error": error}
            ) from error

    def _decode(self, data: bytes) -> str:
        if data.startswith(UTF16_MARKS):
            raise _unsupported_encoding("UTF-16")
        for encoding in self.ENCODINGS:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise SpreadsheetFileError(
            _(
                "This file could not be read as text in UTF-8 or GBK (GB18030), the encodings "
                "supported: save it from Excel as “CSV UTF-8” and upload it again."
            )
        )

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        # Excel shows a UTF-8 CSV's Chinese correctly only after a byte-order mark.
        return "\ufeff" + super().export_data(dataset, **kwargs)


class SpreadsheetXLSX(base_formats.XLSX):
    """An Excel workbook: the first sheet, read row by row by the import's `read_rows`.

    A workbook is a zip file: a few kilobytes can unpack to gigabytes, or declare a sheet of
    a million rows by sixteen thousand columns. So before a cell is read, the unpacked size of
    every part and the sheet's declared size are checked against the limits; then the rows are
    streamed, at most `MAX_COLUMNS` columns of each, and refused past `max_sheet_rows`.
    """

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        raise NotImplementedError

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        import openpyxl

        check_file_size(len(in_stream))
        unreadable = SpreadsheetFileError(
            _("This file could not be read as an Excel workbook (.xlsx).")
        )
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                check_unpacked_size(archive.infolist())
        except zipfile.BadZipFile as error:
            raise unreadable from error
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except Exception as error:
            raise unreadable from error
        try:
            sheet = book.active
            check_declared_size(sheet.max_row, sheet.max_column)
            rows = sheet.iter_rows(
                min_row=1, max_row=max_sheet_rows() + 1, max_col=MAX_COLUMNS, values_only=True
            )
            return self.read_rows(rows)
        except SpreadsheetFileError:
            raise
        except Exception as error:  # no sheet, or a part that is not the XML it claims to be
            raise unreadable from error
        finally:
            book.close()


TableReader = Callable[[Iterable[Sequence[object]]], tablib.Dataset]


def spreadsheet_formats(name: str, read_rows: TableReader) -> list[type]:
    """An import's formats, an Excel workbook and CSV as Excel saves it, each reading its table
    with `read_rows` (a function over the sheet's rows, usually one that calls `read_table`).

    They are named `<name>XLSX` and `<name>CSV`, in this order: the first is the default.
    """
    reader = {"read_rows": staticmethod(read_rows), "__module__": read_rows.__module__}
    return [
        type(f"{name}XLSX", (SpreadsheetXLSX,), reader),
        type(f"{name}CSV", (SpreadsheetCSV,), reader),
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
