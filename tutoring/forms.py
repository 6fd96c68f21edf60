# ruff: noqa: RUF001 - a full-width comma is read as a comma
"""The forms of peer tutoring: asking, offering, proposing, the workflow's steps, sessions,
ratings and check-ins. They clean input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm, FigureListForm

from .models import EndReason, TimeSlot, Topic


class CheckboxesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget", forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
        )
        super().__init__(**kwargs)


class TimesField(CheckboxesField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=TimeSlot.choices, required=False, label=_("Times that suit you"), **kwargs
        )


class RequestForm(BootstrapForm):
    topic = forms.ChoiceField(label=_("What do you need help with?"), choices=Topic.choices)
    course = forms.CharField(
        label=_("Course"),
        max_length=100,
        required=False,
        help_text=_("For help with a course: its name or code, e.g. 高等数学 or MATH101."),
    )
    times = TimesField()
    description = forms.CharField(
        label=_("What you need"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words for the tutor: where you are stuck, what you hope for."),
    )

    def clean(self):
        data = super().clean()
        if data.get("topic") == Topic.COURSE and not (data.get("course") or "").strip():
            self.add_error("course", _("Name the course, by its name or code."))
        return data


class OfferForm(BootstrapForm):
    topics = CheckboxesField(label=_("Topics"), choices=Topic.choices, required=False)
    courses = forms.CharField(
        label=_("Courses"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One course a line: its name or code, then optionally a comma and the grade you got, "
            "e.g. 高等数学, 95."
        ),
    )
    capacity = forms.IntegerField(label=_("Tutees at once"), min_value=1, max_value=10, initial=2)
    times = TimesField()
    note = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    paused = forms.BooleanField(
        label=_("Pause my offer (I am suggested to nobody)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_courses(self) -> list[tuple[str, str]]:
        courses = []
        for line in self.cleaned_data["courses"].splitlines():
            name, _comma, grade = line.replace("，", ",").partition(",")
            if name.strip():
                courses.append((name.strip(), grade.strip()))
        return courses


class ProposeForm(BootstrapForm):
    tutor = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(BootstrapForm):
    reason = forms.ChoiceField(label=_("Reason for ending"), choices=EndReason.choices)
    note = forms.CharField(label=pgettext_lazy("tutoring", "Note"), max_length=500, required=False)


class HandOverForm(BootstrapForm):
    new_tutor = forms.ModelChoiceField(label=_("New tutor"), queryset=None)
    note = forms.CharField(label=pgettext_lazy("tutoring", "Note"), max_length=500, required=False)

    def __init__(self, *args, tutors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_tutor"].queryset = tutors


class HandOverAllForm(HandOverForm):
    tutor = forms.ModelChoiceField(label=_("Tutor who leaves"), queryset=None)
    field_order = ["tutor", "new_tutor", "note"]

    def __init__(self, *args, tutors, leaving, **kwargs) -> None:
        super().__init__(*args, tutors=tutors, **kwargs)
        self.fields["tutor"].queryset = leaving


class SessionForm(BootstrapForm):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=480, initial=60
    )
    topic = forms.CharField(label=pgettext_lazy("tutoring session", "Topic"), max_length=200)
    notes = forms.CharField(
        label=pgettext_lazy("tutoring session", "Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=200)


SCORES = [(score, str(score)) for score in range(5, 0, -1)]


class RatingForm(BootstrapForm):
    score = forms.TypedChoiceField(label=_("Rating"), choices=SCORES, coerce=int)
    comment = forms.CharField(
        label=pgettext_lazy("tutoring", "Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class CheckInForm(BootstrapForm):
    helpful = forms.TypedChoiceField(
        label=_("How helpful is your tutor? (5 is best)"), choices=SCORES, coerce=int
    )
    in_touch = forms.ChoiceField(
        label=_("Are you in touch regularly?"),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    go_on = forms.ChoiceField(
        label=_("Do you want to go on?"),
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Anything to tell the college?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SearchForm(BootstrapForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Search students, courses and needs"), "type": "search"}
        ),
    )


class BranchListForm(FigureListForm):
    """Which list of a branch's tutoring (`?show=`) and the period of its sessions
    (`?start=&end=`, from a figure of the branch view). A value that does not fit is left out:
    the first list, and no bound on the dates."""

    show = forms.ChoiceField(
        choices=[
            ("waiting", _("Requests waiting for a tutor")),
            ("active", _("Active pairings")),
            ("sessions", _("Confirmed sessions in the period")),
        ],
        required=False,
    )
