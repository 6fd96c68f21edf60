from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.access import in_workstation

from . import access


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which of the dorms' pages the navigation offers; asked only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # Members (their inspections and rooms) and residents (their room).
        "nav_dorms_mine": SimpleLazyObject(lambda: in_workstation(user) or access.has_home(user)),
        "nav_dorms_manage": access.can_manage(user),
    }
