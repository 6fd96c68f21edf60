from django.http import HttpRequest

from . import access


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the tutoring pages the navigation offers (no query: the profile says it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_tutoring_request": access.can_request(user),
        "nav_tutoring_tutor": access.may_see_tutor_page(user),
        "nav_tutoring_overview": access.may_see_overview(user),
    }
