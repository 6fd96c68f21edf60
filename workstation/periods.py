"""Semesters and the period selector of the branch view, the dashboard and the report.

A year has two semesters that together cover every day: the autumn semester from 1 August to
31 January (teaching from September, exams in January) and the spring semester from 1 February
to 31 July. "This semester" is the one today falls in, "last semester" the one before.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import BootstrapForm

THIS, LAST, RANGE = "this", "last", "range"
LONGEST_RANGE_DAYS = 2 * 366


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    autumn: bool | None = None  # None: a range of dates chosen by hand

    @property
    def label(self) -> str:
        if self.autumn is None:
            return _("%(start)s to %(end)s") % {
                "start": date_format(self.start),
                "end": date_format(self.end),
            }
        if self.autumn:
            return _("Autumn semester %(first)d-%(second)d") % {
                "first": self.start.year,
                "second": self.start.year + 1,
            }
        return _("Spring semester %(first)d-%(second)d") % {
            "first": self.start.year - 1,
            "second": self.start.year,
        }


def semester_of(day: datetime.date) -> Period:
    """The semester `day` falls in."""
    if day.month >= 8:
        return Period(datetime.date(day.year, 8, 1), datetime.date(day.year + 1, 1, 31), True)
    if day.month == 1:
        return Period(datetime.date(day.year - 1, 8, 1), datetime.date(day.year, 1, 31), True)
    return Period(datetime.date(day.year, 2, 1), datetime.date(day.year, 7, 31), False)


def semester_before(period: Period) -> Period:
    return semester_of(period.start - datetime.timedelta(days=1))


def standard_periods(today: datetime.date | None = None) -> list[Period]:
    """This semester and the last: the periods the figure cache keeps computed."""
    this = semester_of(today or timezone.localdate())
    return [this, semester_before(this)]


class PeriodForm(BootstrapForm):
    """This semester, last semester or a range of dates; anything else is refused, saying why."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[
            (THIS, gettext_lazy("This semester")),
            (LAST, gettext_lazy("Last semester")),
            (RANGE, gettext_lazy("Dates chosen below")),
        ],
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("period") != RANGE:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if start is None or end is None:
            raise ValidationError(_("Give both the first and the last day."), code="missing")
        if end < start:
            raise ValidationError(_("The last day is before the first."), code="order")
        if (end - start).days > LONGEST_RANGE_DAYS:
            raise ValidationError(_("Choose a period of at most two years."), code="too_long")
        return cleaned

    def chosen(self, today: datetime.date | None = None) -> Period:
        """The period asked for, or this semester when the form is invalid or empty."""
        this = semester_of(today or timezone.localdate())
        if not self.is_valid():
            return this
        choice = self.cleaned_data.get("period") or THIS
        if choice == LAST:
            return semester_before(this)
        if choice == RANGE:
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return this
