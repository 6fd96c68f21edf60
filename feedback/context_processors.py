from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import access


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the suggestion board's pages the navigation offers; asked only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_feedback_queue": SimpleLazyObject(lambda: access.is_handler(user)),
        "nav_feedback_stats": access.may_see_stats(user),
    }
