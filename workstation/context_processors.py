from django.conf import settings
from django.http import HttpRequest

from common.names import site_names


def portal(request: HttpRequest) -> dict[str, object]:
    """The portal's name and college in the page's language, shown on every page, and whether
    sign-up is open."""
    return {**site_names(), "signup_open": settings.SIGNUP_OPEN}
