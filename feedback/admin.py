"""The suggestion board in the admin: categories with their sub-areas, handlers and response
targets (kept with their history), and the suggestions, read-only, for reference and review.

Suggestions change only through the board's pages and services. The admin never shows who wrote
an anonymous suggestion: the row holds no link to him, and the token is not shown.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.admin_lists import LeanChangelistMixin, ShownLookupsMixin
from common.history import HistoryAdmin

from . import services
from .models import Category, Photo, Report, Step, SubArea, Suggestion


class SubAreaInline(admin.TabularInline):
    model = SubArea
    fields = ["name", "name_en", "position", "is_active"]
    extra = 1


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "name_en",
            "position",
            "first_response_days",
            "answer_days",
            "handlers",
            "is_active",
        ]

    def clean_handlers(self):
        handlers = self.cleaned_data["handlers"]
        services.check_handlers(handlers)
        return handlers


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    form = CategoryForm
    list_display = ["name", "name_en", "first_response_days", "answer_days", "is_active"]
    list_editable = ["first_response_days", "answer_days"]
    search_fields = ["name", "name_en"]
    autocomplete_fields = ["handlers"]
    inlines = [SubAreaInline]


@admin.register(SubArea)
class SubAreaAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "category", "position", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "name_en"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StepInline(ReadOnlyInline):
    model = Step
    fields = ["created_at", "action", "status", "actor", "by_author", "note"]
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["image", "content_type", "width", "height"]
    readonly_fields = fields


@admin.register(Suggestion)
class SuggestionAdmin(ShownLookupsMixin, LeanChangelistMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "category",
        "status",
        "author_shown",
        "support_count",
        "hidden",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["status", "category", "is_anonymous", "hidden"]
    list_select_related = ["category", "author"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["title", "body"]
    date_hierarchy = "created_at"
    # `author_token` is never shown; `author` only through `author_shown`.
    fields = [
        "title",
        "body",
        "category",
        "sub_area",
        "author_shown",
        "status",
        "assignee",
        "created_at",
        "first_response_at",
        "answer",
        "answered_by",
        "answered_at",
        "closed_at",
        "decline_reason",
        "merged_into",
        "satisfied",
        "reopened_at",
        "reopen_reason",
        "support_count",
        "report_count",
        "hidden",
        "hidden_reason",
        "hidden_at",
    ]
    readonly_fields = fields
    inlines = [PhotoInline, StepInline]

    @admin.display(description=pgettext_lazy("suggestion", "Number"), ordering="pk")
    def number(self, suggestion: Suggestion) -> int:
        return suggestion.pk

    @admin.display(description=_("author"))
    def author_shown(self, suggestion: Suggestion) -> str:
        if suggestion.is_anonymous:
            return str(_("Anonymous"))
        return suggestion.author.display_name if suggestion.author else "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ShownLookupsMixin, admin.ModelAdmin):
    list_display = ["suggestion", "reporter", "reason", "created_at"]
    list_select_related = ["suggestion", "reporter"]
    search_fields = ["suggestion__title", "reason"]
    raw_id_fields = ["suggestion", "reporter"]
    readonly_fields = ["created_at"]
