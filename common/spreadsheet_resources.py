"""What every spreadsheet import and export of the portal shares: the base resource and its cells.

An import is all or nothing: every bad row is reported, under the column names the file uses
and with the row number the spreadsheet shows, and nothing is saved until the whole file is
valid. An export makes formula cells harmless (`common.exports`). An app's import (the roster,
the reading list) is a resource of this kind; it says how its table is read (`read_rows`) and
what a row must satisfy beyond its cells (`check_row`).
"""

from collections.abc import Iterable, Sequence
from functools import cache, cached_property

import tablib
from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from import_export import resources, widgets
from import_export.results import Result, RowResult

from .exports import FormulaSafeResource
from .names import join_names
from .spreadsheets import ROW_COLUMN, SpreadsheetFileError, cell_text, match_key

# --- cells ---------------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    """Plain text; a blank cell clears the value."""

    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)


@cache
def _choice_lookup(choices: type, aliases: tuple) -> dict[str, str]:
    lookup = {match_key(alias): code for alias, code in aliases}
    for code, label in choices.choices:
        lookup[match_key(code)] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup[match_key(label)] = code
    return lookup


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its label in the reader's language, read in any of the languages.

    The words of `aliases` are accepted too, and the codes; an unknown value is refused with
    the `unknown` message, given the `value` and the `choices`.
    """

    def __init__(self, choices: type, aliases: dict, unknown: str) -> None:
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self.aliases = tuple(aliases.items())
        self.unknown = unknown

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value)
        if not text:
            return None
        try:
            return _choice_lookup(self.choices, self.aliases)[match_key(text)]
        except KeyError:
            choices = join_names(self.choices.labels)
            raise ValidationError(str(self.unknown) % {"value": text, "choices": choices}) from None

    def render(self, value, obj=None, **kwargs) -> str:
        if not value:
            return ""
        return str(self.choices(value).label)


# --- results -------------------------------------------------------------------------------------


# New and changed rows shown in an import's preview; the others are counted. A roster of ten
# thousand new people previews as its counts and its first rows, not as a page of megabytes.
PREVIEW_ROWS = 100


class SpreadsheetDiff(resources.Diff):
    """The preview's changes as plain <ins> and <del>: import-export's stylesheet colours them,
    and the inline styles it would add are refused by the portal's Content Security Policy.

    Only the first `PREVIEW_ROWS` new or changed rows of an import are marked up, and a cell
    is compared character by character only where it changed: the rest of the rows are counted
    in the preview, not shown.
    """

    TAGS = {
        diff_match_patch.DIFF_INSERT: "<ins>{}</ins>",
        diff_match_patch.DIFF_DELETE: "<del>{}</del>",
        diff_match_patch.DIFF_EQUAL: "<span>{}</span>",
    }

    def __init__(self, resource, instance, new) -> None:
        # Once the preview has its rows, the others' cells are not even read (each cell read
        # is its widget's rendering, twice a row).
        self.shown = resource.preview_rows_left > 0
        self.left = self._read_field_values(resource, instance) if self.shown else []
        self.right = []
        self.new = new
        self.resource = resource

    def compare_with(self, resource, instance) -> None:
        if self.shown:
            super().compare_with(resource, instance)

    def as_html(self) -> list[str]:
        changed = self.new or self.left != self.right
        if not self.shown or not changed or self.resource.preview_rows_left <= 0:
            return []
        self.resource.preview_rows_left -= 1
        return [
            self._cell(before, after) for before, after in zip(self.left, self.right, strict=False)
        ]

    def _cell(self, before: object, after: object) -> str:
        before, after = force_str(before), force_str(after)
        if before == after:
            operations = [(diff_match_patch.DIFF_EQUAL, after)]
        elif self.new or not before:
            operations = [(diff_match_patch.DIFF_INSERT, after)]
        else:
            differ = diff_match_patch()
            operations = differ.diff_main(before, after)
            differ.diff_cleanupSemantic(operations)
        return mark_safe(  # noqa: S308 - every piece of text is escaped
            "".join(self.TAGS[op].format(escape(text)) for op, text in operations if text)
        )


class SpreadsheetResult(Result):
    """An import's result, its rows numbered as the spreadsheet shows them (the header is 1)."""

    @staticmethod
    def _row_number(number: int, row: dict) -> int:
        # import-export counts data rows from 1; without a remembered row, the header is row 1.
        return row.get(ROW_COLUMN) or number + 1

    def append_invalid_row(self, number, row, validation_error) -> None:
        super().append_invalid_row(self._row_number(number, row), row, validation_error)

    def append_error_row(self, number, row, errors) -> None:
        super().append_error_row(self._row_number(number, row), row, errors)

    def row_errors(self) -> list:
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]

    @cached_property
    def preview_rows(self) -> list:
        """The new and changed rows the preview shows (see `PREVIEW_ROWS`)."""
        return [row for row in self.valid_rows() if row.diff]

    @cached_property
    def rows_not_shown(self) -> int:
        """New and changed rows the preview counts but does not show."""
        changed = self.totals[RowResult.IMPORT_TYPE_NEW] + self.totals[RowResult.IMPORT_TYPE_UPDATE]
        return changed - len(self.preview_rows)


# --- the resource --------------------------------------------------------------------------------


class SpreadsheetResource(FormulaSafeResource):
    """A model's rows as a spreadsheet, imported all or nothing and exported formula-safe."""

    # Fields the model's `full_clean` is not to check, because the import checks them itself.
    NOT_MODEL_CLEANED: tuple[str, ...] = ()
    # How many more new or changed rows the preview marks up (see `SpreadsheetDiff`).
    preview_rows_left = PREVIEW_ROWS

    @classmethod
    def get_result_class(cls) -> type[Result]:
        return SpreadsheetResult

    @classmethod
    def get_diff_class(cls) -> type[resources.Diff]:
        return SpreadsheetDiff

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        """The table's rows as a dataset under the resource's headers (see `read_table`)."""
        raise NotImplementedError

    def check_row(self, instance, row_number: int | None, errors: dict) -> None:
        """Add to `errors` what is wrong with the row beyond its cells: required values, repeats."""

    # import ---------------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import all rows or none: one invalid row rolls the whole file back."""
        if ROW_COLUMN not in (dataset.headers or []):
            # A dataset made in code rather than read by one of the resource's formats.
            try:
                dataset = self.read_rows([dataset.headers or [], *dataset])
            except SpreadsheetFileError as error:
                result = self.get_result_class()()
                result.append_base_error(self.get_error_result_class()(error))
                return result
        self.preview_rows_left = PREVIEW_ROWS
        # Headers in the language of this import, resolved once rather than per cell.
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        kwargs.update(use_transactions=True, rollback_on_validation_errors=True)
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        # How the file was read, for the preview: the sheet, what was ignored and why.
        result.report = getattr(dataset, "report", None)
        return result

    def import_instance(self, instance, row, **kwargs) -> None:
        errors: dict[str, ValidationError] = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValidationError as error:
                errors[field.attribute] = error
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error))
        self.check_row(instance, row.get(ROW_COLUMN), errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Uniqueness was checked against the whole file and the database at once.
            instance.full_clean(
                exclude=[*errors, *self.NOT_MODEL_CLEANED],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            # The preview names each column as the file does; an error of a field the file has
            # no column for (a rule over the whole row, such as a role its status no longer
            # allows) is the row's.
            labels = {name: str(field.column_name) for name, field in self.fields.items()}
            shown: dict[str, list[ValidationError]] = {}
            for name, error in errors.items():
                key = labels.get(name, NON_FIELD_ERRORS)
                shown.setdefault(key, []).extend(ValidationError(error).error_list)
            raise ValidationError(shown)

    def after_import(self, dataset, result, **kwargs) -> None:
        # ModelResource resets the id sequence here, for imports that carry ids; these never
        # do, and a reset could hand out an id another transaction is using.
        pass
