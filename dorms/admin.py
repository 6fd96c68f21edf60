"""The dorms in the admin: buildings with their floors, rooms with their beds, residencies
(the history of who lived where), the members looking after rooms and floors, checklists (a
change of items raises the version), rounds, inspections, follow-up issues, comments and
disputes, key-dorm rules and key dorms, each with its history where it is kept.

A residency, a contact and a round pass the same rules here as in the services and the import
(`residency_refusal`, workstation members only, `check_round_scope`). What a service changes
under its own rules is only read here, so that no rule can be skipped from this door:
inspections (filled in on the inspector's form; reassigned on the round's page, linked from
here, while not done and to workstation members only), comments and disputes (settled once on
the disputes page, linked from here), key dorms (their workflow's page) and which item a
follow-up issue is about (made when an inspection is submitted).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.admin import ImportMixin

from common.admin_import import SpreadsheetImportForm, SpreadsheetImportMixin
from common.admin_lists import ShownLookupsMixin
from common.history import HistoryAdmin
from members.access import in_workstation

from . import access
from .models import (
    Answer,
    AssistanceAction,
    Bed,
    Building,
    Checklist,
    ChecklistItem,
    Contact,
    Dispute,
    Floor,
    FollowUp,
    Inspection,
    InspectionStatus,
    KeyDorm,
    KeyDormRule,
    KeyStep,
    Residency,
    Room,
    Round,
)
from .resources import CONTACTS_FORMATS, RESIDENTS_FORMATS, ContactResource, ResidencyResource
from .services.inspections import assign_round_rooms, check_round_scope
from .services.rooms import residency_refusal


class FloorInline(admin.TabularInline):
    model = Floor
    extra = 1


@admin.register(Building)
class BuildingAdmin(HistoryAdmin):
    list_display = ["name", "gender"]
    list_filter = ["gender"]
    search_fields = ["name"]
    inlines = [FloorInline]


@admin.register(Floor)
class FloorAdmin(ShownLookupsMixin, admin.ModelAdmin):
    list_display = ["building", "number"]
    list_filter = ["building"]
    list_select_related = ["building"]
    search_fields = ["building__name"]


class BedInline(admin.TabularInline):
    model = Bed
    extra = 1


@admin.register(Room)
class RoomAdmin(HistoryAdmin):
    list_display = ["number", "floor", "capacity"]
    list_filter = ["floor__building"]
    list_select_related = ["floor__building"]
    search_fields = ["number", "floor__building__name"]
    autocomplete_fields = ["floor"]
    inlines = [BedInline]


class ResidencyForm(forms.ModelForm):
    class Meta:
        model = Residency
        fields = ["person", "room", "bed", "start", "until"]

    def clean(self):
        cleaned = super().clean()
        person, room, start = cleaned.get("person"), cleaned.get("room"), cleaned.get("start")
        if person is None or room is None or start is None or cleaned.get("until"):
            return cleaned
        others = (
            Residency.objects.current(start).filter(room=room).exclude(person=person)
            if self.instance.pk is None
            else Residency.objects.current(start).filter(room=room).exclude(pk=self.instance.pk)
        )
        refusal = residency_refusal(person, room, cleaned.get("bed"), others_in_room=others.count())
        if refusal:
            raise ValidationError(refusal)
        return cleaned


class ResidentsImportForm(SpreadsheetImportForm):
    def file_help_text(self) -> str:
        return _(
            "The housing office's list, an Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK) "
            "of at most %(size)s and %(rows)s rows, with the columns 楼栋, 楼层, 房间号, 床位, "
            "学号, 姓名, 入住日期 (or Building, Floor, Room, Bed, Student number, Name, Moved "
            "in) and optionally 容量. New buildings, rooms and beds are created; each student "
            "moves into his room. Nothing is saved until every row is valid."
        ) % {
            "size": filesizeformat(settings.ROSTER_MAX_BYTES),
            "rows": settings.ROSTER_MAX_ROWS,
        }


@admin.register(Residency)
class ResidencyAdmin(SpreadsheetImportMixin, ImportMixin, HistoryAdmin):
    form = ResidencyForm
    resource_classes = [ResidencyResource]
    import_formats = RESIDENTS_FORMATS
    import_form_class = ResidentsImportForm
    list_display = ["person", "room", "bed", "start", "until"]
    list_filter = ["room__floor__building"]
    list_select_related = ["person", "room__floor__building", "bed"]
    search_fields = ["person__name", "person__student_number", "room__number"]
    autocomplete_fields = ["person", "room", "bed"]
    date_hierarchy = "start"


@admin.register(Bed)
class BedAdmin(ShownLookupsMixin, admin.ModelAdmin):
    list_display = ["label", "room"]
    list_select_related = ["room__floor__building"]
    search_fields = ["label", "room__number"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["member", "room", "floor"]

    def clean_member(self):
        member = self.cleaned_data["member"]
        if not in_workstation(member):
            raise ValidationError(
                _("%(name)s is not a workstation member (activist onward).")
                % {"name": member.display_name}
            )
        return member


class ContactsImportForm(SpreadsheetImportForm):
    def file_help_text(self) -> str:
        return _(
            "An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK) with the columns 学号, "
            "楼栋, 楼层, 房间号 (or Student number, Building, Floor, Room): the member looks "
            "after that room, or the whole floor when the room is left blank. Nothing is saved "
            "until every row is valid."
        )


@admin.register(Contact)
class ContactAdmin(SpreadsheetImportMixin, ImportMixin, HistoryAdmin):
    form = ContactForm
    resource_classes = [ContactResource]
    import_formats = CONTACTS_FORMATS
    import_form_class = ContactsImportForm
    list_display = ["member", "room", "floor"]
    list_select_related = ["member", "room__floor__building", "floor__building"]
    search_fields = ["member__name", "member__student_number", "room__number"]
    autocomplete_fields = ["member", "room", "floor"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ["position", "group", "text", "weight", "scale", "is_active"]


@admin.register(Checklist)
class ChecklistAdmin(HistoryAdmin):
    list_display = ["name", "version", "is_active"]
    search_fields = ["name"]
    readonly_fields = ["version"]
    inlines = [ChecklistItemInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            # Past inspections keep the items as they were; the version tells them apart.
            Checklist.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "checklist", "starts", "ends", "buildings", "floors"]

    def clean(self):
        cleaned = super().clean()
        if "buildings" in cleaned and "floors" in cleaned:
            try:
                check_round_scope(cleaned["buildings"], cleaned["floors"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Round)
class RoundAdmin(HistoryAdmin):
    form = RoundForm
    list_display = ["name", "checklist", "starts", "ends"]
    list_select_related = ["checklist"]
    search_fields = ["name"]
    filter_horizontal = ["buildings", "floors"]
    date_hierarchy = "starts"

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Rooms added to the round go to the members looking after them.
        assign_round_rooms(form.instance)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["group", "text", "weight", "scale", "value", "note"]
    readonly_fields = fields


def _untouched(inspection: Inspection) -> bool:
    """Nobody has begun it: no marks, no disputes, no practice credit hang on it."""
    return inspection.status == InspectionStatus.TO_DO


@admin.register(Inspection)
class InspectionAdmin(ShownLookupsMixin, admin.ModelAdmin):
    """Inspections, to read. Their inspector is changed on the round's page, through
    `reassign_inspection`: a done inspection (and the practice credit it gives) stays with
    its inspector, and a room goes to workstation members only.

    Only an inspection nobody has begun may be deleted: one begun holds its inspector's marks
    and the residents' comments, and a done one his practice credit for stage 3, which its
    deletion would take away unseen. The rule is the delete permission of each inspection, so
    it holds on its page, in the bulk action and when its round is deleted."""

    list_display = ["room", "round", "inspector", "status", "score", "done_on"]
    list_filter = ["status", "round"]
    list_select_related = ["room__floor__building", "round", "inspector"]
    search_fields = ["room__number", "inspector__name", "round__name"]
    readonly_fields = [
        "inspector",
        "round",
        "room",
        "original",
        "status",
        "checklist_version",
        "score",
        "has_safety_failure",
        "note",
        "done_at",
        "done_on",
    ]
    inlines = [AnswerInline]
    actions = ["delete_selected"]
    # The dashboard's figures link here with the rounds of a period, leaving out the copies of
    # an inspection done again (see dorms.glance.inspections_url).
    address_lookups = ("original__isnull", "round__starts__lte", "round__ends__gte")

    def get_fields(self, request, obj=None) -> list[str]:
        if obj is not None and access.can_reassign(request.user, obj):
            return [*self.readonly_fields, "reassign_link"]
        return list(self.readonly_fields)

    @admin.display(description=gettext_lazy("Reassign"))
    def reassign_link(self, inspection: Inspection) -> str:
        return format_html(
            '<a href="{}">{}</a>', inspection.round.get_absolute_url(), inspection.round
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or _untouched(obj)

    @admin.action(permissions=["delete"], description=django_delete_selected.short_description)
    def delete_selected(self, request, queryset):
        """Django's bulk delete, refused at once, with the reason, for a selection holding a
        begun or done inspection (Django would ask for a permission that does not help)."""
        begun = queryset.exclude(status=InspectionStatus.TO_DO).count()
        if begun:
            self.message_user(
                request,
                ngettext(
                    "%(count)d of the selected inspections has been begun or done and cannot "
                    "be deleted: it keeps its inspector's marks and practice credit. Nothing was "
                    "deleted.",
                    "%(count)d of the selected inspections have been begun or done and cannot "
                    "be deleted: they keep their inspectors' marks and practice credit. Nothing "
                    "was deleted.",
                    begun,
                )
                % {"count": begun},
                messages.ERROR,
            )
            return None
        return django_delete_selected(self, request, queryset)


@admin.register(FollowUp)
class FollowUpAdmin(ShownLookupsMixin, admin.ModelAdmin):
    """Follow-up issues: made for the failed items when an inspection is submitted, and closed
    when a re-inspection passes the item; staff may move the due date or close one by hand."""

    list_display = ["answer", "due", "resolved_at"]
    list_select_related = ["answer"]
    search_fields = ["answer__text"]
    fields = ["answer", "due", "resolved_at"]
    readonly_fields = ["answer"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(ShownLookupsMixin, admin.ModelAdmin):
    """Comments and disputes, to read: residents write them on their room's inspection and
    staff settle the open ones on the disputes page, through `settle_dispute` (once, with an
    answer, signed by whoever settles)."""

    list_display = ["answer", "resident", "is_dispute", "status", "created_at"]
    list_filter = ["status", "is_dispute"]
    list_select_related = ["answer", "resident"]
    search_fields = ["text", "resident__name"]
    readonly_fields = [
        "answer",
        "resident",
        "is_dispute",
        "text",
        "created_at",
        "status",
        "settlement",
        "settled_by",
        "settled_at",
    ]

    def get_fields(self, request, obj=None) -> list[str]:
        if obj is not None and access.can_settle(request.user, obj):
            return [*self.readonly_fields, "settle_link"]
        return list(self.readonly_fields)

    @admin.display(description=gettext_lazy("Settle"))
    def settle_link(self, dispute: Dispute) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("dorms:disputes"), _("Comments and disputes")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(KeyDormRule)
class KeyDormRuleAdmin(HistoryAdmin):
    list_display = ["kind", "threshold", "is_active"]
    list_editable = ["is_active"]


class KeyStepInline(ReadOnlyInline):
    model = KeyStep
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields


class ActionInline(ReadOnlyInline):
    model = AssistanceAction
    fields = ["date", "kind", "note", "member", "confirmed_by"]
    readonly_fields = fields


@admin.register(KeyDorm)
class KeyDormAdmin(HistoryAdmin):
    """Key dorms change through their page (the workflow's services); the admin reads them."""

    list_display = ["room", "status", "rule", "responsible", "review_date", "opened_at"]
    list_filter = ["status"]
    list_select_related = ["room__floor__building", "rule", "responsible"]
    search_fields = ["room__number", "room__floor__building__name", "responsible__name"]
    readonly_fields = [
        "room",
        "status",
        "rule",
        "reason",
        "inspection",
        "opened_at",
        "goals",
        "responsible",
        "reviewer",
        "review_date",
        "closed_at",
    ]
    inlines = [KeyStepInline, ActionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
