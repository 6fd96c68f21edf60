"""The keyed hashes that stand in for the author of an anonymous suggestion.

`author_token(user)` is HMAC-SHA256 of the account id under a key derived from
`FEEDBACK_ANONYMITY_KEY` (or, while that is unset, from SECRET_KEY) with a salt of its own. The
key is apart from SECRET_KEY so that SECRET_KEY can be rotated without cutting authors off from
their suggestions: setting `FEEDBACK_ANONYMITY_KEY` to the SECRET_KEY in use keeps every token.
The database stores only the token, so nobody reading it (the admin, an export, a backup) can
tell who wrote the suggestion; the portal recomputes the token of the person signed in to show
him his own suggestions, and recomputes every active account's token
(`tokens_of_active_accounts`) to find the authors to tell about news, in batches.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "feedback.anonymous-author"  # noqa: S105 - a salt, not a secret
NOTICE_SALT = "feedback.anonymous-notice"


def anonymity_key() -> str:
    """The key of the tokens: its own setting, or SECRET_KEY while that is unset."""
    return settings.FEEDBACK_ANONYMITY_KEY or settings.SECRET_KEY


def token_of_id(pk: int) -> str:
    """The token of the anonymous suggestions of the account `pk`."""
    return salted_hmac(TOKEN_SALT, str(pk), secret=anonymity_key(), algorithm="sha256").hexdigest()


def author_token(user) -> str:
    """The token of `user`'s anonymous suggestions (empty for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return token_of_id(user.pk)


def is_token_of(user, token: str) -> bool:
    return bool(token) and constant_time_compare(author_token(user), token)


def tokens_of_active_accounts() -> dict[str, int]:
    """Every active account's token, to find the authors of many suggestions at once."""
    User = get_user_model()
    return {
        token_of_id(pk): pk
        for pk in User.objects.filter(is_active=True).values_list("pk", flat=True).iterator()
    }


def notice_key(event: str) -> str:
    """A de-duplication key for a notice to an anonymous author that does not show which
    suggestion or step it is about."""
    digest = salted_hmac(NOTICE_SALT, event, secret=anonymity_key(), algorithm="sha256").hexdigest()
    return f"feedback-anon:{digest}"
