"""The handling workflow: accept, assign, start, answer, close, decline and merge (handlers), and
rate and reopen (the author); and who may be a category's handler.

Every transition has one shape: refuse whoever may not take it (`feedback.access`), lock the
row, ask the workflow's table for the status it leads to (refused when the row's status does
not allow it: `feedback.workflow`), change it and record the step (`record_step` tells the
author).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, workflow
from ..models import Category, Status, Step, Suggestion, Support
from .notices import handlers_of, record_step, tell_assignee, tell_each

# What a rating step records (shown in the reader's language by the templates).
RATED_SATISFIED = "satisfied"
RATED_NOT_SATISFIED = "not-satisfied"


# --- who handles a category -------------------------------------------------------------------


def check_handlers(people: Iterable) -> None:
    """Refuse, naming them, any of `people` who may not be a category's handler."""
    people = list(people)
    eligible = set(
        access.eligible_handlers()
        .filter(pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )
    refused = [person for person in people if person.pk not in eligible]
    if refused:
        raise ValidationError(
            _("Handlers are staff or workstation members (activists onward); not: %(names)s.")
            % {"names": ", ".join(person.display_name for person in refused)},
            code="not_a_handler",
        )


@transaction.atomic
def add_handlers(*, category: Category, people: Iterable) -> None:
    """List `people` among the handlers of `category`, if each may be one."""
    people = list(people)
    check_handlers(people)
    category.handlers.add(*people)


# --- the shared steps of every transition -------------------------------------------------------


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


def locked_for(suggestion: Suggestion, action: str) -> tuple[Suggestion, str]:
    """The suggestion locked, if it allows `action`, and the status `action` leads it to."""
    suggestion = locked(suggestion)
    return suggestion, workflow.next_status(suggestion, action)


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
    """Refuse an `assignee` whose charge the locked `suggestion` is not in. Whether he wrote it is
    not asked here (the author of a named one, given it, is refused when he tries to handle it:
    `access.can_handle`)."""
    if access.in_charge_of(assignee, suggestion):
        return
    if suggestion.hidden:
        raise ValidationError(
            _("%(name)s cannot be given a hidden suggestion: only staff handle hidden ones."),
            code="assignee",
            params={"name": assignee.display_name},
        )
    raise ValidationError(
        _("%(name)s does not handle suggestions on “%(category)s”."),
        code="assignee",
        params={"name": assignee.display_name, "category": suggestion.category.label},
    )


def _give(suggestion: Suggestion, action: str, *, actor, assignee, status: str) -> None:
    """Give the locked `suggestion` to `assignee` (a first response); tell him."""
    _check_assignee(assignee, suggestion)
    step = change(
        suggestion,
        action,
        actor=actor,
        note=assignee.display_name,
        assignee=assignee,
        status=status,
        first_response_at=suggestion.first_response_at or timezone.now(),
    )
    if assignee.pk != actor.pk:
        tell_assignee(suggestion, assignee, step)


def _close(suggestion: Suggestion, *, actor, by_author: bool = False) -> None:
    change(
        suggestion,
        Step.Action.CLOSE,
        actor=actor,
        by_author=by_author,
        status=workflow.next_status(suggestion, Step.Action.CLOSE),
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
    workflow.require(actor, suggestion, Step.Action.ACCEPT)
    suggestion, status = locked_for(suggestion, Step.Action.ACCEPT)
    _give(suggestion, Step.Action.ACCEPT, actor=actor, assignee=assignee or actor, status=status)
    return suggestion


@transaction.atomic
def assign_suggestions(*, actor, suggestions: Iterable[Suggestion], assignee) -> int:
    """Give several open suggestions to one handler; new ones are accepted on the way.

    All or nothing: one suggestion he may not handle, or one already finished, refuses all.
    """
    count = 0
    for suggestion in suggestions:
        workflow.require(actor, suggestion, Step.Action.ASSIGN)
        suggestion, status = locked_for(suggestion, Step.Action.ASSIGN)
        _give(suggestion, Step.Action.ASSIGN, actor=actor, assignee=assignee, status=status)
        count += 1
    return count


@transaction.atomic
def start_work(*, actor, suggestion: Suggestion) -> Suggestion:
    """Say that work on an accepted suggestion has begun."""
    workflow.require(actor, suggestion, Step.Action.START)
    suggestion, status = locked_for(suggestion, Step.Action.START)
    change(
        suggestion,
        Step.Action.START,
        actor=actor,
        status=status,
        assignee=suggestion.assignee or actor,
    )
    return suggestion


@transaction.atomic
def answer_suggestion(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Give the official answer; the author and every supporter are told."""
    workflow.require(actor, suggestion, Step.Action.ANSWER)
    answer = required_text(answer, _("Write the answer."))
    suggestion, status = locked_for(suggestion, Step.Action.ANSWER)
    now = timezone.now()
    step = change(
        suggestion,
        Step.Action.ANSWER,
        actor=actor,
        note=answer,
        status=status,
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
    workflow.require(actor, suggestion, Step.Action.CLOSE)
    suggestion, _status = locked_for(suggestion, Step.Action.CLOSE)
    _close(suggestion, actor=actor)
    return suggestion


@transaction.atomic
def decline_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Decline an open suggestion, with the reason the author will read."""
    workflow.require(actor, suggestion, Step.Action.DECLINE)
    reason = required_text(reason, _("Give the reason for declining."))
    suggestion, status = locked_for(suggestion, Step.Action.DECLINE)
    _finish(
        suggestion,
        Step.Action.DECLINE,
        actor=actor,
        note=reason,
        status=status,
        decline_reason=reason,
    )
    return suggestion


@transaction.atomic
def merge_suggestion(*, actor, suggestion: Suggestion, into: Suggestion) -> Suggestion:
    """Mark an open suggestion as a duplicate of `into`, which the actor handles too; its
    supporters carry over."""
    workflow.require(actor, suggestion, Step.Action.MERGE)
    if not access.can_merge_into(actor, into):
        raise PermissionDenied
    if into.pk == suggestion.pk:
        raise ValidationError(_("A suggestion cannot be merged into itself."), code="self")
    if into.status == Status.MERGED:
        raise ValidationError(
            _("Merge into the suggestion that “%(title)s” was merged into instead."),
            code="chain",
            params={"title": into.title},
        )
    suggestion, status = locked_for(suggestion, Step.Action.MERGE)
    carry_supporters(suggestion, into=into)
    _finish(
        suggestion,
        Step.Action.MERGE,
        actor=actor,
        note=f"#{into.pk} {into.title}",
        status=status,
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
    workflow.require(actor, suggestion, Step.Action.RATE)
    suggestion, status = locked_for(suggestion, Step.Action.RATE)
    note = RATED_SATISFIED if satisfied else RATED_NOT_SATISFIED
    change(
        suggestion,
        Step.Action.RATE,
        actor=actor,
        by_author=True,
        note=note,
        status=status,
        satisfied=satisfied,
    )
    if satisfied:
        _close(suggestion, actor=actor, by_author=True)
    return suggestion


@transaction.atomic
def reopen_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """The author reopens his answered or closed suggestion, once, saying why."""
    workflow.require(actor, suggestion, Step.Action.REOPEN)
    reason = required_text(reason, _("Say why you reopen it."))
    suggestion, status = locked_for(suggestion, Step.Action.REOPEN)
    change(
        suggestion,
        Step.Action.REOPEN,
        actor=actor,
        by_author=True,
        note=reason,
        status=status,
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
