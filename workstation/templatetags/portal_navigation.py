from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..navigation import MENUS, Link, Menu

register = template.Library()


@dataclass(frozen=True)
class ShownMenu:
    menu: Menu
    links: tuple[Link, ...]
    current: bool  # the page shown is one of its links


def shown_menus(context: template.Context) -> tuple[ShownMenu, ...]:
    """The menus the reader may use, each with only the links he may open.

    A flag missing from the context is an error, not a hidden link: a misspelt flag must fail
    the tests rather than hide a page from everyone.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.view_name if match else None
    shown = []
    for menu in MENUS:
        links = tuple(
            link for link in menu.links if template.Variable(link.shown_if).resolve(context)
        )
        if links:
            current = any(link.url_name == here for link in links)
            shown.append(ShownMenu(menu=menu, links=links, current=current))
    return tuple(shown)


# The menus' HTML by (language, what they show): a few dozen combinations in all.
_RENDERED: dict[tuple, SafeString] = {}


@register.simple_tag(takes_context=True)
def navigation_menus(context: template.Context) -> SafeString:
    """The menus' HTML. It follows only from the language, the links shown and the current
    page's menu, so each such combination is rendered once per process and kept."""
    menus = shown_menus(context)
    key = (
        get_language(),
        tuple((m.menu.key, m.current, tuple(link.url_name for link in m.links)) for m in menus),
    )
    html = _RENDERED.get(key)
    if html is None:
        html = _RENDERED[key] = render_to_string("workstation/_menus.html", {"menus": menus})
    return html
