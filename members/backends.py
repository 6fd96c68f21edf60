"""Signing in checks a password the same number of times whether the account exists or not."""

from allauth.account import auth_backends


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by e-mail or student number; Django's permissions), which
    checks the password against each account once per attempt.

    allauth's looks an e-mail up both as an e-mail and as a user name, and finds the account
    in `EmailAddress` and on the user: it checked one password against one account up to three
    times, so a known e-mail took several times as long to refuse as an unknown one, which
    costs one hash. A stopwatch could tell which accounts exist.
    """

    def authenticate(self, request, **credentials):
        self._checked: set[int] = set()
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password: str):
        if user is None or user.pk in self._checked:
            return None
        self._checked.add(user.pk)
        return super()._check_password(user, password)
