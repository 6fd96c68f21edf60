"""The key-dorm workflow as tables: in which status each action may be taken, the status it
leads to, and who may take it (opened → plan agreed → in progress → review → closed, and
reopened).

The services enforce these tables (`require`, then `next_status` on the locked row) and the pages
read them (`allowed_actions`) to show the buttons. The shape is `feedback.workflow`'s.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import access
from .models import KeyDorm
from .models import KeyStatus as S

AGREE_PLAN = "agree_plan"
START = "start"
LOG_ACTION = "log_action"
REQUEST_REVIEW = "request_review"
CONTINUE = "continue"
CLOSE = "close"
REOPEN = "reopen"

ACTION_LABELS = {
    AGREE_PLAN: _("Agree the plan"),
    START: _("Start the assistance"),
    LOG_ACTION: _("Log an action"),
    REQUEST_REVIEW: _("Ask for the review"),
    CONTINUE: _("Goals not met: continue"),
    CLOSE: pgettext_lazy("key dorm", "Close"),
    REOPEN: pgettext_lazy("key dorm", "Reopen"),
}

# The first step of the history: a rule or staff made the room a key dorm.
OPENED_LABEL = _("Made a key dorm")

# (status, action) -> the status it leads to; an action is refused in a status not listed with it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.OPENED, AGREE_PLAN): S.PLAN_AGREED,
    (S.REOPENED, AGREE_PLAN): S.PLAN_AGREED,
    (S.PLAN_AGREED, AGREE_PLAN): S.PLAN_AGREED,
    (S.PLAN_AGREED, START): S.IN_PROGRESS,
    (S.IN_PROGRESS, LOG_ACTION): S.IN_PROGRESS,
    (S.REVIEW, LOG_ACTION): S.REVIEW,
    (S.IN_PROGRESS, REQUEST_REVIEW): S.REVIEW,
    (S.REVIEW, CONTINUE): S.IN_PROGRESS,
    (S.REVIEW, CLOSE): S.CLOSED,
    # Staff close at any time (their decision): `access.can_close` says who.
    (S.OPENED, CLOSE): S.CLOSED,
    (S.PLAN_AGREED, CLOSE): S.CLOSED,
    (S.IN_PROGRESS, CLOSE): S.CLOSED,
    (S.REOPENED, CLOSE): S.CLOSED,
    (S.CLOSED, REOPEN): S.REOPENED,
}

WHO: dict[str, Callable[..., bool]] = {
    AGREE_PLAN: access.can_agree_plan,
    START: access.can_start,
    LOG_ACTION: access.can_log_action,
    REQUEST_REVIEW: access.can_request_review,
    CONTINUE: access.can_continue,
    CLOSE: access.can_close,
    REOPEN: access.can_reopen,
}


def statuses_allowing(action: str) -> frozenset[str]:
    return frozenset(status for status, name in TRANSITIONS if name == action)


def _refusal(key_dorm: KeyDorm, action: str) -> str | None:
    if (key_dorm.status, action) not in TRANSITIONS:
        return _("This cannot be done to a key dorm that is “%(status)s”.") % {
            "status": key_dorm.get_status_display()
        }
    return None


def may_take(user, key_dorm: KeyDorm, action: str) -> bool:
    return WHO[action](user, key_dorm) and _refusal(key_dorm, action) is None


def allowed_actions(user, key_dorm: KeyDorm) -> frozenset[str]:
    """The actions `user` may take on `key_dorm` now: the buttons its page shows him."""
    return frozenset(action for action in WHO if may_take(user, key_dorm, action))


def require(actor, key_dorm: KeyDorm, action: str) -> None:
    if not WHO[action](actor, key_dorm):
        raise PermissionDenied


def next_status(key_dorm: KeyDorm, action: str) -> str:
    """The status `action` leads `key_dorm` to; refused (ValidationError) when it does not
    allow it. Ask it of the locked row."""
    refusal = _refusal(key_dorm, action)
    if refusal is not None:
        raise ValidationError(refusal, code="status")
    return TRANSITIONS[key_dorm.status, action]
