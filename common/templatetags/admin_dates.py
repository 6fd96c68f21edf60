"""The admin's date hierarchy without a `DISTINCT` over every row for its years.

Django lists the years of a changelist's rows with `SELECT DISTINCT date_trunc('year', …)`, which
reads every row (some 55,000 development steps at a university). When the rows span several
years and none is picked, this asks instead, for each year between the first row's and the
last's, for one row of that year: one query of a `LIMIT 1` per year, which an index on the field
answers at once. Months and days, within one year, are Django's own.
"""

import copy
import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.utils import timezone

register = template.Library()

# Beyond this many years between the first row and the last, Django's own query is used.
MOST_YEARS = 50


@register.inclusion_tag("admin/date_hierarchy.html")
def lean_date_hierarchy(cl) -> dict:
    """`{% lean_date_hierarchy cl %}`: what `{% date_hierarchy cl %}` shows."""
    field_name = cl.date_hierarchy
    if any(param.startswith(f"{field_name}__") for param in cl.params):
        return date_hierarchy(cl)
    aware = isinstance(get_fields_from_path(cl.model, field_name)[-1], models.DateTimeField)
    span = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
    if span["first"] is None or span["last"] is None:
        return date_hierarchy(cl)
    if aware:
        span = {key: timezone.localtime(value) for key, value in span.items()}
    first, last = span["first"].year, span["last"].year
    if first == last:
        # One year (one month): Django's months (days) of it, as Django picks them itself.
        picked = copy.copy(cl)
        picked.params = {**cl.params, f"{field_name}__year": str(first)}
        if span["first"].month == span["last"].month:
            picked.params[f"{field_name}__month"] = str(span["first"].month)
        return date_hierarchy(picked)
    if last - first > MOST_YEARS or last >= datetime.MAXYEAR:
        # Far apart, or up to the last year a date can have (no year follows it to bound it).
        return date_hierarchy(cl)
    return {
        "show": True,
        "back": None,
        "choices": [
            {
                "link": cl.get_query_string(
                    {f"{field_name}__year": str(year)}, [f"{field_name}__"]
                ),
                "title": str(year),
            }
            for year in _years(cl.queryset, field_name, first, last, aware=aware)
        ],
    }


def _years(queryset, field_name: str, first: int, last: int, *, aware: bool) -> list[int]:
    """The years from `first` to `last` in which `queryset` has a row, in one query."""

    def start(year: int) -> datetime.date | datetime.datetime:
        if aware:
            return timezone.make_aware(datetime.datetime(year, 1, 1))
        return datetime.date(year, 1, 1)

    rows = [
        queryset.filter(**{f"{field_name}__gte": start(year), f"{field_name}__lt": start(year + 1)})
        .order_by()
        .values_list(models.Value(year, output_field=models.IntegerField()))[:1]
        for year in range(first, last + 1)
    ]
    return sorted(year for (year,) in rows[0].union(*rows[1:], all=True))
