from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from common.names import site_names

from . import access


def portal(request: HttpRequest) -> dict[str, object]:
    """The portal's name and college in the page's language, shown on every page, and whether
    sign-up is open."""
    return {**site_names(), "signup_open": settings.SIGNUP_OPEN}


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the workstation's pages (branch view, dashboard) the navigation offers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_branch_views": SimpleLazyObject(lambda: access.may_list_branch_views(user)),
        "nav_dashboard": access.can_view_dashboard(user),
    }
