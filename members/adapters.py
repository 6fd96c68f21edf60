"""How the portal adapts django-allauth's account flows."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from common.names import site_names

WRONG_CREDENTIALS = _("The e-mail or student number, or the password, is not correct.")


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

    def format_email_subject(self, subject: str) -> str:
        return f"[{PortalSite.current().name}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": PortalSite.current(), **context})
