"""How the portal adapts django-allauth's account flows."""

from django.conf import settings
from django.http import HttpRequest

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Students sign themselves up only when the college has turned it on."""
        return settings.SIGNUP_OPEN
