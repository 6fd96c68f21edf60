"""Forms of activities and readings: scheduling, the list's filters, the sign-in code and a
reading's confirmation."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm, LeanSelect
from members.models import Branch

from ..models import SIGN_IN_CODE_LENGTH, Activity, ActivityKind, Stage, StudyPlan
from ..services.activities import (
    FIELDS,
    READING_NOTE_MIN_LENGTH,
    ActivityDetails,
    check_activity_details,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class ActivityForm(BootstrapForm):
    """An activity as staff or a reviewer schedule it; a reviewer picks one of his branches."""

    title = forms.CharField(label=pgettext_lazy("activity", "Title"), max_length=200)
    kind = forms.ChoiceField(label=pgettext_lazy("activity", "Type"), choices=ActivityKind.choices)
    stage = forms.TypedChoiceField(
        label=pgettext_lazy("activity", "Stage"), choices=Stage.choices, coerce=int
    )
    description = forms.CharField(
        label=pgettext_lazy("activity", "Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_at = forms.DateTimeField(
        label=pgettext_lazy("activity", "Starts at"), widget=DateTimeInput()
    )
    ends_at = forms.DateTimeField(
        label=pgettext_lazy("activity", "Ends at"), widget=DateTimeInput()
    )
    place = forms.CharField(label=pgettext_lazy("activity", "Place"), max_length=200)
    capacity = forms.IntegerField(
        label=pgettext_lazy("activity", "Places"),
        min_value=1,
        max_value=10000,
        error_messages={"min_value": _("Offer at least one place.")},
    )
    hours = forms.DecimalField(
        label=pgettext_lazy("activity", "Hours credited"),
        min_value=Decimal(0),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=1,
        error_messages={
            "min_value": _("Hours credited are between 0 and 24."),
            "max_value": _("Hours credited are between 0 and 24."),
        },
        help_text=_("Credited to each person who attends, as approved study hours."),
    )
    plan = forms.ModelChoiceField(
        label=pgettext_lazy("activity", "Study plan"),
        queryset=StudyPlan.objects.all(),
        required=False,
        help_text=_("Only the plan's participants may come; leave empty for every member."),
    )
    branch = forms.ModelChoiceField(
        label=pgettext_lazy("activity", "Party branch"),
        queryset=Branch.objects.none(),
        widget=LeanSelect,
    )

    def __init__(
        self,
        *args,
        branches: QuerySet[Branch],
        branch_required: bool,
        activity: Activity | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        for name in ("starts_at", "ends_at"):
            # Browsers send ISO date-times whatever the page's language.
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["hours"].widget.attrs.update(step="0.5")
        branch = self.fields["branch"]
        branch.queryset = branches
        branch.required = branch_required
        if branch_required:
            branch.help_text = _("The branch whose members may come.")
        else:
            branch.empty_label = _("Every branch")
            branch.help_text = _("Leave empty to open it to every branch.")
        self.fields["plan"].empty_label = _("No plan: every member")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors:
            try:
                check_activity_details(self.details(), self.activity)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def details(self) -> ActivityDetails:
        data = self.cleaned_data
        return ActivityDetails(
            title=data["title"].strip(),
            kind=data["kind"],
            stage=data["stage"],
            description=data["description"].strip(),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data["place"].strip(),
            capacity=data["capacity"],
            hours=data["hours"],
            plan=data["plan"],
            branch=data["branch"],
        )

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        return {name: getattr(activity, name) for name in FIELDS}


class ActivityFilterForm(BootstrapForm):
    """Search and filters of the activity list; a value that does not fit is left out."""

    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]

    when = forms.ChoiceField(label=_("When"), choices=WHEN, required=False)
    q = forms.CharField(
        label=_("Title or place"), required=False, max_length=100, widget=forms.SearchInput()
    )
    stage = forms.TypedChoiceField(
        label=pgettext_lazy("activity", "Stage"), coerce=int, empty_value=None, required=False
    )
    kind = forms.ChoiceField(label=pgettext_lazy("activity", "Type"), required=False)
    # The period and branch of a figure of the branch view or the dashboard (see study.glance).
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)
    branch = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d"]
        self.fields["q"].widget.attrs["placeholder"] = _("Title or place")
        self.fields["stage"].choices = [("", _("All stages")), *Stage.choices]
        self.fields["kind"].choices = [("", _("All types")), *ActivityKind.choices]

    def values(self) -> dict:
        """The valid values, with the defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "when": data.get("when") or "upcoming",
            "q": (data.get("q") or "").strip(),
            "stage": data.get("stage"),
            "kind": data.get("kind") or "",
            "start": data.get("start"),
            "end": data.get("end"),
            "branch": data.get("branch"),
        }


class PlacesFilterForm(BootstrapForm):
    """Search and filters of the places taken; the period and branch come from a figure of the
    branch view or the dashboard (see study.glance). A value that does not fit is left out."""

    q = forms.CharField(
        label=_("Name, number or activity"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(),
    )
    attended = forms.BooleanField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)
    branch = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d"]
        self.fields["q"].widget.attrs["placeholder"] = _("Name, number or activity")

    def values(self) -> dict:
        """The valid values, with the defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "attended": bool(data.get("attended")),
            "start": data.get("start"),
            "end": data.get("end"),
            "branch": data.get("branch"),
        }


class SignInForm(BootstrapForm):
    """The code an organiser shows, typed or brought by the QR code."""

    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=SIGN_IN_CODE_LENGTH + 10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control form-control-lg text-center text-uppercase",
            }
        ),
        error_messages={"required": _("Enter the code shown by the organiser.")},
    )


class ReadingConfirmForm(BootstrapForm):
    note = forms.CharField(
        label=_("What you took from it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a short note about what you read.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _("At least %(count)s characters.") % {
            "count": READING_NOTE_MIN_LENGTH
        }

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if len(note) < READING_NOTE_MIN_LENGTH:
            raise ValidationError(
                _("Write at least %(count)s characters about what you read.")
                % {"count": READING_NOTE_MIN_LENGTH},
                code="note_too_short",
            )
        return note


class ReadingFilterForm(BootstrapForm):
    stage = forms.TypedChoiceField(
        label=pgettext_lazy("activity", "Stage"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("All stages")), *Stage.choices]
