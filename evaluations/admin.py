"""Campaigns in the admin: staff create them with their questions and window. Once a campaign
opens, who is evaluated and by whom is fixed (only its name and closing time change); once it
closes nothing but the name does. Ballots and eligibilities have no admin at all: nobody reads
who may have cast which ballot."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.history import HistoryAdmin

from . import services
from .models import Campaign, Question, Relation, Status
from .populations import study_plans


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "text", "text_en"]
    extra = 0

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == Status.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


def _plan_choices() -> list[tuple[str, str]]:
    source = study_plans()
    return [("", "---------")] + [
        (str(pk), name) for pk, name in (source.choices() if source else [])
    ]


class CampaignForm(forms.ModelForm):
    relations = forms.MultipleChoiceField(
        label=_("who evaluates"),
        choices=Relation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of evaluators; authors of anonymous suggestions never are."),
    )
    study_plan_id = forms.TypedChoiceField(
        label=_("study plan"), choices=_plan_choices, coerce=int, required=False, empty_value=None
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "scope",
            "branch",
            "study_plan_id",
            "relations",
            "period_start",
            "period_end",
            "opens_at",
            "closes_at",
            "basic_from",
            "qualified_from",
            "excellent_from",
        ]


FIXED_WHEN_OPEN = [
    "kind",
    "scope",
    "branch",
    "study_plan_id",
    "relations",
    "period_start",
    "period_end",
    "opens_at",
]


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    form = CampaignForm
    inlines = [QuestionInline]
    list_display = ["name", "kind", "scope", "opens_at", "closes_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    date_hierarchy = "opens_at"

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        if obj is None or obj.status == Status.DRAFT:
            return ["status"]
        fixed = [*FIXED_WHEN_OPEN, "status"]
        if obj.status == Status.OPEN:
            return fixed
        return [*fixed, "closes_at", "basic_from", "qualified_from", "excellent_from"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.status == Status.DRAFT) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # A window that has begun opens now, with the questions just saved.
        services.open_campaign(campaign=form.instance)
