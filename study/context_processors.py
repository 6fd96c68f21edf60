from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.access import in_workstation, is_staff

from .access.track import may_review
from .views.activities import may_open_activities


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the study pages the navigation offers; asked only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_my_study": in_workstation(user),
        "nav_review": SimpleLazyObject(lambda: may_review(user)),
        "nav_study_overview": is_staff(user),
        "nav_activities": SimpleLazyObject(lambda: may_open_activities(user)),
    }
