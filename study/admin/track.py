"""Plans, requirements, participants, the study log and sign-offs in the admin.

Plans and their requirements are kept here. Who follows a plan is chosen on the plan's
participants page (by branch, grade, status or by hand), which the plan links to; the admin
lists participants and removes them. Entries are reviewed in the portal or with the
"approve" action here, both through the same service; stages are signed off in the portal
only, because the rule that every requirement is met lives in the service.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_lists import text_filter
from common.history import HistoryAdmin

from ..models import Enrollment, Requirement, StageSignOff, StudyEntry, StudyPlan
from ..practice import practice_source_choices
from ..services import track as services


class RequirementForm(forms.ModelForm):
    # Ticked boxes of the registered sources, rather than the array field's comma-separated text.
    practice_sources = forms.MultipleChoiceField(
        label=Requirement._meta.get_field("practice_sources").verbose_name,
        help_text=Requirement._meta.get_field("practice_sources").help_text,
        choices=practice_source_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Requirement
        fields = ["stage", "kind", "minimum", "activity_kind", "practice_sources", "readings"]

    def clean(self) -> dict:
        # The rules are the model's: `Requirement.clean` (run by the form) and its readings'.
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            try:
                Requirement.check_readings(kind, cleaned.get("readings"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class RequirementInline(admin.StackedInline):
    model = Requirement
    form = RequirementForm
    extra = 0
    autocomplete_fields = ["readings"]
    ordering = ["stage", "kind", "id"]


@admin.register(StudyPlan)
class StudyPlanAdmin(HistoryAdmin):
    list_display = ["name", "starts_on", "ends_on", "participant_count", "participants_link"]
    search_fields = ["name"]
    date_hierarchy = "starts_on"
    readonly_fields = ["created_by", "created_at", "participants_link"]
    fields = ["name", "description", "starts_on", "ends_on", "participants_link"]
    inlines = [RequirementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("enrollments"))

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, plan: StudyPlan) -> int:
        return getattr(plan, "participant_count", 0)

    @admin.display(description=_("choose participants"))
    def participants_link(self, plan: StudyPlan) -> str:
        if not plan.pk:
            return "—"
        url = reverse("study:participants", args=[plan.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Choose participants"))

    def save_model(self, request, obj: StudyPlan, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Enrollment)
class EnrollmentAdmin(HistoryAdmin):
    """Participants: added on the plan's participants page, moved on by sign-offs."""

    list_display = ["person", "plan", "stage", "completed_at", "enrolled_at"]
    list_filter = ["plan", "stage", text_filter("person__branch__name", _("Party branch"))]
    list_select_related = ["person", "plan"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["person__name", "person__student_number"]
    readonly_fields = ["plan", "person", "stage", "completed_at", "enrolled_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def delete_model(self, request, obj: Enrollment) -> None:
        services.remove_enrollment(actor=request.user, enrollment=obj)

    def delete_queryset(self, request, queryset) -> None:
        for enrollment in queryset:
            services.remove_enrollment(actor=request.user, enrollment=enrollment)


@admin.register(StudyEntry)
class StudyEntryAdmin(HistoryAdmin):
    """The study log, to read and search; submitted entries may be approved in bulk."""

    list_display = ["person", "date", "stage", "kind", "hours", "status", "reviewed_by"]
    list_filter = [
        "status",
        "stage",
        "kind",
        "date",
        text_filter("person__branch__name", _("Party branch")),
    ]
    list_select_related = ["person", "reviewed_by"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["person__name", "person__student_number", "material", "notes"]
    date_hierarchy = "date"
    actions = ["approve_selected"]
    readonly_fields = [
        "person",
        "date",
        "stage",
        "kind",
        "hours",
        "material",
        "notes",
        "status",
        "activity",
        "created_at",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_comment",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Approve the selected submitted entries"))
    def approve_selected(self, request, queryset) -> None:
        approved, skipped = services.approve_entries(
            actor=request.user, entry_ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d entry approved.", "%(count)d entries approved.", approved)
            % {"count": approved},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry was skipped: it is not waiting for your review.",
                    "%(count)d entries were skipped: they are not waiting for your review.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(StageSignOff)
class StageSignOffAdmin(HistoryAdmin):
    """Sign-offs, to read: reviewers sign stages off in the portal, where the rules are checked."""

    list_display = ["enrollment", "stage", "signed_by", "signed_at"]
    list_filter = ["stage", "enrollment__plan"]
    list_select_related = ["enrollment__person", "enrollment__plan", "signed_by"]
    search_fields = ["enrollment__person__name", "enrollment__person__student_number"]
    readonly_fields = ["enrollment", "stage", "signed_by", "signed_at", "comment"]

    def has_add_permission(self, request) -> bool:
        return False
