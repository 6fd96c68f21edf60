"""The writes of the suggestion board: submit, support, report, handle, rate, moderate, and the
sweep that chases overdue suggestions.

Every change records a `Step` (who and when) and tells the author. The author of an anonymous
suggestion is told with a notice that does not say which suggestion it is about, and his steps
are recorded without naming him.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.access import is_staff
from members.models import MEMBER_STATUSES
from notifications.models import Notice
from notifications.services import notify

from . import access
from .anonymity import author_token, notice_key, tokens_of_active_accounts
from .models import (
    OPEN_STATUSES,
    Category,
    Photo,
    Report,
    Status,
    Step,
    SubArea,
    Suggestion,
    Support,
)
from .photos import MAX_PHOTOS, clean_photo

# What a rating step records (shown in the reader's language by the templates).
RATED_SATISFIED = "satisfied"
RATED_NOT_SATISFIED = "not-satisfied"
# An overdue suggestion is escalated to staff this long after its handler was reminded.
ESCALATE_AFTER = datetime.timedelta(days=2)


# --- submitting -----------------------------------------------------------------------------------


def submitted_today(user) -> int:
    """How many suggestions `user` has submitted since midnight (named and anonymous)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Suggestion.objects.filter(access.mine(user), created_at__gte=midnight).count()


def check_daily_limit(user) -> None:
    """Refuse a submission over the day's limit, saying when he may submit again."""
    limit = settings.FEEDBACK_DAILY_LIMIT
    if submitted_today(user) >= limit:
        raise ValidationError(
            _(
                "You have already submitted %(limit)d suggestions today, the daily limit. "
                "Please come back tomorrow, or support a similar suggestion instead."
            ),
            code="daily_limit",
            params={"limit": limit},
        )


@transaction.atomic
def submit_suggestion(
    *,
    actor,
    title: str,
    body: str,
    category: Category,
    sub_area: SubArea | None = None,
    anonymous: bool = False,
    photos: Sequence = (),
) -> Suggestion:
    """Raise a suggestion; an anonymous one is stored with the author's token, never his id."""
    title = " ".join(title.split())
    body = body.strip()
    if not title or not body:
        raise ValidationError(_("A suggestion needs a title and details."), code="empty")
    if not category.is_active:
        raise ValidationError(_("Choose a category from the list."), code="category")
    if sub_area is not None and sub_area.category_id != category.pk:
        raise ValidationError(
            _("The sub-area “%(area)s” is not part of “%(category)s”."),
            code="sub_area",
            params={"area": sub_area.label, "category": category.label},
        )
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(count)d photos per suggestion."),
            code="too_many_photos",
            params={"count": MAX_PHOTOS},
        )
    cleaned = [clean_photo(upload) for upload in photos]
    # One submission at a time per person, so that two tabs cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    check_daily_limit(actor)
    suggestion = Suggestion.objects.create(
        title=title,
        body=body,
        category=category,
        sub_area=sub_area,
        is_anonymous=anonymous,
        author=None if anonymous else actor,
        author_token=author_token(actor) if anonymous else "",
    )
    for photo in cleaned:
        row = Photo(
            suggestion=suggestion,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
        row.image.save("photo", photo.content, save=False)
        row.save()
    _record(suggestion, Step.Action.SUBMIT, actor=actor, by_author=True)
    link = suggestion.get_absolute_url()
    for handler in _handlers_of(suggestion.category):
        notify(
            recipient=handler,
            kind="feedback-new",
            key=f"feedback-new:{suggestion.pk}:{handler.pk}",
            context={"suggestion": suggestion},
            link=link,
        )
    return suggestion


# --- support and reports ------------------------------------------------------------------------


@transaction.atomic
def toggle_support(*, actor, suggestion: Suggestion) -> bool:
    """Add `actor`'s +1, or take it back; returns whether he supports it now."""
    if access.is_author(actor, suggestion):
        raise ValidationError(_("You cannot support your own suggestion."), code="own")
    deleted, _rows = Support.objects.filter(suggestion=suggestion, supporter=actor).delete()
    if deleted:
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=F("support_count") - 1)
        supported = False
    else:
        try:
            with transaction.atomic():
                Support.objects.create(suggestion=suggestion, supporter=actor)
        except IntegrityError:  # the same person, twice at once: one +1 only
            return True
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=F("support_count") + 1)
        supported = True
    suggestion.refresh_from_db(fields=["support_count"])
    return supported


@transaction.atomic
def report_suggestion(*, actor, suggestion: Suggestion, reason: str = "") -> bool:
    """Report a suggestion; enough reports hide it until staff review it. True if now hidden."""
    if access.is_author(actor, suggestion):
        raise ValidationError(_("You cannot report your own suggestion."), code="own")
    try:
        with transaction.atomic():
            Report.objects.create(suggestion=suggestion, reporter=actor, reason=reason.strip())
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this suggestion."), code="duplicate"
        ) from None
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    suggestion.report_count += 1
    suggestion.save(update_fields=["report_count"])
    if suggestion.hidden or suggestion.report_count < settings.FEEDBACK_REPORTS_TO_HIDE:
        return False
    # Stored text: written in the portal's language, whoever's request triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        reason_text = _("Hidden pending review after %(count)d reports.") % {
            "count": suggestion.report_count
        }
    _hide(suggestion, actor=None, reason=reason_text)
    for person in _staff():
        notify(
            recipient=person,
            kind="feedback-reported",
            key=f"feedback-reported:{suggestion.pk}:{int(suggestion.hidden_at.timestamp())}:{person.pk}",
            context={"suggestion": suggestion, "count": suggestion.report_count},
            link=suggestion.get_absolute_url(),
        )
    return True


# --- handling -----------------------------------------------------------------------------------


def eligible_assignees(category: Category | None = None):
    """Who may be given suggestions: staff, and the members handling `category` (or any)."""
    User = get_user_model()
    handlers = Q(feedback_categories=category) if category else Q(feedback_categories__isnull=False)
    members = handlers & Q(political_status__in=MEMBER_STATUSES)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | members)
        .distinct()
        .order_by("name", "email")
    )


def _check_handler(actor, suggestion: Suggestion) -> None:
    if not access.can_handle(actor, suggestion):
        raise PermissionDenied


def _check_status(suggestion: Suggestion, allowed: Iterable[str]) -> None:
    if suggestion.status not in allowed:
        raise ValidationError(
            _("This cannot be done to a suggestion that is “%(status)s”."),
            code="status",
            params={"status": suggestion.get_status_display()},
        )


def _check_assignee(assignee, suggestion: Suggestion) -> None:
    if not (assignee.is_active and (is_staff(assignee) or access.can_handle(assignee, suggestion))):
        raise ValidationError(
            _("%(name)s does not handle suggestions on “%(category)s”."),
            code="assignee",
            params={"name": assignee.display_name, "category": suggestion.category.label},
        )


def _locked(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("category", "author")
        .get(pk=suggestion.pk)
    )


@transaction.atomic
def accept_suggestion(*, actor, suggestion: Suggestion, assignee=None) -> Suggestion:
    """Take a new suggestion on, assigned to `assignee` (the actor himself by default)."""
    _check_handler(actor, suggestion)
    suggestion = _locked(suggestion)
    _check_status(suggestion, [Status.SUBMITTED])
    assignee = assignee or actor
    _check_assignee(assignee, suggestion)
    suggestion.status = Status.ACCEPTED
    suggestion.assignee = assignee
    suggestion.first_response_at = suggestion.first_response_at or timezone.now()
    suggestion.save(update_fields=["status", "assignee", "first_response_at"])
    _record(suggestion, Step.Action.ACCEPT, actor=actor, note=assignee.display_name)
    if assignee.pk != actor.pk:
        _tell_assignee(suggestion, assignee)
    return suggestion


@transaction.atomic
def assign_suggestions(*, actor, suggestions: Iterable[Suggestion], assignee) -> int:
    """Give several open suggestions to one handler; new ones are accepted on the way.

    All or nothing: one suggestion he may not handle, or one already finished, refuses all.
    """
    count = 0
    for suggestion in suggestions:
        _check_handler(actor, suggestion)
        suggestion = _locked(suggestion)
        _check_status(suggestion, OPEN_STATUSES)
        _check_assignee(assignee, suggestion)
        if suggestion.status == Status.SUBMITTED:
            suggestion.status = Status.ACCEPTED
            suggestion.first_response_at = timezone.now()
        suggestion.assignee = assignee
        suggestion.save(update_fields=["status", "assignee", "first_response_at"])
        _record(suggestion, Step.Action.ASSIGN, actor=actor, note=assignee.display_name)
        if assignee.pk != actor.pk:
            _tell_assignee(suggestion, assignee)
        count += 1
    return count


@transaction.atomic
def start_work(*, actor, suggestion: Suggestion) -> Suggestion:
    """Say that work on an accepted suggestion has begun."""
    _check_handler(actor, suggestion)
    suggestion = _locked(suggestion)
    _check_status(suggestion, [Status.ACCEPTED])
    suggestion.status = Status.IN_PROGRESS
    suggestion.assignee = suggestion.assignee or actor
    suggestion.save(update_fields=["status", "assignee"])
    _record(suggestion, Step.Action.START, actor=actor)
    return suggestion


@transaction.atomic
def answer_suggestion(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Give the official answer; the author and every supporter are told."""
    _check_handler(actor, suggestion)
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer."), code="empty")
    suggestion = _locked(suggestion)
    _check_status(suggestion, OPEN_STATUSES)
    now = timezone.now()
    suggestion.status = Status.ANSWERED
    suggestion.answer = answer
    suggestion.answered_by = actor
    suggestion.answered_at = now
    suggestion.first_response_at = suggestion.first_response_at or now
    suggestion.assignee = suggestion.assignee or actor
    suggestion.satisfied = None
    suggestion.save(
        update_fields=[
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "first_response_at",
            "assignee",
            "satisfied",
        ]
    )
    step = _record(suggestion, Step.Action.ANSWER, actor=actor, note=answer)
    supporters = get_user_model().objects.filter(
        feedback_supports__suggestion=suggestion, is_active=True
    )
    for supporter in supporters:
        notify(
            recipient=supporter,
            kind="feedback-answered",
            key=f"feedback-answered:{step.pk}:{supporter.pk}",
            context={"suggestion": suggestion},
            link=suggestion.get_absolute_url(),
        )
    return suggestion


@transaction.atomic
def close_suggestion(*, actor, suggestion: Suggestion) -> Suggestion:
    """Close an answered suggestion (the author's rating closes it too)."""
    _check_handler(actor, suggestion)
    suggestion = _locked(suggestion)
    _check_status(suggestion, [Status.ANSWERED])
    _close(suggestion)
    _record(suggestion, Step.Action.CLOSE, actor=actor)
    return suggestion


@transaction.atomic
def decline_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Decline an open suggestion, with the reason the author will read."""
    _check_handler(actor, suggestion)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for declining."), code="empty")
    suggestion = _locked(suggestion)
    _check_status(suggestion, OPEN_STATUSES)
    suggestion.status = Status.DECLINED
    suggestion.decline_reason = reason
    suggestion.first_response_at = suggestion.first_response_at or timezone.now()
    suggestion.closed_at = timezone.now()
    suggestion.save(update_fields=["status", "decline_reason", "first_response_at", "closed_at"])
    _record(suggestion, Step.Action.DECLINE, actor=actor, note=reason)
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
    suggestion = _locked(suggestion)
    _check_status(suggestion, OPEN_STATUSES)
    suggestion.status = Status.MERGED
    suggestion.merged_into = into
    suggestion.first_response_at = suggestion.first_response_at or timezone.now()
    suggestion.closed_at = timezone.now()
    suggestion.save(update_fields=["status", "merged_into", "first_response_at", "closed_at"])
    # Supporters of the duplicate support the original, once each, and never their own.
    existing = Support.objects.filter(suggestion=into).values("supporter")
    moved = [
        Support(suggestion=into, supporter_id=pk)
        for pk in Support.objects.filter(suggestion=suggestion)
        .exclude(supporter__in=existing)
        .exclude(supporter=into.author_id)
        .values_list("supporter_id", flat=True)
    ]
    Support.objects.bulk_create(moved, ignore_conflicts=True)
    Suggestion.objects.filter(pk=into.pk).update(
        support_count=Support.objects.filter(suggestion=into).count()
    )
    _record(suggestion, Step.Action.MERGE, actor=actor, note=f"#{into.pk} {into.title}")
    return suggestion


# --- the author's part --------------------------------------------------------------------------


@transaction.atomic
def rate_answer(*, actor, suggestion: Suggestion, satisfied: bool) -> Suggestion:
    """The author says whether the answer satisfies him; a satisfying answer closes it."""
    access.require_author(actor, suggestion)
    suggestion = _locked(suggestion)
    _check_status(suggestion, [Status.ANSWERED])
    suggestion.satisfied = satisfied
    suggestion.save(update_fields=["satisfied"])
    note = RATED_SATISFIED if satisfied else RATED_NOT_SATISFIED
    _record(suggestion, Step.Action.RATE, actor=actor, by_author=True, note=note)
    if satisfied:
        _close(suggestion)
        _record(suggestion, Step.Action.CLOSE, actor=actor, by_author=True)
    return suggestion


@transaction.atomic
def reopen_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """The author reopens his answered or closed suggestion, once, saying why."""
    access.require_author(actor, suggestion)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why you reopen it."), code="empty")
    suggestion = _locked(suggestion)
    _check_status(suggestion, [Status.ANSWERED, Status.CLOSED])
    if suggestion.reopened_at is not None:
        raise ValidationError(_("A suggestion can be reopened only once."), code="once")
    suggestion.status = Status.IN_PROGRESS
    suggestion.reopened_at = timezone.now()
    suggestion.reopen_reason = reason
    suggestion.satisfied = None
    suggestion.closed_at = None
    suggestion.save(
        update_fields=["status", "reopened_at", "reopen_reason", "satisfied", "closed_at"]
    )
    _record(suggestion, Step.Action.REOPEN, actor=actor, by_author=True, note=reason)
    recipients = [suggestion.assignee] if suggestion.assignee else _handlers_of(suggestion.category)
    for handler in recipients:
        notify(
            recipient=handler,
            kind="feedback-reopened",
            key=f"feedback-reopened:{suggestion.pk}:{handler.pk}",
            context={"suggestion": suggestion, "reason": reason},
            link=suggestion.get_absolute_url(),
        )
    return suggestion


# --- moderation -----------------------------------------------------------------------------------


@transaction.atomic
def hide_suggestion(*, actor, suggestion: Suggestion, reason: str) -> Suggestion:
    """Staff hide a suggestion from the board; the author sees it, with the reason."""
    if not access.can_moderate(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for hiding it; the author will read it."))
    suggestion = _locked(suggestion)
    if suggestion.hidden:
        raise ValidationError(_("This suggestion is already hidden."), code="hidden")
    _hide(suggestion, actor=actor, reason=reason)
    return suggestion


@transaction.atomic
def restore_suggestion(*, actor, suggestion: Suggestion) -> Suggestion:
    """Staff show a hidden suggestion again; reports so far are considered reviewed."""
    if not access.can_moderate(actor):
        raise PermissionDenied
    suggestion = _locked(suggestion)
    if not suggestion.hidden:
        raise ValidationError(_("This suggestion is not hidden."), code="shown")
    suggestion.hidden = False
    suggestion.hidden_reason = ""
    suggestion.hidden_at = None
    suggestion.report_count = 0
    suggestion.save(update_fields=["hidden", "hidden_reason", "hidden_at", "report_count"])
    _record(suggestion, Step.Action.RESTORE, actor=actor)
    return suggestion


def _hide(suggestion: Suggestion, *, actor, reason: str) -> None:
    suggestion.hidden = True
    suggestion.hidden_reason = reason
    suggestion.hidden_at = timezone.now()
    suggestion.save(update_fields=["hidden", "hidden_reason", "hidden_at"])
    _record(suggestion, Step.Action.HIDE, actor=actor, note=reason)


def _close(suggestion: Suggestion) -> None:
    suggestion.status = Status.CLOSED
    suggestion.closed_at = timezone.now()
    suggestion.save(update_fields=["status", "closed_at"])


# --- history and notices ----------------------------------------------------------------------


def _record(
    suggestion: Suggestion, action: str, *, actor, by_author: bool = False, note: str = ""
) -> Step:
    """Add a step to the history and tell the author (unless he took it himself).

    A step the author of an anonymous suggestion takes names nobody.
    """
    step = Step.objects.create(
        suggestion=suggestion,
        action=action,
        status=suggestion.status,
        actor=None if (by_author and suggestion.is_anonymous) else actor,
        by_author=by_author,
        note=note,
    )
    if not by_author and action != Step.Action.SUBMIT:
        _tell_author(suggestion, step)
    return step


def _tell_author(suggestion: Suggestion, step: Step) -> None:
    if not suggestion.is_anonymous:
        step.author_told = True
        step.save(update_fields=["author_told"])
        if suggestion.author is not None and suggestion.author.is_active:
            notify(
                recipient=suggestion.author,
                kind="feedback-status",
                key=f"feedback-status:{step.pk}",
                context={"suggestion": suggestion, "step": step},
                link=suggestion.get_absolute_url(),
            )
        return
    # The author of an anonymous suggestion is told later, in a batch with other authors
    # (`deliver_anonymous_news`), so that the time of his notice does not point at this step.


@transaction.atomic
def deliver_anonymous_news() -> int:
    """Tell the authors of anonymous suggestions that there is news; returns the notices sent.

    One generic notice per author per run, whatever the number of steps and suggestions: it
    says nothing of which suggestion, links to "my suggestions", and is recorded at the time of
    the run, so that neither its text, its key nor its time ties him to a suggestion. Each step
    is told once (steps being told by another run at the same time are skipped).
    """
    pending = list(
        Step.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(suggestion__is_anonymous=True, by_author=False, author_told=False)
        .values_list("pk", "suggestion__author_token")
    )
    if not pending:
        return 0
    steps_by_token: dict[str, list[int]] = {}
    for step_id, token in pending:
        steps_by_token.setdefault(token, []).append(step_id)
    owners = tokens_of_active_accounts()
    authors = get_user_model().objects.in_bulk(
        [owners[token] for token in steps_by_token if token in owners]
    )
    sent = 0
    for token, step_ids in steps_by_token.items():
        author = authors.get(owners.get(token))
        if author is None:  # his account is gone or inactive: nobody to tell
            continue
        notify(
            recipient=author,
            kind="feedback-anonymous-news",
            key=notice_key("steps:" + ",".join(map(str, sorted(step_ids)))),
            link=reverse("feedback:mine"),
        )
        sent += 1
    Step.objects.filter(pk__in=[step_id for step_id, _token in pending]).update(author_told=True)
    return sent


def _tell_assignee(suggestion: Suggestion, assignee) -> None:
    notify(
        recipient=assignee,
        kind="feedback-assigned",
        key=f"feedback-assigned:{suggestion.pk}:{assignee.pk}:{int(timezone.now().timestamp())}",
        context={"suggestion": suggestion},
        link=suggestion.get_absolute_url(),
    )


def _staff() -> list:
    return list(get_user_model().objects.filter(is_staff=True, is_active=True))


def _handlers_of(category: Category) -> list:
    """The category's active handlers; staff when it has none, so nothing goes unseen."""
    handlers = list(category.handlers.filter(is_active=True))
    return handlers or _staff()


# --- the overdue sweep --------------------------------------------------------------------------


def remind_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind the handler of each overdue suggestion, then escalate to staff; each once.

    A suggestion is overdue when its first response or its answer is later than its category's
    target. Its handler (the assignee, or else the category's handlers) is reminded at once;
    staff are told `ESCALATE_AFTER` later. The queries do not grow with the number of
    suggestions; the notices' unique keys make a second run record nothing.
    """
    now = now or timezone.now()
    open_suggestions = list(
        Suggestion.objects.open()
        .filter(hidden=False)
        .select_related("category", "assignee")
        .prefetch_related("category__handlers")
        .order_by("created_at", "pk")
    )
    staff = _staff()
    due: dict[str, tuple] = {}
    for suggestion in open_suggestions:
        if suggestion.first_response_at is None:
            stage, deadline = "first", suggestion.first_response_due()
        else:
            stage, deadline = "answer", suggestion.answer_due()
        if now <= deadline:
            continue
        if suggestion.reopened_at is not None:
            stage += "-reopened"
        if suggestion.assignee is not None and suggestion.assignee.is_active:
            handlers = [suggestion.assignee]
        else:
            handlers = [h for h in suggestion.category.handlers.all() if h.is_active] or staff
        for handler in handlers:
            key = f"feedback-overdue:{suggestion.pk}:{stage}:{handler.pk}"
            due[key] = (handler, "feedback-overdue", suggestion, deadline)
        if now > deadline + ESCALATE_AFTER:
            for person in staff:
                key = f"feedback-escalated:{suggestion.pk}:{stage}:{person.pk}"
                due[key] = (person, "feedback-escalated", suggestion, deadline)
    already = set(
        Notice.objects.filter(dedup_key__in=list(due)).values_list("dedup_key", flat=True)
    )
    for key, (recipient, kind, suggestion, deadline) in due.items():
        if key in already:
            continue
        notify(
            recipient=recipient,
            kind=kind,
            key=key,
            context={"suggestion": suggestion, "deadline": deadline},
            link=suggestion.get_absolute_url(),
        )
    return len(due) - len(already)
