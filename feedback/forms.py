"""The suggestion board's forms: submitting, the board's filters, handling and the author's part."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.forms import BootstrapForm

from .models import Category, Status, SubArea, Suggestion
from .photos import MAX_PHOTOS, check_photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to three photos, each checked from its header to be a JPEG, PNG or WebP image of a
    size the server takes; the service decodes and cleans them once the limits have passed."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(count)d photos per suggestion."),
                code="too_many_photos",
                params={"count": MAX_PHOTOS},
            )
        errors = []
        for upload in files:
            try:
                check_photo(upload)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return files


class SubAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SubArea) -> str:
        return f"{obj.category.label} · {obj.label}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class SuggestionForm(BootstrapForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        help_text=_("One line that says what should change."),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens now, and what you suggest. Plain text; links are fine."),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    sub_area = SubAreaChoiceField(
        label=_("Sub-area"),
        required=False,
        empty_label=_("No particular sub-area"),
        queryset=SubArea.objects.filter(is_active=True, category__is_active=True).select_related(
            "category"
        ),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to 3 JPEG, PNG or WebP images of at most 5 MB each; location data is removed."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Submit anonymously"),
        required=False,
        help_text=_(
            "Nobody, staff included, can see who wrote it. You still find it under “My "
            "suggestions” and are told of its news."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anonymous"].widget.attrs["class"] = "form-check-input"
        self.fields["photos"].widget.attrs["class"] = "form-control"

    def clean(self) -> dict:
        cleaned = super().clean()
        category, sub_area = cleaned.get("category"), cleaned.get("sub_area")
        if category and sub_area and sub_area.category_id != category.pk:
            self.add_error(
                "sub_area",
                _("Choose a sub-area of “%(category)s”.") % {"category": category.label},
            )
        return cleaned


def category_filter() -> CategoryChoiceField:
    """The optional category filter of the board and the queue."""
    return CategoryChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("All categories"),
    )


SORTS = {
    "new": ("-created_at", "-pk"),
    "support": ("-support_count", "-created_at", "-pk"),
    "waiting": ("created_at", "pk"),
}


class BoardFilterForm(BootstrapForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Search titles and details"), "type": "search"}
        ),
    )
    category = category_filter()
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("suggestion", "All statuses")), *Status.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("new", _("Newest")),
            ("support", _("Most supported")),
            ("waiting", _("Longest waiting")),
        ],
    )

    def filter(self, suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
        """The suggestions narrowed by valid filters; invalid ones are ignored."""
        if not self.is_valid():
            return suggestions.order_by(*SORTS["new"])
        data = self.cleaned_data
        suggestions = suggestions.search(data.get("q") or "")
        if data.get("category"):
            suggestions = suggestions.filter(category=data["category"])
        if data.get("status"):
            suggestions = suggestions.filter(status=data["status"])
        sort = data.get("sort") or "new"
        if sort == "waiting":
            suggestions = suggestions.open()
        return suggestions.order_by(*SORTS[sort])


class QueueFilterForm(BootstrapForm):
    """The queue's filters. With no status asked for, the queue shows the open suggestions, and
    the status filter says so, so that sending the form unchanged shows the same list."""

    STATUS_OPEN = "open"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, _("Open (not answered yet)")),
            ("", pgettext_lazy("suggestion", "All statuses")),
            *Status.choices,
        ],
    )
    category = category_filter()
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[
            ("", _("Any age")),
            ("overdue", _("Overdue")),
            ("3", _("Older than 3 days")),
            ("7", _("Older than 7 days")),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Search titles and details"), "type": "search"}
        ),
    )

    # Submitted within a period: the suggestions behind a figure of the staff dashboard.
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, **kwargs) -> None:
        if "status" not in data:
            data = data.copy()
            data["status"] = self.STATUS_OPEN
        super().__init__(data, **kwargs)
        for name in ("start", "end"):
            self.fields[name].input_formats = ["%Y-%m-%d"]


class AnswerForm(BootstrapForm):
    answer = forms.CharField(
        label=_("Official answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OptionalReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MergeForm(BootstrapForm):
    into = forms.IntegerField(
        label=_("Number of the original suggestion"),
        min_value=1,
        help_text=_("The number shown as # on the original suggestion's page."),
    )


def handler_label(user) -> str:
    """How a handler is named in a choice: his name, and his number to tell namesakes apart."""
    number = user.student_number or user.staff_number
    return f"{user.display_name} ({number})" if number else user.display_name


class _ShownHandlers(BaseChoiceIterator):
    """The few people a handler select holds when it is drawn: asked only then, in one query."""

    def __init__(self, field: forms.ModelChoiceField, pks: list[int]) -> None:
        self.field = field
        self.pks = pks

    def __iter__(self):
        yield ("", self.field.empty_label)
        if self.pks:
            people = self.field.queryset.filter(pk__in=self.pks).only(*HANDLER_FIELDS)
            for person in people:
                yield (person.pk, handler_label(person))


HANDLER_FIELDS = ("pk", "name", "email", "student_number", "staff_number")


class AssignForm(BootstrapForm):
    """Who is given a suggestion: any of `assignees`, who are too many to list. The select holds
    the chosen person and the one choosing; a search beside it (`feedback:assignees`) fills it."""

    assignee = forms.ModelChoiceField(label=pgettext_lazy("feedback", "Handler"), queryset=None)

    def __init__(
        self, *args, assignees: QuerySet, search_url: str = "", chooser=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        field = self.fields["assignee"]
        field.queryset = assignees
        field.label_from_instance = handler_label
        shown = [self.initial.get("assignee"), getattr(chooser, "pk", None)]
        field.widget.choices = _ShownHandlers(field, [pk for pk in shown if isinstance(pk, int)])


class AssigneeSearchForm(forms.Form):
    q = forms.CharField(max_length=64, required=False)
    category = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, categories: QuerySet[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class BulkAssignForm(AssignForm):
    suggestions = forms.ModelMultipleChoiceField(
        label=_("Suggestions"), queryset=None, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, queue: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggestions"].queryset = queue
        self.fields["suggestions"].error_messages["required"] = _("Tick at least one suggestion.")


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        coerce=lambda value: value == "yes",
    )
