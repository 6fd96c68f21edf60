from dataclasses import dataclass

from django import template

from ..navigation import MENUS, Link, Menu

register = template.Library()


@dataclass(frozen=True)
class ShownMenu:
    menu: Menu
    links: list[Link]
    current: bool  # the page shown is one of its links


@register.simple_tag(takes_context=True)
def navigation_menus(context: template.Context) -> list[ShownMenu]:
    """The menus the reader may use, each with only the links he may open.

    A flag missing from the context is an error, not a hidden link: a misspelt flag must fail
    the tests rather than hide a page from everyone.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    here = match.view_name if match else None
    shown = []
    for menu in MENUS:
        links = [link for link in menu.links if template.Variable(link.shown_if).resolve(context)]
        if links:
            current = any(link.url_name == here for link in links)
            shown.append(ShownMenu(menu=menu, links=links, current=current))
    return shown
