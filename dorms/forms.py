"""The dorms' page forms: they clean input; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapForm, FigureListForm
from members.models import WORKSTATION_STATUSES

from .models import ActionKind


def workstation_people():
    return (
        get_user_model()
        .objects.filter(is_active=True, political_status__in=WORKSTATION_STATUSES)
        .order_by("name", "email")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name} {obj.number}".strip()


class PlanForm(BootstrapForm):
    goals = forms.CharField(
        label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    responsible = PersonChoiceField(label=_("Responsible member"), queryset=workstation_people())
    reviewer = PersonChoiceField(
        label=_("Plan reviewer"),
        queryset=get_user_model().objects.none(),
        help_text=_("Confirms the actions logged; staff or another workstation member."),
    )
    review_date = forms.DateField(
        label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (
            get_user_model()
            .objects.filter(
                Q(is_staff=True) | Q(political_status__in=WORKSTATION_STATUSES), is_active=True
            )
            .order_by("name", "email")
        )


class ActionForm(BootstrapForm):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DisputeForm(BootstrapForm):
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    is_dispute = forms.BooleanField(label=_("I dispute this result"), required=False)


class SettleForm(BootstrapForm):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Uphold")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
    )
    answer = forms.CharField(
        label=_("Answer to the resident"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class ReassignForm(BootstrapForm):
    inspector = PersonChoiceField(label=_("Inspector"), queryset=workstation_people())


class PeriodForm(forms.Form):
    """The rounds list's period (`?start=&end=`); unreadable dates filter nothing."""

    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class BranchListForm(FigureListForm):
    """Which list of a branch's members' dorm work (`?show=`) and its period (`?start=&end=`,
    from a figure of the branch view). A value that does not fit is left out: the first list,
    and no bound on the dates."""

    show = forms.ChoiceField(
        choices=[
            ("assigned", _("Rooms to inspect in the period's rounds")),
            ("inspected", _("Rooms inspected in the period's rounds")),
            ("completed", _("Inspections done in the period")),
            ("assistance", _("Key-dorm assistance actions confirmed in the period")),
            ("looked-after", _("Rooms looked after")),
        ],
        required=False,
    )
