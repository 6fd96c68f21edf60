"""How the portal adapts django-allauth's account flows."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

WRONG_CREDENTIALS = _("The e-mail or student number, or the password, is not correct.")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": WRONG_CREDENTIALS,
        "username_password_mismatch": WRONG_CREDENTIALS,
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Students sign themselves up only when the college has turned it on."""
        return settings.SIGNUP_OPEN

    def login(self, request: HttpRequest, user) -> None:
        """Sign in; a language the visitor chose before signing in becomes his preference."""
        super().login(request, user)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES) and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
