"""How the portal adapts django-allauth's account flows.

Failed sign-ins are limited per address and per account (`ACCOUNT_RATE_LIMITS["login_failed"]`,
from the `LOGIN_FAILURES_*` settings). The account is the person, whichever of his identifiers
(e-mail, student number) is typed. A browser a person has signed in on before carries a signed
"known device" cookie: his sign-ins from it are limited only by their own failures, so that
nobody else's failures, behind the same address or against his account, ever refuse him there.
"""

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from common.names import site_names

from .models import User
from .services import remember_language

# Set by the language switch when someone not signed in yet chooses a language.
LANGUAGE_CHOSEN_SESSION_KEY = "language_chosen_before_sign_in"

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = _("The e-mail or student number, or the password, is not correct.")
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "members.known-device"
KNOWN_DEVICE_MAX_AGE = 180 * 24 * 3600


def account_key(login: str) -> str:
    """The key under which failed sign-ins with `login` are counted: the account, whichever of
    its identifiers `login` is; for no account, the text typed."""
    login = login.strip().lower()
    pk = (
        User.objects.filter(
            Q(email__iexact=login)
            | Q(student_number__iexact=login)
            | Q(emailaddress__email__iexact=login)
        )
        .order_by()
        .values_list("pk", flat=True)
        .first()
    )
    return f"account:{pk}" if pk is not None else f"login:{login}"


def known_device(request: HttpRequest) -> tuple[int, str] | None:
    """The account and device id the browser's known-device cookie vouches for, if valid."""
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return None
    try:
        account, device = signing.loads(value, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(account), str(device)


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call the site: the portal's name in the e-mail's language and its
    public address (rather than the host name of the request)."""

    name: str
    domain: str

    @classmethod
    def current(cls) -> "PortalSite":
        return cls(name=site_names()["site_name"], domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": WRONG_CREDENTIALS,
        "username_password_mismatch": WRONG_CREDENTIALS,
        "too_many_login_attempts": _(
            "Too many failed sign-ins: try again in a few minutes, or sign in with a code sent "
            "to your e-mail."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as the proxy reports it; with fewer forwarded addresses than
        `DJANGO_TRUSTED_PROXY_COUNT` (a proxy count set too high, or a request that came round
        the proxy), the connecting address rather than a server error."""
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.warning("X-Forwarded-For has fewer addresses than DJANGO_TRUSTED_PROXY_COUNT")
            return request.META["REMOTE_ADDR"]

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Students sign themselves up only when the college has turned it on."""
        return settings.SIGNUP_OPEN

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        """Sign in, then speak the person's language on this device too, and remember the
        browser as a known device of the account.

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
        response.set_cookie(
            KNOWN_DEVICE_COOKIE,
            signing.dumps([user.pk, get_random_string(16)], salt=KNOWN_DEVICE_SALT),
            max_age=KNOWN_DEVICE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failures (and clears them after a password reset) under this key; it
        # would be the text typed, so that a student number and an e-mail counted apart.
        login = credentials.get("email") or credentials.get("username") or ""
        return account_key(login)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Count the attempt against the limits before the password is checked.

        From a known device of the account, only that device's own failures count; otherwise
        those of the address and of the account. A correct password gives the attempt back.
        """
        key = self._get_login_attempts_cache_key(request, **credentials)
        device = known_device(request)
        config = None
        if device is not None and key == f"account:{device[0]}":
            key = f"{key}:device:{device[1]}"
            config = {"login_failed": f"{settings.LOGIN_FAILURES_PER_ACCOUNT}/300s/key"}
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=key, config=config
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def format_email_subject(self, subject: str) -> str:
        return f"[{PortalSite.current().name}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": PortalSite.current(), **context})
