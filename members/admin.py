"""The members app in the admin: people (with the roster's import and export), branches,
workstation groups and development milestones, each with its change history.

Development steps go through the services, as from any other door: the admin adds them with
`record_step` (the procedure's rules), edits only their note and removes only a step no later
step depends on.
"""

from allauth.account import admin as account_admin  # registers its admins first
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from common.admin_import import SpreadsheetExportForm, SpreadsheetImportForm, SpreadsheetImportMixin
from common.admin_lists import ShownLookupsMixin, text_filter
from common.history import HistoryAdmin

from . import access, services
from .choices import everyones
from .forms import check_step_in_form
from .models import Branch, Milestone, User, WorkstationGroup, WorkstationRole
from .resources import ROSTER_FORMATS, RosterResource

# --- people ------------------------------------------------------------------------------------


class GradeListFilter(admin.SimpleListFilter):
    """The grades to filter by, as the directory offers them: read once every few minutes,
    not from every person of the university on every page."""

    title = pgettext_lazy("profile", "Grade")
    parameter_name = "grade"

    NONE = "none"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        grades = [(str(grade), str(grade)) for grade in everyones()["grades"]]
        return [*grades, (self.NONE, pgettext("grade", "No grade"))]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value == self.NONE:
            return queryset.filter(grade__isnull=True)
        if not (value.isascii() and value.isdigit() and len(value) <= 4):
            return queryset  # a grade that cannot be one filters nothing
        return queryset.filter(grade=int(value))


# What only superusers change about an account: its rights.
RIGHTS_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name", "student_number"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RosterImportForm(SpreadsheetImportForm):
    """The roster's upload."""

    def file_help_text(self) -> str:
        return gettext(
            "An Excel workbook (.xlsx or .xls), or a CSV or Unicode text file as Excel saves "
            "it, of at most %(size)s and %(rows)s rows. The table may sit on any sheet, under "
            "a title; its header names the columns, in Chinese or English; people are matched "
            "by student number, typed into cells formatted as text. Nothing is saved until "
            "every row is valid."
        ) % {
            "size": filesizeformat(settings.ROSTER_MAX_BYTES),
            "rows": settings.ROSTER_MAX_ROWS,
        }


@admin.register(User)
class UserAdmin(SpreadsheetImportMixin, ImportExportMixin, HistoryAdmin, DjangoUserAdmin):
    """People. Plain staff neither see nor change anyone's rights, change no staff account but
    their own and set no one else's password (`members.access`): the form leaves those fields
    out, the permission methods refuse those accounts, and saving refuses any other way in
    (a history revert, a forged form)."""

    form = UserEditForm
    add_form = UserCreateForm
    resource_classes = [RosterResource]
    export_form_class = SpreadsheetExportForm
    import_formats = ROSTER_FORMATS
    export_formats = ROSTER_FORMATS
    import_form_class = RosterImportForm
    list_display = ["number", "name", "email", "branch", "political_status", "grade", "is_staff"]
    list_display_links = ["number", "name"]
    list_filter = [
        text_filter("branch__name", _("Party branch")),
        "political_status",
        GradeListFilter,
        "workstation_role",
        "gender",
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
    ]
    list_select_related = ["branch"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["name", "student_number", "staff_number", "email"]
    ordering = ["student_number", "email"]
    autocomplete_fields = ["branch", "group"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            pgettext_lazy("admin section", "Person"),
            {
                "fields": [
                    "name",
                    "student_number",
                    "staff_number",
                    "gender",
                    "birth_date",
                    "phone",
                    "language",
                ]
            },
        ),
        (_("Study"), {"fields": ["college", "major", "class_name", "grade"]}),
        (
            _("Party and workstation"),
            {"fields": ["political_status", "branch", "workstation_role", "group"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "name",
                    "student_number",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("number"), ordering="student_number")
    def number(self, person: User) -> str:
        return person.number

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or access.may_change_rights(request.user):
            return fieldsets
        return [
            (name, {**options, "fields": _without_rights(options["fields"])})
            for name, options in fieldsets
        ]

    def get_list_display(self, request):
        return self._hide_rights(request, super().get_list_display(request))

    def get_list_filter(self, request):
        return self._hide_rights(request, super().get_list_filter(request))

    def _hide_rights(self, request, names):
        if access.may_change_rights(request.user):
            return names
        return _without_rights(names)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or access.may_change_account(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or access.may_change_account(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.may_change_rights(request.user):
            # Deleting in bulk would skip the check of each account.
            actions.pop("delete_selected", None)
        return actions

    def user_change_password(self, request, id, form_url=""):
        person = self.get_object(request, unquote(id))
        if person is not None and not access.may_set_password(request.user, person):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        before = User.objects.get(pk=obj.pk)
        if not access.may_change_account(request.user, before):
            raise PermissionDenied
        if not access.may_change_rights(request.user) and (
            obj.is_staff != before.is_staff or obj.is_superuser != before.is_superuser
        ):
            raise PermissionDenied
        if obj.password != before.password and not access.may_set_password(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        if obj.email.lower() != before.email.lower():
            services.record_email_changes(actor=request.user, changes=[(obj, before.email)])

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        # Once a timeline is recorded, it decides the status: record a milestone instead.
        if obj is not None and obj.milestones.exists():
            fields.append("political_status")
        return fields

    def get_export_queryset(self, request):
        # The roster holds people a roster can match again: those with a student number.
        return super().get_export_queryset(request).exclude(student_number=None)

    def get_export_filename(self, request, queryset, file_format) -> str:
        return f"roster-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


def _without_rights(names):
    return [name for name in names if name not in RIGHTS_FIELDS]


admin.site.unregister(Group)


class SuperusersChangeMixin(ShownLookupsMixin):
    """An admin that staff may read but only those who may change rights write to."""

    def has_add_permission(self, request) -> bool:
        return access.may_change_rights(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.may_change_rights(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.may_change_rights(request.user)


@admin.register(Group)
class GroupAdmin(SuperusersChangeMixin, DjangoGroupAdmin):
    """Groups carry permissions: only superusers add, change or delete them."""


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(SuperusersChangeMixin, account_admin.EmailAddressAdmin):
    """Which addresses people have, and which are verified: staff read it; only superusers
    change it, so that no one marks an address he reads verified on someone's account."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.may_change_rights(request.user):
            actions.pop("make_verified", None)
        return actions


# --- branches and groups -----------------------------------------------------------------------


class BranchForm(forms.ModelForm):
    """The secretary is checked by `Branch.clean`; the committee, a many-to-many field that
    `clean` does not see, by `Branch.check_committee` here."""

    class Meta:
        model = Branch
        fields = ["name", "secretary", "committee", "is_active"]

    def clean_committee(self):
        committee = self.cleaned_data["committee"]
        Branch.check_committee(committee)
        return committee


@admin.register(Branch)
class BranchAdmin(HistoryAdmin):
    form = BranchForm
    fields = ["name", "secretary", "committee", "is_active"]
    list_display = ["name", "secretary", "is_active", "people_count"]
    list_filter = ["is_active"]
    list_select_related = ["secretary"]
    search_fields = ["name"]
    autocomplete_fields = ["secretary", "committee"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, branch: Branch) -> int:
        return branch.people_count


@admin.register(WorkstationGroup)
class WorkstationGroupAdmin(HistoryAdmin):
    """Groups. A group's leader is chosen on his own page: the person's workstation role
    "Group leader" and his group, the one place where who leads a group is stored."""

    list_display = ["name", "leader", "people_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        leaders = User.objects.filter(group=OuterRef("pk"), workstation_role=WorkstationRole.LEADER)
        return (
            super()
            .get_queryset(request)
            .annotate(
                people_count=Count("people"),
                leader_name=Subquery(leaders.values("name")[:1]),
                leader_email=Subquery(leaders.values("email")[:1]),
            )
        )

    @admin.display(description=_("group leader"))
    def leader(self, group: WorkstationGroup) -> str:
        return group.leader_name or group.leader_email or "—"

    @admin.display(description=_("people"), ordering="people_count")
    def people_count(self, group: WorkstationGroup) -> int:
        return group.people_count


# --- milestones --------------------------------------------------------------------------------


class MilestoneAddForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["person", "kind", "date", *services.STEP_DETAILS, "note"]

    def clean(self) -> dict:
        cleaned = super().clean()
        check_step_in_form(self, cleaned.get("person"), by_field=True)
        return cleaned


class MilestoneNoteForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["note"]


def _is_removable(step: Milestone) -> bool:
    """Whether no other step of the timeline depends on `step` (`services.remove_step`)."""
    others = list(Milestone.objects.filter(person_id=step.person_id).exclude(pk=step.pk))
    return services.removable(step, others)


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["person", "kind", "date", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["person", "recorded_by"]
    # Filtered lists say "n results" without counting the whole table again.
    show_full_result_count = False
    search_fields = ["person__name", "person__student_number", "person__staff_number"]
    autocomplete_fields = ["person", "member_1", "member_2"]
    date_hierarchy = "date"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MilestoneNoteForm if obj is not None else MilestoneAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None) -> list[str]:
        fields = ["person", "kind", "date", *services.STEP_DETAILS, "note"]
        return fields if obj is None else [*fields, "recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return []
        return ["person", "kind", "date", *services.STEP_DETAILS, "recorded_by", "recorded_at"]

    def save_model(self, request, obj: Milestone, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["note"])
            return
        details = {name: getattr(obj, name) for name in services.STEP_DETAILS}
        step = services.record_step(
            actor=request.user,
            person=obj.person,
            kind=obj.kind,
            date=obj.date,
            note=obj.note,
            **details,
        )
        obj.pk = step.pk
        obj.note = step.note
        obj.recorded_by = step.recorded_by
        obj.recorded_at = step.recorded_at

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Removing several steps at once would skip the rule that no later step depends on one.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or _is_removable(obj)

    def delete_view(self, request, object_id, extra_context=None):
        step = self.get_object(request, unquote(object_id))
        change_url = reverse("admin:members_milestone_change", args=[object_id])
        if (
            step is not None
            and super().has_delete_permission(request, step)
            and not _is_removable(step)
        ):
            messages.error(
                request,
                gettext(
                    "“%(step)s” cannot be removed while later steps depend on it: remove those "
                    "first."
                )
                % {"step": step.get_kind_display()},
            )
            return HttpResponseRedirect(change_url)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            # Another step was recorded since the page was shown.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(change_url)

    def delete_model(self, request, obj: Milestone) -> None:
        services.remove_step(actor=request.user, step=obj)
