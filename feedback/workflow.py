"""The suggestion workflow as tables: in which status each action may be taken, the status it
leads to, and who may take it.

The services enforce these tables (`require`, then `next_status` on the locked row) and the pages
read them (`allowed_actions`) to show the buttons, so a move that is not written here is neither
offered nor taken, whichever door it comes through. A new workflow copies this file's shape.
"""

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Status, Step, Suggestion

S, A = Status, Step.Action

# Actions that are no step of the history.
SUPPORT = "support"
REPORT = "report"

# (status, action) -> the status it leads to; an action is refused in a status not listed with
# it. A satisfying rating then closes the suggestion (ANSWERED, CLOSE) on the author's behalf.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.ASSIGN): S.ACCEPTED,
    (S.ACCEPTED, A.ASSIGN): S.ACCEPTED,
    (S.IN_PROGRESS, A.ASSIGN): S.IN_PROGRESS,
    (S.ACCEPTED, A.START): S.IN_PROGRESS,
    (S.SUBMITTED, A.ANSWER): S.ANSWERED,
    (S.ACCEPTED, A.ANSWER): S.ANSWERED,
    (S.IN_PROGRESS, A.ANSWER): S.ANSWERED,
    (S.SUBMITTED, A.DECLINE): S.DECLINED,
    (S.ACCEPTED, A.DECLINE): S.DECLINED,
    (S.IN_PROGRESS, A.DECLINE): S.DECLINED,
    (S.SUBMITTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.IN_PROGRESS, A.MERGE): S.MERGED,
    (S.ANSWERED, A.CLOSE): S.CLOSED,
    (S.ANSWERED, A.RATE): S.ANSWERED,
    (S.ANSWERED, A.REOPEN): S.IN_PROGRESS,
    (S.CLOSED, A.REOPEN): S.IN_PROGRESS,
}

# Actions taken in any status, which leave it as it is.
ANY_STATUS = frozenset({SUPPORT, REPORT, A.HIDE, A.RESTORE})

# Who may take each action: the rules are in access.py.
WHO: dict[str, Callable[..., bool]] = {
    A.ACCEPT: access.can_accept,
    A.ASSIGN: access.can_assign,
    A.START: access.can_start,
    A.ANSWER: access.can_answer,
    A.CLOSE: access.can_close,
    A.DECLINE: access.can_decline,
    A.MERGE: access.can_merge,
    A.RATE: access.can_rate,
    A.REOPEN: access.can_reopen,
    A.HIDE: access.can_hide,
    A.RESTORE: access.can_restore,
    SUPPORT: access.can_support,
    REPORT: access.can_report,
}


class Condition(NamedTuple):
    """What an action needs of the suggestion besides its status, and the refusal otherwise."""

    holds: Callable[[Suggestion], bool]
    refusal: str


CONDITIONS: dict[str, Condition] = {
    A.REOPEN: Condition(
        lambda suggestion: suggestion.reopened_at is None,
        _("A suggestion can be reopened only once."),
    ),
    A.HIDE: Condition(
        lambda suggestion: not suggestion.hidden, _("This suggestion is already hidden.")
    ),
    REPORT: Condition(
        lambda suggestion: not suggestion.hidden, _("This suggestion is already hidden.")
    ),
    A.RESTORE: Condition(lambda suggestion: suggestion.hidden, _("This suggestion is not hidden.")),
}


def statuses_allowing(action: str) -> frozenset[str]:
    """The statuses in which `action` may be taken."""
    if action in ANY_STATUS:
        return frozenset(Status.values)
    return frozenset(status for status, name in TRANSITIONS if name == action)


def _refusal(suggestion: Suggestion, action: str) -> str | None:
    """Why `suggestion`, as it stands, does not allow `action`; None when it does."""
    if action not in ANY_STATUS and (suggestion.status, action) not in TRANSITIONS:
        return _("This cannot be done to a suggestion that is “%(status)s”.") % {
            "status": suggestion.get_status_display()
        }
    condition = CONDITIONS.get(action)
    if condition is not None and not condition.holds(suggestion):
        return str(condition.refusal)
    return None


def may_take(user, suggestion: Suggestion, action: str) -> bool:
    """Whether `user` may take `action` on `suggestion` now."""
    return WHO[action](user, suggestion) and _refusal(suggestion, action) is None


def allowed_actions(user, suggestion: Suggestion) -> frozenset[str]:
    """The actions `user` may take on `suggestion` now: the buttons its page shows him."""
    return frozenset(action for action in WHO if may_take(user, suggestion, action))


def require(actor, suggestion: Suggestion, action: str) -> None:
    """Refuse (PermissionDenied) an `actor` who may not take `action` on `suggestion`."""
    if not WHO[action](actor, suggestion):
        raise PermissionDenied


def next_status(suggestion: Suggestion, action: str) -> str:
    """The status `action` leads `suggestion` to; refused (ValidationError, saying why) when the
    suggestion does not allow it. Ask it of the locked row."""
    refusal = _refusal(suggestion, action)
    if refusal is not None:
        raise ValidationError(refusal, code="status")
    return suggestion.status if action in ANY_STATUS else TRANSITIONS[suggestion.status, action]
