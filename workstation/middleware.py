from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA on, staff set up two-factor authentication before using the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_2fa(request):
            messages.warning(
                request,
                _("Set up two-factor authentication before you use the administration pages."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_2fa(self, request: HttpRequest) -> bool:
        if not settings.STAFF_REQUIRE_2FA:
            return False
        if not request.path.startswith(reverse("admin:index")):
            return False
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return False
        return not is_mfa_enabled(user)
