"""Lists in the reader's language in templates: 张三、李四 on Chinese pages, "Zhang San, Li Si"
on English ones (`common.names.join_names`)."""

from collections.abc import Iterable

from django import template

from ..names import join_names as join

register = template.Library()


@register.filter
def join_names(names: Iterable[object]) -> str:
    """`{{ people|join_names }}`: the items of a list."""
    return join(names)


@register.simple_tag
def names_of(*names: object) -> str:
    """`{% names_of first second as names %}`: the names given, the empty ones left out."""
    return join(name for name in names if name)
