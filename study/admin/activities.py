"""Activities, registrations and readings in the admin.

Changes go through the same rules as in the portal: an activity's details are checked by
`check_activity_details`, places a change frees go to the waiting list, and attendance is
marked or taken back by the services (so that the credited hours follow). Registrations are
made in the portal; the admin shows them and takes attendance. Reading lists are imported.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats import base_formats

from common.admin_import import (
    SpreadsheetExportForm,
    SpreadsheetImportForm,
    SpreadsheetImportMixin,
)
from common.admin_lists import ShownLookupsMixin, text_filter
from common.history import HistoryAdmin

from ..models import Activity, Reading, ReadingConfirmation, Registration
from ..resources import READINGS_FORMATS, ReadingResource, RegistrationResource
from ..services import activities as services

# --- activities ----------------------------------------------------------------------------------

REGISTERED = Q(registrations__status=Registration.Status.REGISTERED)


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [*services.FIELDS, "organiser"]

    def clean(self) -> dict:
        cleaned = super().clean()
        names = services.FIELDS
        if all(cleaned.get(name) is not None for name in names if name not in ("plan", "branch")):
            details = services.ActivityDetails(**{name: cleaned.get(name) for name in names})
            try:
                services.check_activity_details(details, self.instance)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class RegistrationInline(admin.TabularInline):
    """The activity's list, to read: places are taken in the portal."""

    model = Registration
    extra = 0
    can_delete = False
    fields = ["person", "status", "registered_at", "attended_at", "attendance_marked_by"]
    readonly_fields = fields
    ordering = ["status", "registered_at", "id"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "attendance_marked_by")


@admin.register(Activity)
class ActivityAdmin(HistoryAdmin):
    form = ActivityAdminForm
    list_display = ["title", "kind", "stage", "starts_at", "place", "capacity", "taken", "branch"]
    list_filter = ["kind", "stage", text_filter("branch__name", _("Party branch")), "plan"]
    list_select_related = ["branch"]
    search_fields = ["title", "place"]
    autocomplete_fields = ["organiser", "branch"]
    date_hierarchy = "starts_at"
    readonly_fields = ["sign_in_code", "created_at"]
    inlines = [RegistrationInline]
    actions = ["renew_sign_in_codes"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(taken_count=Count("registrations", filter=REGISTERED))
        )

    @admin.display(description=_("places taken"), ordering="taken_count")
    def taken(self, activity: Activity) -> int:
        return activity.taken_count

    def get_changeform_initial_data(self, request) -> dict:
        return {"organiser": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.action(description=_("Give a new sign-in code"), permissions=["change"])
    def renew_sign_in_codes(self, request, queryset) -> None:
        for activity in queryset:
            services.renew_sign_in_code(actor=request.user, activity=activity)
        messages.success(
            request, gettext("%(count)s new sign-in codes given.") % {"count": queryset.count()}
        )

    def save_model(self, request, obj: Activity, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            services.fill_places_from_waiting_list(actor=request.user, activity=obj)


# --- registrations -------------------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, HistoryAdmin):
    resource_classes = [RegistrationResource]
    export_form_class = SpreadsheetExportForm
    export_formats = [base_formats.XLSX, base_formats.CSV]
    list_display = ["person", "activity", "status", "registered_at", "attended_at"]
    list_filter = ["status", "activity__kind", "activity__stage"]
    list_select_related = ["person", "activity"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["person__name", "person__student_number", "activity__title"]
    readonly_fields = [
        "activity",
        "person",
        "status",
        "registered_at",
        "attended_at",
        "attendance_marked_by",
    ]
    actions = ["mark_present", "take_back_attendance"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Removing a registration would leave its credited hours behind: take attendance back
        # or let the person cancel in the portal.
        return False

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for registration in queryset.select_related("activity", "person"):
            try:
                service(actor=request.user, registration=registration)
            except ValidationError as error:
                messages.error(request, f"{registration}: {' '.join(error.messages)}")
            else:
                count += 1
        if count:
            messages.success(request, done % {"count": count})

    @admin.action(description=_("Mark present (credits the hours)"), permissions=["change"])
    def mark_present(self, request, queryset) -> None:
        self._each(
            request, queryset, services.mark_attendance, gettext("%(count)s marked present.")
        )

    @admin.action(description=_("Take attendance back (and its hours)"), permissions=["change"])
    def take_back_attendance(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            services.unmark_attendance,
            gettext("Attendance taken back for %(count)s."),
        )


# --- readings ------------------------------------------------------------------------------------


class ReadingsImportForm(SpreadsheetImportForm):
    """The reading list's upload."""

    def file_help_text(self) -> str:
        return gettext(
            "An Excel workbook (.xlsx or .xls) or a CSV file (UTF-8, GBK or UTF-16) of at most "
            "%(size)s. The first row names the columns, in Chinese or English: title, source, "
            "stage (1, 2, 3 or 第一阶段) and link. Readings are matched by title. Nothing is "
            "saved until every row is valid."
        ) % {"size": filesizeformat(settings.ROSTER_MAX_BYTES)}


@admin.register(Reading)
class ReadingAdmin(SpreadsheetImportMixin, ImportMixin, HistoryAdmin):
    resource_classes = [ReadingResource]
    import_formats = READINGS_FORMATS
    import_form_class = ReadingsImportForm
    list_display = ["title", "source", "stage", "has_document", "confirmed"]
    list_filter = ["stage"]
    search_fields = ["title", "source"]
    # A link typed without its scheme is taken as https, as Django 6 will take it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(confirmed_count=Count("confirmations"))

    @admin.display(description=_("PDF"), boolean=True)
    def has_document(self, reading: Reading) -> bool:
        return bool(reading.document)

    @admin.display(description=pgettext_lazy("reading", "confirmed by"), ordering="confirmed_count")
    def confirmed(self, reading: Reading) -> int:
        return reading.confirmed_count


@admin.register(ReadingConfirmation)
class ReadingConfirmationAdmin(ShownLookupsMixin, admin.ModelAdmin):
    list_display = ["person", "reading", "confirmed_at"]
    list_filter = ["reading__stage"]
    list_select_related = ["person", "reading"]
    search_fields = ["person__name", "person__student_number", "reading__title"]
    readonly_fields = ["reading", "person", "note", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False
