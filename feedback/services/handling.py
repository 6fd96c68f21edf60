"""The handling workflow: accept, assign, start, answer, close, decline and merge (handlers), and
rate and reopen (the author).

Every transition has one shape: check who acts, lock the row, check that its status allows the
step, change it and record the step (`record_step` tells the author).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import is_staff
from members.models import WORKSTATION_STATUSES

from .. import access
from ..models import OPEN_STATUSES, Category, Status, Step, Suggestion, Support
from .notices import handlers_of, record_step, tell_assignee, tell_each

# What a rating step records (shown in the reader's language by the templates).
RATED_SATISFIED = "satisfied"
RATED_NOT_SATISFIED = "not-satisfied"


def eligible_assignees(category: Category | None = None):
    """Who may be given suggestions: staff, and the members handling `category` (or any)."""
    User = get_user_model()
    handlers = Q(feedback_categories=category) if category else Q(feedback_categories__isnull=False)
    members = handlers & Q(political_status__in=WORKSTATION_STATUSES)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | members)
        .distinct()
        .order_by("name", "email")
    )


# --- the shared steps of every transition -------------------------------------------------------


def _check_handler(actor, suggestion: Suggestion) -> None:
    if not access.can_handle(actor, suggestion):
        raise PermissionDenied


def required_text(text: str, message: str) -> str:
    """`text` without surrounding blanks, or a refusal with `message` when nothing is left."""
    text = text.strip()
    if not text:
        raise ValidationError(message, code="empty")
    return text


def locked(suggestion: Suggestion) -> Suggestion:
    """The suggestion read again and locked until the end of the transaction."""
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("category", "author")
        .get(pk=suggestion.pk)
    )


def _locked_in(suggestion: Suggestion, allowed: Iterable[str]) -> Suggestion:
    """The suggestion locked, if its status is one of `allowed`."""
    suggestion = locked(suggestion)
    if suggestion.status not in allowed:
        raise ValidationError(
            _("This cannot be done to a suggestion that is “%(status)s”."),
            code="status",
            params={"status": suggestion.get_status_display()},
        )
    return suggestion


def change(
    suggestion: Suggestion,
    action: str,
    *,
    actor,
    by_author: bool = False,
    note: str = "",
    **fields,
) -> Step:
    """Set and save `fields` of the locked `suggestion`, then record the step."""
    for name, value in fields.items():
        setattr(suggestion, name, value)
    suggestion.save(update_fields=list(fields))
    return record_step(suggestion, action, actor=actor, by_author=by_author, note=note)


def _check_assignee(assignee, suggestion: Suggestion) -> None:
    if not (assignee.is_active and (is_staff(assignee) or access.can_handle(assignee, suggestion))):
        raise ValidationError(
            _("%(name)s does not handle suggestions on “%(category)s”."),
            code="assignee",
            params={"name": assignee.display_name, "category": suggestion.category.label},
        )


def _give(suggestion: Suggestion, action: str, *, actor, assignee) -> None:
    """Give the locked `suggestion` to `assignee`, accepting it if it is new; tell him."""
    _check_assignee(assignee, suggestion)
    fields = {"assignee": assignee}
    if suggestion.status == Status.SUBMITTED:
        fields["status"] = Status.ACCEPTED
        fields["first_response_at"] = suggestion.first_response_at or timezone.now()
    change(suggestion, action, actor=actor, note=assignee.display_name, **fields)
    if assignee.pk != actor.pk:
        tell_assignee(suggestion, assignee)


def _close(suggestion: Suggestion, *, actor, by_author: bool = False) -> None:
    change(
        suggestion,
        Step.Action.CLOSE,
        actor=actor,
        by_author=by_author,
        status=Status.CLOSED,
        closed_at=timezone.now(),
    )


def _finish(suggestion: Suggestion, action: str, *, actor, note: str, **fields) -> None:
    """End the locked, open `suggestion` without an answer (declined or merged)."""
    change(
        suggestion,
        action,
        actor=actor,
        note=note,
        first_response_at=suggestion.first_response_at or timezone.now(),
        closed_at=timezone.now(),
        **fields,
    )


# --- the handlers' part -------------------------------------------------------------------------


@transaction.atomic
def accept_suggestion(*, actor, suggestion: Suggestion, assignee=None) -> Suggestion:
    """Take a new suggestion on, assigned to `assignee` (the actor himself by default)."""
    _check_handler(actor, suggestion)
    suggestion = _locked_in(suggestion, [Status.SUBMITTED])
    _give(suggestion, Step.Action.ACCEPT, actor=actor, assignee=assignee or actor)
    return suggestion


@transaction.atomic
def assign_suggestions(*, actor, suggestions: Iterable[Suggestion], assignee) -> int:
    """Give several open suggestions to one handler; new ones are accepted on the way.

    All or nothing: one suggestion he may not handle, or one already finished, refuses all.
    """
    count = 0
    for suggestion in suggestions:
        _check_handler(actor, suggestion)
        suggestion = _locked_in(suggestion, OPEN_STATUSES)
        _give(suggestion, Step.Action.ASSIGN, actor=actor, assignee=assignee)
        count += 1
    return count


@transaction.atomic
def start_work(*, actor, suggestion: Suggestion) -> Suggestion:
    """Say that work on an accepted suggestion has begun."""
    _check_handler(actor, suggestion)
    suggestion = _locked_in(suggestion, [Status.ACCEPTED])
    change(
        suggestion,
        Step.Action.START,
        actor=actor,
        status=Status.IN_PROGRESS,
        assignee=suggestion.assignee or actor,
    )
    return suggestion


@transaction.atomic
def answer_suggestion(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Give the official answer; the author and every supporter are told."""
    _check_handler(actor, suggestion)
    answer = required_text(answer, _("Write the answer."))
    suggestion = _locked_in(suggestion, OPEN_STATUSES)
    now = timezone.now()
    step = change(
        suggestion,
        Step.Action.ANSWER,
        actor=actor,
        note=answer,
        status=Status.ANSWERED,
        answer=answer,
        answered_by=actor,
        answered_at=now,
        first_response_at=suggestion.first_response_at or now,
        assignee=suggestion.assignee or actor,
        satisfied=None,
    )
    supporters = get_user_model().objects.filter(
        feedback_supports__suggestion=suggestion, is_active=True
    )
    tell_each(
        supporters,
        suggestion=suggestion,
        kind="feedback-answered",
        key=f"feedback-answered:{step.pk}",
    )
    return suggestion


@transaction.atomic
def close_suggestion(*, actor, suggestion: Suggestion) -> Suggestion:
    """Close an answered suggestion (the author's rating closes it too)."""
    _check_handler(actor, suggestion)
    suggestion = _locked_in(suggestion, [Status.ANSWERED])
    _close(suggestion, actor=actor)
    return suggestion


@transaction.atomic
def decline_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Decline an open suggestion, with the reason the author will read."""
    _check_handler(actor, suggestion)
    reason = required_text(reason, _("Give the reason for declining."))
    suggestion = _locked_in(suggestion, OPEN_STATUSES)
    _finish(
        suggestion,
        Step.Action.DECLINE,
        actor=actor,
        note=reason,
        status=Status.DECLINED,
        decline_reason=reason,
    )
    return suggestion


@transaction.atomic
def merge_suggestion(*, actor, suggestion: Suggestion, into: Suggestion) -> Suggestion:
    """Mark an open suggestion as a duplicate of `into`; its supporters carry over."""
    _check_handler(actor, suggestion)
    if into.pk == suggestion.pk:
        raise ValidationError(_("A suggestion cannot be merged into itself."), code="self")
    if into.status == Status.MERGED:
        raise ValidationError(
            _("Merge into the suggestion that “%(title)s” was merged into instead."),
            code="chain",
            params={"title": into.title},
        )
    suggestion = _locked_in(suggestion, OPEN_STATUSES)
    carry_supporters(suggestion, into=into)
    _finish(
        suggestion,
        Step.Action.MERGE,
        actor=actor,
        note=f"#{into.pk} {into.title}",
        status=Status.MERGED,
        merged_into=into,
    )
    return suggestion


def carry_supporters(duplicate: Suggestion, *, into: Suggestion) -> None:
    """The supporters of `duplicate` come to support `into`, once each; its count follows.

    The named author of `into` is not made a supporter of his own suggestion. The author of an
    anonymous `into` is carried over like everyone else when he supported the duplicate: were he
    left behind, the one supporter who did not move would be him. Nobody else is added (not the
    author of the duplicate, who would be the one newcomer who supported nothing).
    """
    existing = Support.objects.filter(suggestion=into).values("supporter")
    supporters = Support.objects.filter(suggestion=duplicate).exclude(supporter__in=existing)
    if into.author_id is not None:
        supporters = supporters.exclude(supporter=into.author_id)
    Support.objects.bulk_create(
        [
            Support(suggestion=into, supporter_id=pk)
            for pk in supporters.values_list("supporter_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    Suggestion.objects.filter(pk=into.pk).update(
        support_count=Support.objects.filter(suggestion=into).count()
    )


# --- the author's part --------------------------------------------------------------------------


@transaction.atomic
def rate_answer(*, actor, suggestion: Suggestion, satisfied: bool) -> Suggestion:
    """The author says whether the answer satisfies him; a satisfying answer closes it."""
    access.require_author(actor, suggestion)
    suggestion = _locked_in(suggestion, [Status.ANSWERED])
    note = RATED_SATISFIED if satisfied else RATED_NOT_SATISFIED
    change(
        suggestion, Step.Action.RATE, actor=actor, by_author=True, note=note, satisfied=satisfied
    )
    if satisfied:
        _close(suggestion, actor=actor, by_author=True)
    return suggestion


@transaction.atomic
def reopen_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """The author reopens his answered or closed suggestion, once, saying why."""
    access.require_author(actor, suggestion)
    reason = required_text(reason, _("Say why you reopen it."))
    suggestion = _locked_in(suggestion, [Status.ANSWERED, Status.CLOSED])
    if suggestion.reopened_at is not None:
        raise ValidationError(_("A suggestion can be reopened only once."), code="once")
    change(
        suggestion,
        Step.Action.REOPEN,
        actor=actor,
        by_author=True,
        note=reason,
        status=Status.IN_PROGRESS,
        reopened_at=timezone.now(),
        reopen_reason=reason,
        satisfied=None,
        closed_at=None,
    )
    recipients = [suggestion.assignee] if suggestion.assignee else handlers_of(suggestion.category)
    tell_each(
        recipients,
        suggestion=suggestion,
        kind="feedback-reopened",
        key=f"feedback-reopened:{suggestion.pk}",
        reason=reason,
    )
    return suggestion
