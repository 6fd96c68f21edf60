from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """The portal's name and college, shown on every page, and whether sign-up is open."""
    return {
        "site_name": settings.SITE_NAME,
        "college_name": settings.COLLEGE_NAME,
        "signup_open": settings.SIGNUP_OPEN,
    }
