"""Identifiers and names as people type them into spreadsheets, made what they meant or refused.

A student number is an identifier: it is kept exactly as typed, in its plain form (full-width
digits and spaces made plain, spaces dropped), or refused when the spreadsheet has already
changed it — Excel turns a number typed into a cell not formatted as text into a number,
dropping its leading zeros, rounding it past 15 digits and showing it in scientific notation.
A name is kept in its plain form and refused when an encoding has replaced a character of it.
Every import of the portal reads these cells through here.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Excel keeps 15 significant digits of a number; a longer one is rounded.
EXACT_DIGITS = 15
SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
# What an encoding puts where it has no character: GBK's "?" and Unicode's replacement mark.
LOST_CHARACTERS = ("?", "\uff1f", "\ufffd")
CJK = r"\u2e80-\u9fff\uf900-\ufaff"


def _typed_as_text() -> str:
    return _("Format the column as text in Excel and type the numbers again.")


def normalize_identifier(text: str) -> str:
    """An identifier in its plain form: full-width characters made plain, spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def identifier_from_cell(value: object) -> str:
    """The identifier a cell holds, as typed; refused if the spreadsheet has changed it.

    A number cell is accepted only as a whole number of at most 15 digits (the caller decides
    whether its leading zeros may have mattered, see `check_number_cell`); text in scientific
    notation is what Excel writes for a number it shows that way, and is refused.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(
                _("The student number %(value)s is not a whole number. %(fix)s")
                % {"value": value, "fix": _typed_as_text()}
            )
        number = int(value)
        if len(str(abs(number))) > EXACT_DIGITS:
            raise ValidationError(
                _(
                    "The student number %(value)s is stored as a number too long for Excel to "
                    "keep exactly: its last digits may have changed. %(fix)s"
                )
                % {"value": number, "fix": _typed_as_text()}
            )
        return str(number)
    text = normalize_identifier(str(value))
    if SCIENTIFIC.fullmatch(text):
        raise ValidationError(
            _(
                "The student number “%(value)s” is in scientific notation: Excel has already "
                "rounded it. %(fix)s"
            )
            % {"value": text, "fix": _typed_as_text()}
        )
    return text


def check_number_cell(value: object, identifier: str, longest: int) -> None:
    """Refuse an identifier read from a number cell when its leading zeros may have been lost:
    when it is shorter than the longest identifier beside it, or starts with a zero there."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return
    if len(identifier) < longest:
        raise ValidationError(
            _(
                "The student number %(value)s is stored as a number and is shorter than others "
                "in the file: Excel drops the leading zeros of a number. %(fix)s"
            )
            % {"value": identifier, "fix": _typed_as_text()}
        )


def describe_pattern(pattern: str) -> str:
    """A pattern in words: "6 to 20 digits" for the patterns of digits, else the pattern."""
    digits = re.fullmatch(r"(?:\\d|\[0-9\])\{(\d+)(?:,(\d+))?\}", pattern)
    if digits is None:
        return pattern
    low, high = digits.group(1), digits.group(2) or digits.group(1)
    if low == high:
        return _("%(count)s digits") % {"count": low}
    return _("%(low)s to %(high)s digits") % {"low": low, "high": high}


def validate_identifier(value: str, pattern: str) -> None:
    """Refuse an identifier (in its plain form) of another shape than `pattern`."""
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            _("“%(value)s” is not a student number: a student number here is %(shape)s.")
            % {"value": value, "shape": describe_pattern(pattern)},
            code="invalid_student_number",
        )


def normalize_name(text: str) -> str:
    """A name in its plain form: full-width letters and spaces made plain, runs of spaces made
    one, and no space between two Chinese characters ("郭　子" is "郭子")."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()
    return re.sub(rf"(?<=[{CJK}]) (?=[{CJK}])", "", text)


def validate_name(value: str) -> None:
    """Refuse a name in which an encoding has replaced a character it could not write."""
    if any(mark in value for mark in LOST_CHARACTERS):
        raise ValidationError(
            _(
                "The name “%(value)s” has %(marks)s where a character was lost, as happens "
                "when Excel saves a rare character in GBK. Type the name again, and save the "
                "file as “CSV UTF-8” or as a workbook."
            )
            % {"value": value, "marks": "“?”/“\ufffd”"},
            code="lost_character",
        )
