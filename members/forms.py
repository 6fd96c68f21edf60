"""The members app's forms: allauth's account forms with the portal's labels (sign in by
e-mail or student number), the phone on one's profile, development steps and the
directory's filters."""

import datetime
import functools

from allauth.account import forms as allauth_forms
from allauth.account.models import EmailAddress
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm, LeanSelect

from . import services
from .models import Branch, Milestone, PoliticalStatus, User
from .procedure import check_step
from .validators import normalize_phone, validate_mobile


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("E-mail or student number")
        field.widget.attrs["placeholder"] = _("E-mail or student number")
        field.widget.attrs["autocomplete"] = "username"


def _owns_verified(user, email: str) -> bool:
    """Whether `email` is a verified address of `user`: only those receive a way in."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """A sign-in code goes only to a verified address: an address staff put on an account
    (`services.record_email_changes`) opens nothing until its owner confirms it. An address
    that is not verified is answered as one no account has."""

    def clean_email(self) -> str:
        email = super().clean_email()
        user = getattr(self, "_user", None)
        if email and user is not None and not _owns_verified(user, email):
            self._user = None
        return email


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """A password reset goes only to a verified address, for the reason above."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [user for user in self.users if _owns_verified(user, email)]
        return email


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Student number")
        field.widget.attrs["placeholder"] = _("Student number")
        field.help_text = _("The number on your student card.")


class PhoneForm(BootstrapForm):
    """The one profile field a person keeps himself: his mobile number."""

    phone = forms.CharField(
        label=pgettext_lazy("profile", "Mobile phone"),
        max_length=32,
        required=False,
        help_text=_("11 digits; spaces, dashes and +86 are fine. Leave empty to remove it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone


def step_details(cleaned: dict) -> dict:
    """The details of a step a form gathered, as `record_step` takes them."""
    details = {name: cleaned.get(name) for name in services.STEP_DETAILS}
    details["method"] = details["method"] or ""
    return details


# Which field of a form a refusal of `check_step` belongs to, where the form shows it there.
STEP_ERROR_FIELDS = {
    "invalid_kind": "kind",
    "duplicate": "kind",
    "out_of_order": "kind",
    "ended": "kind",
    "future": "date",
    "before_previous": "date",
    "too_soon": "date",
    "talk_late": "note",
    "approval_late": "note",
    "approval_too_late": "date",
}


def check_step_in_form(form: forms.Form, person: User | None, *, by_field: bool = False) -> None:
    """Run the procedure's rules on a form's step; a refusal shows above the form (or under
    its field, `by_field`)."""
    cleaned = form.cleaned_data
    if person is not None and cleaned.get("kind") and cleaned.get("date") and not form.errors:
        try:
            check_step(
                person=person,
                kind=cleaned["kind"],
                date=cleaned["date"],
                note=cleaned.get("note") or "",
                **step_details(cleaned),
            )
        except ValidationError as error:
            form.add_error(STEP_ERROR_FIELDS.get(error.code) if by_field else None, error)


class StepForm(BootstrapForm):
    """A step of a person's development, refused with the rule's reason when it breaks one.

    Which details a step needs depends on the step (see each field's help); those a step does
    not use are kept empty.
    """

    kind = forms.ChoiceField(
        label=pgettext_lazy("development", "Step"), choices=Milestone.Kind.choices
    )
    date = forms.DateField(
        label=pgettext_lazy("profile", "Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(
        label=_("How chosen"),
        required=False,
        choices=[("", "—"), *Milestone.Method.choices],
        help_text=_("For a Party activist."),
    )
    member_1 = forms.ModelChoiceField(
        label=_("Party member"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Who talked with the applicant; who keeps the assessment record; the first contact "
            "person or introducer."
        ),
    )
    member_2 = forms.ModelChoiceField(
        label=_("Second Party member"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The second contact person or introducer."),
    )
    end_date = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For a public notice."),
    )
    days = forms.IntegerField(
        label=pgettext_lazy("development", "Days"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("For training."),
    )
    hours = forms.IntegerField(
        label=pgettext_lazy("development", "Hours"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("For training."),
    )
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=1,
        max_value=24,
        help_text=_("For an extended probation: 6 to 12."),
    )
    note = forms.CharField(
        label=pgettext_lazy("profile", "Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a talk or an approval later than its time limit: the reason."),
    )

    # The steps each detail is for (`members.procedure` reads it for these only): the page
    # shows a detail only while its step is chosen (`static/js/step-form.js`).
    DETAILS_FOR = {
        "method": (Milestone.Kind.ACTIVIST,),
        "member_1": (
            Milestone.Kind.TALK,
            Milestone.Kind.ACTIVIST,
            Milestone.Kind.RECORD,
            Milestone.Kind.INTRODUCERS,
        ),
        "member_2": (Milestone.Kind.ACTIVIST, Milestone.Kind.INTRODUCERS),
        "end_date": (Milestone.Kind.PUBLICITY,),
        "days": (Milestone.Kind.TRAINING,),
        "hours": (Milestone.Kind.TRAINING,),
        "months": (Milestone.Kind.EXTENSION,),
    }

    def __init__(self, *args, person: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        for name, kinds in self.DETAILS_FOR.items():
            self.fields[name].widget.attrs["data-step-kinds"] = " ".join(kinds)
        # HTML date inputs send ISO dates whatever the page's language.
        for name in ("date", "end_date"):
            self.fields[name].input_formats = ["%Y-%m-%d"]
        members = (
            User.objects.party_members()
            .filter(branch_id=person.branch_id)
            .exclude(pk=person.pk)
            .order_by("name", "pk")
            if person.branch_id
            else User.objects.none()
        )
        for name in ("member_1", "member_2"):
            self.fields[name].queryset = members

    def clean(self) -> dict:
        cleaned = super().clean()
        check_step_in_form(self, self.person)
        return cleaned


DUE_PROBATION = "probation"


class DirectoryFilterForm(BootstrapForm):
    """Search and filters of the directory; a value that does not fit is left out."""

    q = forms.CharField(
        label=_("Name or number"), required=False, max_length=64, widget=forms.SearchInput()
    )
    # The branches' ids and names, without a model instance each (400 at a university).
    branch = forms.TypedChoiceField(
        label=pgettext_lazy("profile", "Party branch"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=LeanSelect,
    )
    status = forms.ChoiceField(label=pgettext_lazy("profile", "Political status"), required=False)
    grade = forms.TypedChoiceField(
        label=pgettext_lazy("profile", "Grade"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=LeanSelect,
    )
    major = forms.ChoiceField(
        label=pgettext_lazy("profile", "Major"), required=False, widget=LeanSelect
    )
    due = forms.ChoiceField(
        label=_("Development step due"),
        required=False,
        choices=[
            ("", _("Any development step")),
            (DUE_PROBATION, _("Confirmation due within 30 days")),
        ],
    )

    def __init__(
        self,
        *args,
        branches: QuerySet[Branch],
        grades: list[int],
        majors: list[str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or number")
        # Read once, when the page shows them or a branch is asked for: not for an export.
        self.fields["branch"].choices = functools.cache(
            lambda: [("", _("All branches")), *branches.order_by("name").values_list("pk", "name")]
        )
        self.fields["status"].choices = [
            ("", pgettext_lazy("political status", "All statuses")),
            *PoliticalStatus.choices,
        ]
        self.fields["grade"].choices = [("", _("All grades"))] + [(g, g) for g in grades]
        self.fields["major"].choices = [("", _("All majors"))] + [(m, m) for m in majors]

    def filter(self, people: QuerySet[User]) -> QuerySet[User]:
        """`people` narrowed by the valid values of the form."""
        self.is_valid()
        data = self.cleaned_data
        people = people.search(data.get("q") or "")
        if data.get("branch"):
            people = people.filter(branch_id=data["branch"])
        if data.get("status"):
            people = people.filter(political_status=data["status"])
        if data.get("grade"):
            people = people.filter(grade=data["grade"])
        if data.get("major"):
            people = people.filter(major=data["major"])
        if data.get("due") == DUE_PROBATION:
            horizon = timezone.localdate() + datetime.timedelta(
                days=services.PROBATION_REMINDER_DAYS
            )
            people = people.filter(pk__in=User.objects.probation_ending_by(horizon).values("pk"))
        return people
