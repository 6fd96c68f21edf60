"""Spreadsheets in the admin: the upload form and the import page's handling of a file, and the
export page's choice of columns.

Every spreadsheet import of the admin works the same way: a file over the size limit is
refused before it is read, the format may be left to the file's extension, a file that cannot
be read is refused on the form with its reason, and a confirmed import that no longer passes
the checks saves nothing and says so.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from import_export.forms import ImportForm, SelectableFieldsExportForm

from .spreadsheets import SpreadsheetFileError, check_file_size


class SpreadsheetImportForm(ImportForm):
    """The upload: refused over the size limit before it is read; the format may be left to
    the file's extension. A subclass describes the file it expects in `file_help_text`."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["format"].required = False
        self.fields["import_file"].help_text = self.file_help_text()

    def file_help_text(self) -> str:
        return ""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_file_size(upload.size)
        except SpreadsheetFileError as error:
            raise ValidationError(str(error), code="too_big") from error
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            extension = upload.name.rsplit(".", 1)[-1].lower()
            for index, file_format in enumerate(self.formats):
                if file_format().get_extension() == extension:
                    cleaned["format"] = str(index)
                    break
            else:
                self.add_error("format", gettext("Choose the format of the file."))
        return cleaned


class SpreadsheetImportMixin:
    """For a model admin with import-export's `ImportMixin`, listed before it."""

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, SpreadsheetFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        # The confirmed import checks every row again and rolls back on any error; say so
        # rather than report a finished import of nothing.
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                gettext(
                    "Nothing was imported: the file no longer passes the checks. "
                    "Upload it again to see why."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The export page's columns to choose, each named by its header in the file, in the
    reader's language (import-export names them by attribute, in English)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is None or not field.column_name:
            return super()._get_field_label(resource, field_name)
        return str(field.column_name)
