from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import notices_visible_to


def unread_notices(request: HttpRequest) -> dict[str, object]:
    """What the navigation's badge counts: unread notices, those about one thing once.

    One query, and only if a page shows it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notice_count": SimpleLazyObject(
            lambda: notices_visible_to(user).needing_attention_count()
        )
    }
