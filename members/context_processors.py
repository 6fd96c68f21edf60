from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import access


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the members pages the navigation offers; asked only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_directory": SimpleLazyObject(lambda: access.may_open_directory(user)),
        "nav_branches": SimpleLazyObject(lambda: access.may_list_branches(user)),
    }
