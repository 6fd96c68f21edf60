"""A row's name in the admin's history pages, also when a row its name is made of is gone."""

from django import template

from ..history import name_of

register = template.Library()


@register.filter
def row_name(row) -> str:
    """`{{ object|row_name }}`: `common.history.name_of`."""
    return name_of(row)
