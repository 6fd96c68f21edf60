"""Moderation: staff hide a suggestion from the board with a reason, or show it again; enough
reports hide it on their own (`report_suggestion`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Step, Suggestion
from .handling import change, locked_for, required_text


@transaction.atomic
def hide_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Staff hide a suggestion from the board; the author sees it, with the reason."""
    workflow.require(actor, suggestion, Step.Action.HIDE)
    reason = required_text(reason, _("Give the reason for hiding it; the author will read it."))
    suggestion, _status = locked_for(suggestion, Step.Action.HIDE)
    hide(suggestion, actor=actor, reason=reason)
    return suggestion


@transaction.atomic
def restore_suggestion(*, actor, suggestion: Suggestion) -> Suggestion:
    """Staff show a hidden suggestion again; reports so far are considered reviewed."""
    workflow.require(actor, suggestion, Step.Action.RESTORE)
    suggestion, _status = locked_for(suggestion, Step.Action.RESTORE)
    change(
        suggestion,
        Step.Action.RESTORE,
        actor=actor,
        hidden=False,
        hidden_reason="",
        hidden_at=None,
        report_count=0,
    )
    return suggestion


def hide(suggestion: Suggestion, *, actor, reason: str) -> None:
    """Hide the locked `suggestion` with `reason` (`actor` is None when reports hid it)."""
    change(
        suggestion,
        Step.Action.HIDE,
        actor=actor,
        note=reason,
        hidden=True,
        hidden_reason=reason,
        hidden_at=timezone.now(),
    )
