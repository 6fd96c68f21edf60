from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from members.access import is_staff


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, asking the view before the session: a public page (the health check above
    all) answers without reading the session, so a session cookie does not make it fail
    while the database is down."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA on, staff set up two-factor authentication before they open any
    page but their own account's: the admin, the staff pages and every export, and any page
    added later, with no list to keep up to date."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up_2fa(request):
            messages.warning(
                request,
                _("Set up two-factor authentication before you use the staff pages."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up_2fa(self, request: HttpRequest) -> bool:
        if not settings.STAFF_REQUIRE_2FA:
            return False
        if self._open_without_2fa(request.path_info):
            return False
        if not is_staff(request.user):
            return False
        return not is_mfa_enabled(request.user)

    @staticmethod
    def _open_without_2fa(path: str) -> bool:
        """One's own account (where two-factor is set up, and sign-out), the language switch,
        the health check and static files: none reads the database before it answers."""
        open_prefixes = (
            reverse("account_login").rsplit("login/", 1)[0],
            reverse("set_language"),
            reverse("healthz"),
            settings.STATIC_URL,
            settings.MEDIA_URL,
        )
        return path.startswith(open_prefixes)
