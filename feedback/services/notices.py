"""The history of a suggestion and who is told of it: recording a step, telling the author, the
handlers, the assignee and staff, and the two hourly sweeps (overdue suggestions, news for the
authors of anonymous ones)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from notifications.services import Reminder, notify, notify_many

from .. import access
from ..anonymity import notice_key, tokens_of_active_accounts
from ..models import Category, NewsBatch, Step, Suggestion

# An overdue suggestion is escalated to staff this long after its handler was reminded.
ESCALATE_AFTER = datetime.timedelta(days=2)


def record_step(
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


def tell_each(
    recipients: Iterable, *, suggestion: Suggestion, kind: str, key: str, **context
) -> None:
    """Tell each of `recipients` about `suggestion`, once: his id completes the notice `key`.

    In bulk, as a sweep does: a suggestion with hundreds of supporters costs its answer the same
    few queries as one with none.
    """
    link = suggestion.get_absolute_url()
    notify_many(
        reminders=(
            Reminder(
                recipient=person,
                kind=kind,
                key=f"{key}:{person.pk}",
                context={"suggestion": suggestion, **context},
                link=link,
            )
            for person in recipients
        )
    )


def tell_assignee(suggestion: Suggestion, assignee, step: Step) -> None:
    """Tell `assignee` that `suggestion` is now his (again, if it comes back to him later):
    the `step` that gave it to him names the event."""
    notify(
        recipient=assignee,
        kind="feedback-assigned",
        key=f"feedback-assigned:{step.pk}:{assignee.pk}",
        context={"suggestion": suggestion},
        link=suggestion.get_absolute_url(),
    )


def active_staff() -> list:
    return list(get_user_model().objects.filter(is_staff=True, is_active=True))


def handlers_of(category: Category) -> list:
    """The category's handlers; staff when it has none, so nothing goes unseen."""
    handlers = list(access.eligible_handlers().filter(feedback_categories=category))
    return handlers or active_staff()


# --- the sweeps ---------------------------------------------------------------------------------


# One run of the batch at a time (a key of its own among the advisory locks).
NEWS_BATCH_LOCK = 0x5EED_BA7C


@transaction.atomic
def deliver_anonymous_news(*, now: datetime.datetime | None = None) -> int:
    """Tell the authors of anonymous suggestions that there is news; returns the notices sent.

    The batch keeps its own time, whoever runs it and however often (the hourly schedule, a
    shorter one, "run selected tasks" in the admin): it goes at most once every
    `FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS`, and only when it tells at least
    `FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS` authors, unless its oldest news has waited
    `FEEDBACK_ANONYMOUS_NEWS_MAX_WAIT_DAYS`. So staff who act on one anonymous suggestion cannot
    have its author told alone, nor at a time of their choosing.

    One generic notice per author per batch, whatever the number of steps and suggestions: it
    says nothing of which suggestion, links to "my suggestions", is private (the admin does not
    list it) and is recorded at the time of the batch. The notices of one batch are recorded in
    the order of their recipients' ids, not of the suggestions. Each step is told once.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEWS_BATCH_LOCK])
    last = NewsBatch.objects.order_by("-sent_at").values_list("sent_at", flat=True).first()
    every = datetime.timedelta(hours=settings.FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS)
    if last is not None and now < last + every:
        return 0
    pending = list(
        Step.objects.select_for_update(of=("self",))
        .filter(suggestion__is_anonymous=True, by_author=False, author_told=False)
        .values_list("pk", "suggestion__author_token", "created_at")
    )
    if not pending:
        return 0
    steps_by_token: dict[str, list[int]] = {}
    for step_id, token, _created in pending:
        steps_by_token.setdefault(token, []).append(step_id)
    # Whether the batch goes is decided from the news alone, before anyone's account is looked
    # at: counted over active accounts, staff could deactivate a student and see whether the
    # batch then waited, which would tell them he had news.
    oldest = min(created for _pk, _token, created in pending)
    max_wait = datetime.timedelta(days=settings.FEEDBACK_ANONYMOUS_NEWS_MAX_WAIT_DAYS)
    too_few = len(steps_by_token) < settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS
    if too_few and now - oldest < max_wait:
        return 0
    owners = tokens_of_active_accounts()
    steps_by_author = {
        owners[token]: step_ids for token, step_ids in steps_by_token.items() if token in owners
    }
    # Those whose account is gone or inactive have nobody to tell.
    authors = get_user_model().objects.in_bulk(list(steps_by_author))
    notify_many(
        reminders=(
            Reminder(
                recipient=authors[author_id],
                kind="feedback-anonymous-news",
                key=notice_key("steps:" + ",".join(map(str, sorted(steps_by_author[author_id])))),
                link=reverse("feedback:mine"),
                private=True,
            )
            for author_id in sorted(authors)
        )
    )
    Step.objects.filter(pk__in=[step_id for step_id, _token, _created in pending]).update(
        author_told=True
    )
    if authors:
        NewsBatch.objects.create(sent_at=now, authors=len(authors))
    return len(authors)


@transaction.atomic
def remind_overdue(*, now: datetime.datetime | None = None) -> int:
    """Remind the handler of each overdue suggestion, then escalate to staff; each once.

    A suggestion is overdue when its first response or its answer is later than its category's
    target. Its handler (the assignee, or else the category's handlers, as they are then) is
    reminded at once; staff are told `ESCALATE_AFTER` later. Each suggestion records the stage
    it has told of (`Suggestion.overdue_reminded`), so that a run leaves out those with nothing
    left to tell: the queries do not grow with the number of suggestions, and a second run reads
    none. The notices' unique keys make a concurrent run record nothing twice.
    """
    now = now or timezone.now()
    late = list(
        Suggestion.objects.overdue_untold(now, ESCALATE_AFTER)
        .filter(hidden=False)
        .select_related("category", "assignee")
        .prefetch_related(Prefetch("category__handlers", queryset=access.eligible_handlers()))
        .order_by("created_at", "pk")
    )
    staff = active_staff()
    due: dict[str, Reminder] = {}
    reminded: dict[str, list[int]] = defaultdict(list)
    escalated: dict[str, list[int]] = defaultdict(list)
    for suggestion in late:
        stage = suggestion.late_stage
        if suggestion.first_response_at is None:
            deadline = suggestion.first_response_due()
        else:
            deadline = suggestion.answer_due()
        if suggestion.assignee is not None and suggestion.assignee.is_active:
            handlers = [suggestion.assignee]
        else:
            handlers = [h for h in suggestion.category.handlers.all() if h.is_active] or staff
        kinds = [("feedback-overdue", handlers)]
        reminded[stage].append(suggestion.pk)
        if now > deadline + ESCALATE_AFTER:
            kinds.append(("feedback-escalated", staff))
            escalated[stage].append(suggestion.pk)
        context = {"suggestion": suggestion, "deadline": deadline}
        link = suggestion.get_absolute_url()
        for kind, people in kinds:
            # The words are the same for everyone told of this suggestion at this stage.
            text_key = f"{kind}:{suggestion.pk}:{stage}"
            for person in people:
                key = f"{text_key}:{person.pk}"
                due[key] = Reminder(
                    recipient=person,
                    kind=kind,
                    key=key,
                    context=context,
                    link=link,
                    text_key=text_key,
                )
    told = notify_many(reminders=due.values())
    # One update per stage (four at most), whatever the number of suggestions.
    for field, by_stage in (("overdue_reminded", reminded), ("overdue_escalated", escalated)):
        for stage, pks in by_stage.items():
            Suggestion.objects.filter(pk__any_of=pks).update(**{field: stage})
    return told
