"""Forms of the study log, its review, sign-offs, the staff overview and plan participants."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm, LeanSelect, LeanSelectMultiple
from members.models import WORKSTATION_STATUSES, Branch, PoliticalStatus, User

from ..models import Stage, StudyEntry, StudyPlan
from ..services.track import LOGGABLE_KINDS, check_entry

KIND_CHOICES = [
    (value, label) for value, label in StudyEntry.Kind.choices if value in LOGGABLE_KINDS
]


class EntryForm(BootstrapForm):
    """A piece of study: the member's own log."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stage = forms.TypedChoiceField(label=_("Stage"), choices=Stage.choices, coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    hours = forms.DecimalField(
        label=pgettext_lazy("study", "Hours"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal(24),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    material = forms.CharField(
        label=_("Material"),
        max_length=200,
        required=False,
        help_text=_("What you studied, e.g. 《中国共产党章程》 or a speech."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your notes; for a reflection, the reflection itself."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                check_entry(
                    date=data["date"],
                    stage=data["stage"],
                    kind=data["kind"],
                    hours=data["hours"],
                    notes=data.get("notes", ""),
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return data

    @classmethod
    def initial_for(cls, stage: int) -> dict:
        return {"date": timezone.localdate(), "stage": stage, "kind": StudyEntry.Kind.SELF_STUDY}

    @staticmethod
    def initial_from_link(query) -> dict:
        """The kind and stage a link to the form chose (e.g. "write your reflection")."""
        initial = {}
        if query.get("kind") in dict(KIND_CHOICES):
            initial["kind"] = query["kind"]
        if query.get("stage", "").isdigit() and int(query["stage"]) in Stage.values:
            initial["stage"] = int(query["stage"])
        return initial


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("review", "Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class BulkApproveForm(forms.Form):
    entries = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)

    def __init__(self, *args, ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(pk, pk) for pk in ids]
        self.fields["entries"].error_messages["required"] = _("Choose the entries to approve.")
        self.fields["entries"].error_messages["invalid_choice"] = _(
            "Some of the chosen entries are no longer waiting for you."
        )


class SignOffForm(BootstrapForm):
    comment = forms.CharField(
        label=pgettext_lazy("review", "Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment to sign the stage off.")},
    )


class LogFilterForm(BootstrapForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("study entry", "All statuses")), *StudyEntry.Status.choices],
    )


class QueueFilterForm(BootstrapForm):
    """The review queue's search and filters."""

    q = forms.CharField(
        label=_("Name or number"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Name or number"), "type": "search"}),
    )
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All stages")), *Stage.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *KIND_CHOICES]
    )
    waiting = forms.IntegerField(
        label=_("Waiting more than (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": _("Min. days waiting")}),
    )

    def filter(self, entries: QuerySet[StudyEntry]) -> QuerySet[StudyEntry]:
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["q"]:
            people = User.objects.search(data["q"]).values("pk")
            entries = entries.filter(person__in=people)
        if data["stage"]:
            entries = entries.filter(stage=data["stage"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["waiting"] is not None:
            cutoff = timezone.now() - datetime.timedelta(days=data["waiting"])
            entries = entries.filter(submitted_at__lt=cutoff)
        return entries


class OverviewForm(BootstrapForm):
    """The staff overview: a plan, and (for the entries' export) filters."""

    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=StudyPlan.objects.none(), required=False, empty_label=None
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("study entry", "All statuses")), *StudyEntry.Status.choices],
    )
    stage = forms.TypedChoiceField(
        label=_("Stage"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All stages")), *Stage.choices],
    )
    branch = forms.ModelChoiceField(
        label=_("Party branch"),
        queryset=Branch.objects.order_by("name"),
        required=False,
        empty_label=_("All branches"),
        widget=LeanSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = StudyPlan.objects.all()


class EnrolForm(BootstrapForm):
    """Who to add to a plan: members of branches, grades and statuses, or picked by hand."""

    branches = forms.ModelMultipleChoiceField(
        label=_("Party branches"),
        queryset=Branch.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=LeanSelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"),
        coerce=int,
        required=False,
        choices=[],
        widget=LeanSelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Political status"),
        required=False,
        choices=[],
        widget=LeanSelectMultiple(attrs={"class": "form-select", "size": 4}),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def __init__(self, *args, grades: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grades"].choices = [(grade, grade) for grade in grades]
        self.fields["statuses"].choices = [
            (value, label)
            for value, label in PoliticalStatus.choices
            if value in WORKSTATION_STATUSES
        ]
        self.fields["people"].queryset = User.objects.in_workstation()

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not any(
            data.get(name) for name in ("branches", "grades", "statuses", "people")
        ):
            raise ValidationError(_("Choose at least one branch, grade, status or person."))
        return data


class PersonSearchForm(BootstrapForm):
    q = forms.CharField(
        label=_("Find a member"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Name or number"), "type": "search"}),
    )

    def people(self) -> QuerySet[User]:
        if not self.is_valid() or not self.cleaned_data["q"]:
            return User.objects.none()
        return User.objects.in_workstation().search(self.cleaned_data["q"]).filter(is_active=True)


class ProgressListForm(BootstrapForm):
    """The participants behind a figure of the branch view or the dashboard: the plans running
    in a period, of a branch, narrowed to a stage, a progress band, those behind schedule or
    those ready to sign off. A value that does not fit is refused with the field's message."""

    branch = forms.ModelChoiceField(
        label=_("Party branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("All branches"),
        widget=LeanSelect,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    band = forms.ChoiceField(label=_("Progress"), required=False)
    behind = forms.BooleanField(label=_("Behind schedule"), required=False)
    ready = forms.BooleanField(label=_("Ready to sign off"), required=False)

    def __init__(self, *args, branches: QuerySet[Branch], bands: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["stage"].choices = [
            ("", _("All stages")),
            *[(str(value), label) for value, label in Stage.choices],
            ("done", _("Completed")),
        ]
        self.fields["band"].choices = [("", _("Any progress")), *bands]
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d"]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError(_("The end of the period is before its start."), code="order")
        return cleaned
