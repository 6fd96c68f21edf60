"""Spreadsheets in the admin: the upload form and the import page's handling of a file, and the
export page's choice of columns.

Every spreadsheet import of the admin works the same way: a file over the size limit is
refused before it is read, a file is read as what its content is (no format to choose), a
workbook whose table could be on several sheets, or on none, lets the staff member choose the
sheet, a file that cannot be read is refused on the form with its reason, the preview says how
the file was read (`TableReport`), and a confirmed import that no longer passes the checks
saves nothing and says so.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm

from .spreadsheets import ChooseSheet, SpreadsheetFileError, check_file_size, reading_sheet


class SpreadsheetImportForm(ImportForm):
    """The upload: refused over the size limit before it is read, and read as what its content
    is, so there is no format to choose. The sheet of a workbook is found by its header; when
    it cannot be, the form offers the workbook's sheets (`offer_sheets`). A subclass describes
    the file it expects in `file_help_text`."""

    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        widget=forms.HiddenInput,
        help_text=gettext_lazy("The sheet of the workbook that holds the table."),
    )

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["format"].required = False
        self.fields["format"].widget = forms.HiddenInput()
        self.fields["import_file"].help_text = self.file_help_text()
        chosen = self.data.get("sheet") if self.is_bound else ""
        if chosen:
            self.offer_sheets([chosen])

    def offer_sheets(self, names: list[str]) -> None:
        """Let the staff member choose one of these sheets."""
        self.fields["sheet"].widget = forms.Select(
            choices=[("", gettext("Find the sheet by its header")), *((n, n) for n in names)]
        )

    def file_help_text(self) -> str:
        return ""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_file_size(upload.size)
        except SpreadsheetFileError as error:
            raise ValidationError(str(error), code="too_big") from error
        return upload

    def clean_format(self) -> str:
        # Every format reads every kind of file by its content (`read_spreadsheet`).
        return self.cleaned_data.get("format") or "0"


class SpreadsheetConfirmForm(ConfirmImportForm):
    """The confirmation, which reads the file again on the sheet the preview read."""

    sheet = forms.CharField(widget=forms.HiddenInput, required=False)


class SpreadsheetImportMixin:
    """For a model admin with import-export's `ImportMixin`, listed before it."""

    confirm_form_class = SpreadsheetConfirmForm

    def import_action(self, request, **kwargs):
        with reading_sheet(request.POST.get("sheet", "")):
            response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and not context.get("fields_list"):
            # import-export lists the columns only when the upload was read; a refused upload
            # would show the list's heading over nothing.
            context["fields_list"] = self._import_fields_list(request, context["form"], **kwargs)
        return response

    def _import_fields_list(self, request, form, **kwargs) -> list[tuple[str, list[str]]]:
        res_kwargs = self.get_import_resource_kwargs(request=request, form=form, **kwargs)
        resources = [cls(**res_kwargs) for cls in self.get_import_resource_classes(request)]
        return [
            (
                resource.get_display_name(),
                [field.column_name for field in resource.get_user_visible_fields()],
            )
            for resource in resources
        ]

    def process_import(self, request, **kwargs):
        with reading_sheet(request.POST.get("sheet", "")):
            return super().process_import(request, **kwargs)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["sheet"] = import_form.cleaned_data.get("sheet", "")
        return initial

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, ChooseSheet):
            form.offer_sheets(e.sheets)
            form.add_error("sheet", str(e))
        elif isinstance(e, SpreadsheetFileError):
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
