"""Moderation: staff hide a suggestion from the board with a reason, or show it again; enough
reports hide it on their own (`report_suggestion`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import Step, Suggestion
from .handling import change, locked, required_text


def _check_moderator(actor) -> None:
    if not access.can_moderate(actor):
        raise PermissionDenied


@transaction.atomic
def hide_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Staff hide a suggestion from the board; the author sees it, with the reason."""
    _check_moderator(actor)
    reason = required_text(reason, _("Give the reason for hiding it; the author will read it."))
    suggestion = locked(suggestion)
    if suggestion.hidden:
        raise ValidationError(_("This suggestion is already hidden."), code="hidden")
    hide(suggestion, actor=actor, reason=reason)
    return suggestion


@transaction.atomic
def restore_suggestion(*, actor, suggestion: Suggestion) -> Suggestion:
    """Staff show a hidden suggestion again; reports so far are considered reviewed."""
    _check_moderator(actor)
    suggestion = locked(suggestion)
    if not suggestion.hidden:
        raise ValidationError(_("This suggestion is not hidden."), code="shown")
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
