"""The pairing workflow as tables: in which status each action may be taken, the status it leads
to, and who may take it (the shape of `feedback.workflow`).

proposed → active (the tutor accepts) or declined (he declines, with a reason); active ⇄ paused;
active or paused → ended, with a reason; a proposal the student withdraws ends too. A handover
keeps the status and changes the tutor. The services enforce these tables (`require`, then
`next_status` on the locked row) and the pages read them (`allowed_actions`) for the buttons.
"""

from collections.abc import Callable
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Pairing, Status, Step

S, A = Status, Step.Action

# (status, action) -> the status it leads to; an action is refused in a status not listed with it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PROPOSED, A.ACCEPT): S.ACTIVE,
    (S.PROPOSED, A.DECLINE): S.DECLINED,
    (S.PROPOSED, A.END): S.ENDED,
    (S.ACTIVE, A.PAUSE): S.PAUSED,
    (S.PAUSED, A.RESUME): S.ACTIVE,
    (S.ACTIVE, A.END): S.ENDED,
    (S.PAUSED, A.END): S.ENDED,
    (S.ACTIVE, A.HAND_OVER): S.ACTIVE,
    (S.PAUSED, A.HAND_OVER): S.PAUSED,
}

# Not a step of the history, but taken only while the pairing is active.
LOG_SESSION = "log-session"

# Who may take each action: the rules are in access.py.
WHO: dict[str, Callable[..., bool]] = {
    A.ACCEPT: access.can_accept,
    A.DECLINE: access.can_decline,
    A.PAUSE: access.can_pause,
    A.RESUME: access.can_resume,
    A.END: access.can_end,
    A.HAND_OVER: access.can_hand_over,
    LOG_SESSION: access.can_log_session,
}


class Condition(NamedTuple):
    """What an action needs of the pairing besides its status, and the refusal otherwise."""

    holds: Callable[[Pairing], bool]
    refusal: str


CONDITIONS: dict[str, Condition] = {
    LOG_SESSION: Condition(
        lambda pairing: pairing.status == Status.ACTIVE,
        _("Sessions are logged while the pairing is active."),
    ),
}


def statuses_allowing(action: str) -> frozenset[str]:
    """The statuses in which `action` may be taken."""
    if action == LOG_SESSION:
        return frozenset({Status.ACTIVE})
    return frozenset(status for status, name in TRANSITIONS if name == action)


def _refusal(pairing: Pairing, action: str) -> str | None:
    """Why `pairing`, as it stands, does not allow `action`; None when it does."""
    if action != LOG_SESSION and (pairing.status, action) not in TRANSITIONS:
        return _("This cannot be done to a pairing that is “%(status)s”.") % {
            "status": pairing.get_status_display()
        }
    condition = CONDITIONS.get(action)
    if condition is not None and not condition.holds(pairing):
        return str(condition.refusal)
    return None


def may_take(user, pairing: Pairing, action: str) -> bool:
    """Whether `user` may take `action` on `pairing` now."""
    return WHO[action](user, pairing) and _refusal(pairing, action) is None


def allowed_actions(user, pairing: Pairing) -> frozenset[str]:
    """The actions `user` may take on `pairing` now: the buttons its page shows him."""
    return frozenset(action for action in WHO if may_take(user, pairing, action))


def require(actor, pairing: Pairing, action: str) -> None:
    """Refuse (PermissionDenied) an `actor` who may not take `action` on `pairing`."""
    if not WHO[action](actor, pairing):
        raise PermissionDenied


def next_status(pairing: Pairing, action: str) -> str:
    """The status `action` leads `pairing` to; refused (ValidationError, saying why) when the
    pairing does not allow it. Ask it of the locked row."""
    refusal = _refusal(pairing, action)
    if refusal is not None:
        raise ValidationError(refusal, code="status")
    if action == LOG_SESSION:
        return pairing.status
    return TRANSITIONS[pairing.status, action]
