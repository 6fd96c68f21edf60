from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm

from .models import SCORE_MAX, SCORE_MIN, Grade
from .services.ballots import COMMENT_MAX

SCORE_LABELS = {
    1: pgettext_lazy("evaluation score", "Very poor"),
    2: pgettext_lazy("evaluation score", "Poor"),
    3: pgettext_lazy("evaluation score", "Fair"),
    4: pgettext_lazy("evaluation score", "Good"),
    5: pgettext_lazy("evaluation score", "Very good"),
}
SCORES = [(score, SCORE_LABELS[score]) for score in range(SCORE_MIN, SCORE_MAX + 1)]


class BallotForm(BootstrapForm):
    """A score for each of the campaign's questions, and a comment."""

    comment = forms.CharField(
        label=pgettext_lazy("evaluation", "Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the member without your name, among the others' comments."),
    )

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.field_name(question)] = forms.TypedChoiceField(
                label=question.label,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={
                    "required": _("Give a score for this question."),
                    "invalid_choice": _("Choose one of the scores from 1 to 5."),
                },
            )
        self.order_fields([self.field_name(question) for question in self.questions])

    @staticmethod
    def field_name(question) -> str:
        return f"q{question.pk}"

    def score_fields(self) -> list:
        return [self[self.field_name(question)] for question in self.questions]

    def scores(self) -> dict[int, int]:
        return {
            question.pk: self.cleaned_data[self.field_name(question)] for question in self.questions
        }


class FinalGradeForm(BootstrapForm):
    grade = forms.ChoiceField(label=_("Final grade"), choices=[("", "---------"), *Grade.choices])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the final grade differs from the computed one."),
    )


class SearchForm(BootstrapForm):
    """A list's search, and the filters a figure of the dashboards links with: the campaigns
    closing in a period (`start`, `end`), the members below Qualified (`below`)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or number"), "type": "search"}),
    )
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], widget=forms.HiddenInput)
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], widget=forms.HiddenInput)
    below = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """The valid values; anything else is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "start": data.get("start"),
            "end": data.get("end"),
            "below": bool(data.get("below")),
        }
