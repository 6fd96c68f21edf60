"""The suggestions as an Excel workbook for staff.

Formula-safe (every row goes through the shared `formula_safe`), and an anonymous
suggestion's author column says only that it is anonymous: the row holds nothing else about him.
"""

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.exports import formula_safe

from .models import Suggestion


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_suggestions(suggestions: QuerySet[Suggestion]) -> bytes:
    headers = [
        pgettext("suggestion", "Number"),
        _("Title"),
        _("Details"),
        _("Category"),
        _("Sub-area"),
        _("Status"),
        _("Author"),
        pgettext("column", "Submitted"),
        _("First response"),
        _("Handler"),
        pgettext("column", "Answered"),
        _("Official answer"),
        _("Supporters"),
        _("Author satisfied"),
        _("Hidden"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Suggestions")[:31])
    rows = suggestions.select_related("category", "sub_area", "author", "assignee")
    for suggestion in rows.iterator(chunk_size=1000):
        if suggestion.is_anonymous:
            author = _("Anonymous")
        else:
            author = suggestion.author.display_name if suggestion.author else ""
        satisfied = {True: _("Yes"), False: _("No"), None: ""}[suggestion.satisfied]
        row = [
            suggestion.pk,
            suggestion.title,
            suggestion.body,
            suggestion.category.label,
            suggestion.sub_area.label if suggestion.sub_area else "",
            suggestion.get_status_display(),
            author,
            _when(suggestion.created_at),
            _when(suggestion.first_response_at),
            suggestion.assignee.display_name if suggestion.assignee else "",
            _when(suggestion.answered_at),
            suggestion.answer,
            suggestion.support_count,
            satisfied,
            pgettext("hidden", "Yes") if suggestion.hidden else "",
        ]
        dataset.append(formula_safe(row))
    return dataset.export("xlsx")
