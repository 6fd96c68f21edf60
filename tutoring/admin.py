"""Peer tutoring in the admin: the related majors staff keep, the offers (with their courses),
and, for reference, requests, pairings with their history, sessions, ratings and check-ins.

Requests, pairings, sessions and ratings change only through the pages and their services, so
that the workflow and its notices hold whichever door a change comes through; the admin shows
them read-only.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_lists import ShownLookupsMixin
from common.history import HistoryAdmin

from . import access
from .models import (
    CheckIn,
    Offer,
    OfferCourse,
    Pairing,
    Rating,
    RelatedMajor,
    Request,
    Session,
    Step,
)


@admin.register(RelatedMajor)
class RelatedMajorAdmin(HistoryAdmin):
    list_display = ["major", "related"]
    search_fields = ["major", "related"]


class OfferCourseInline(admin.TabularInline):
    model = OfferCourse
    fields = ["course", "grade_got"]
    extra = 1


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["tutor", "topics", "capacity", "times", "note", "paused"]

    def clean_tutor(self):
        tutor = self.cleaned_data["tutor"]
        if not access.may_be_tutor(tutor):
            raise forms.ValidationError(
                _("%(name)s cannot tutor: only active people of the workstation do."),
                params={"name": tutor.display_name},
            )
        return tutor


@admin.register(Offer)
class OfferAdmin(HistoryAdmin):
    form = OfferForm
    list_display = ["tutor", "capacity", "paused", "updated_at"]
    list_filter = ["paused"]
    list_select_related = ["tutor"]
    search_fields = ["tutor__name", "tutor__student_number", "courses__course"]
    autocomplete_fields = ["tutor"]
    inlines = [OfferCourseInline]


class ReadOnlyAdmin(ShownLookupsMixin, admin.ModelAdmin):
    """Shown for reference: the pages and their services make every change."""

    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "tutee", "topic", "course", "major", "grade", "status", "created_at"]
    list_filter = ["status", "topic"]
    list_select_related = ["tutee"]
    search_fields = ["tutee__name", "tutee__student_number", "course", "description"]
    date_hierarchy = "created_at"


class StepInline(ReadOnlyInline):
    model = Step
    fields = ["created_at", "action", "status", "actor", "note"]
    readonly_fields = fields


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ["date", "minutes", "topic", "tutor", "logged_by", "confirmed_at"]
    readonly_fields = fields


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "tutee", "tutor", "status", "end_reason", "created_at", "quiet_since"]
    list_filter = ["status", "end_reason"]
    list_select_related = ["tutee", "tutor"]
    search_fields = ["tutee__name", "tutor__name", "tutee__student_number", "tutor__student_number"]
    inlines = [StepInline, SessionInline]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "pairing", "tutor", "minutes", "topic", "confirmed_at"]
    list_select_related = ["pairing__tutee", "pairing__tutor", "tutor"]
    search_fields = ["topic", "notes", "tutor__name", "pairing__tutee__name"]
    date_hierarchy = "date"


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["session", "tutor", "score", "created_at"]
    list_filter = ["score"]
    list_select_related = ["session", "session__tutor"]
    search_fields = ["comment", "session__tutor__name", "session__topic"]
    # The dashboard's average rating links here with its period (see tutoring.glance).
    address_lookups = ("session__date__gte", "session__date__lte")

    @admin.display(description=_("tutor"))
    def tutor(self, rating: Rating) -> str:
        return rating.session.tutor.display_name


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "occasion", "helpful", "in_touch", "go_on", "answered_at"]
    list_filter = ["occasion", "go_on"]
    list_select_related = ["pairing__tutee", "pairing__tutor"]
    search_fields = ["pairing__tutee__name", "pairing__tutor__name", "comment"]
