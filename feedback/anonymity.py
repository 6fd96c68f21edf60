"""The keyed hashes that stand in for the author of an anonymous suggestion.

`author_token(user)` is HMAC-SHA256 of the account id under a key derived from SECRET_KEY with
a salt of its own. The database stores only the token, so nobody reading it (the admin, an
export, a backup) can tell who wrote the suggestion; the portal recomputes the token of the
person signed in to show him his own suggestions, and recomputes every active account's token to
find the one person to tell about news (`find_author`).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "feedback.anonymous-author"  # noqa: S105 - a salt, not a secret
NOTICE_SALT = "feedback.anonymous-notice"


def author_token(user) -> str:
    """The token of `user`'s anonymous suggestions (empty for a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac(TOKEN_SALT, str(user.pk), algorithm="sha256").hexdigest()


def is_token_of(user, token: str) -> bool:
    return bool(token) and constant_time_compare(author_token(user), token)


def find_author(token: str, candidates: Iterable[int] | None = None):
    """The active account whose token is `token`, or None.

    One query for the ids, then a hash per account: the price of storing no link at all.
    """
    if not token:
        return None
    User = get_user_model()
    ids = (
        candidates
        if candidates is not None
        else User.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    for pk in ids:
        if constant_time_compare(
            salted_hmac(TOKEN_SALT, str(pk), algorithm="sha256").hexdigest(), token
        ):
            return User.objects.filter(pk=pk, is_active=True).first()
    return None


def notice_key(suggestion_id: int, event: str) -> str:
    """A de-duplication key for a notice to an anonymous author that does not show which
    suggestion it is about."""
    digest = salted_hmac(NOTICE_SALT, f"{suggestion_id}:{event}", algorithm="sha256").hexdigest()
    return f"feedback-anon:{digest}"
