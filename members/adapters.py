"""How the portal adapts django-allauth's account flows."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .services import remember_language

# Set by the language switch when someone not signed in yet chooses a language.
LANGUAGE_CHOSEN_SESSION_KEY = "language_chosen_before_sign_in"

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

    def post_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse:
        """Sign in, then speak the person's language on this device too.

        A language he switched to on the way in (before signing in, in this visit) becomes his
        preference; otherwise the one he saved last, on whatever device, applies.
        """
        chosen = request.session.pop(LANGUAGE_CHOSEN_SESSION_KEY, None)
        if chosen:
            remember_language(actor=user, language=chosen)
        language = user.language if user.language in dict(settings.LANGUAGES) else None
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
