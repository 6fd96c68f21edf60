"""The writes of the notifications app: record a notice once, e-mail it once, mark it read.

Notice keys. Every notice is recorded under a de-duplication key, unique in the database, and a
key names the *event* the notice is about, never the time it was computed: the same event gives
the same key however often, or however late, it is computed, so a retry, a second run of a sweep
or a second worker records nothing new. Build it from the event's kind and the ids (or the
period) that make it one event, e.g. `feedback-status:<step>`, `probation-ending:<milestone>:
<recipient>`, `study-behind:<enrollment>:<ISO week>` ("behind in week W": once a week is the
rule). A stored time that is part of the event (when the person signed up) may name it; the
clock at the moment of telling (`timezone.now()`) never does, for a retry then finds another key
and the person is told twice. Where one thing can happen several times, name each occurrence by
the row that records it (a step, a history row).
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from common.names import site_names

from . import tasks
from .models import Notice
from .queue import enqueue_on_commit

logger = logging.getLogger(__name__)

EMAIL_BATCH_SIZE = 200
# A sweep sends the e-mails of its notices this many to a task (one broker message each)...
NOTICE_BATCH_SIZE = 500
# ...and inserts its notices this many to a statement: a sweep telling up to this many (everyone
# of a university) asks the database as often as one telling a few, and a larger one keeps its
# memory bounded.
NOTICE_INSERT_SIZE = 20000


@dataclass(frozen=True, eq=False)
class Reminder:
    """One notice a sweep wants recorded: the arguments of `notify`, as data.

    The recipient may be given by his id: `notify_many` then loads only those it tells.
    Reminders with the same `text_key` say the same words to whoever reads them (their
    templates do not name the recipient): their texts are rendered once, for the first.
    """

    recipient: Any
    kind: str
    key: str
    context: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    email: bool = True
    email_to: str = ""
    private: bool = False
    text_key: str = ""


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    key: str,
    context: dict[str, Any] | None = None,
    link: str = "",
    email: bool = True,
    email_to: str = "",
    private: bool = False,
) -> Notice:
    """Record a notice for `recipient` under the de-duplication `key`, once.

    The key names the event, never the time it is computed (see "Notice keys" above). Title
    and body come from `notifications/<kind>-title.txt` and `-body.txt`, rendered in every
    language of the portal, so that the inbox shows the notice in whichever language its
    reader uses then; the title and body fields keep the recipient's language of now. A second
    call with the same key, even a concurrent one, changes nothing and returns the first
    notice. The e-mail goes to `email_to` if given, else to the recipient's address; it is
    enqueued after commit, and if the broker is down it stays pending and
    `send_pending_emails` sends it later. A `private` notice is shown to its recipient only,
    never in the admin.
    """
    existing = Notice.objects.filter(dedup_key=key).first()
    if existing is not None:
        return existing
    draft = _drafts(
        [
            Reminder(
                recipient=recipient,
                kind=kind,
                key=key,
                context=context or {},
                link=link,
                email=email,
                email_to=email_to,
                private=private,
            )
        ]
    )[0]
    notice, created = Notice.objects.get_or_create(
        dedup_key=key, defaults={name: getattr(draft, name) for name in _DRAFT_FIELDS}
    )
    if created and notice.email_wanted:
        enqueue_on_commit(tasks.send_notice_email, notice.pk)
    return notice


def already_told(prefix: str, suffix: str) -> Exists:
    """Whether the notice keyed `<prefix><pk><suffix>` is recorded, for each row of an outer
    query (by its pk): a sweep that keys its reminders so leaves those it has told out before
    it computes anything for them, so that a run that finds everyone told costs little."""
    key = Concat(Value(prefix), Cast(OuterRef("pk"), CharField()), Value(suffix))
    return Exists(Notice.objects.filter(dedup_key=key))


def notify_many(*, reminders: Iterable[Reminder], batch_size: int = NOTICE_BATCH_SIZE) -> int:
    """Record each of `reminders` whose key has no notice yet; returns how many were new.

    What every reminder sweep does once it has found who is due: one query finds the keys
    already recorded (the people already told), the others are rendered as `notify` renders
    them and inserted NOTICE_INSERT_SIZE to a statement, and their e-mails go to the broker
    `batch_size` to a task, after commit. A concurrent run that records the same key first wins
    (the key is unique; this run's row is dropped), and its e-mail is still sent once: sending
    locks the notice. If the broker is down the notices stay pending and `send_pending_emails`
    sends them. Of reminders with the same key, the first is kept.

    Up to NOTICE_INSERT_SIZE people told, the queries do not grow with their number: one to
    look the keys up, one for the recipients given by id, one insert and one to find the new
    notices' ids for the e-mail tasks. Beyond, each further NOTICE_INSERT_SIZE costs an insert
    and a look-up, so that a sweep's memory stays bounded.
    """
    due: dict[str, Reminder] = {}
    for reminder in reminders:
        due.setdefault(reminder.key, reminder)
    if not due:
        return 0
    recorded = set(Notice.objects.filter(dedup_key__in=due).values_list("dedup_key", flat=True))
    new = _with_recipients([r for key, r in due.items() if key not in recorded])
    if not new:
        return 0
    told = 0
    with transaction.atomic():
        for start in range(0, len(new), NOTICE_INSERT_SIZE):
            drafts = _drafts(new[start : start + NOTICE_INSERT_SIZE])
            Notice.objects.bulk_create(drafts, batch_size=NOTICE_INSERT_SIZE, ignore_conflicts=True)
            told += len(drafts)
            _send_emails_of(drafts, batch_size)
    return told


def _send_emails_of(drafts: Sequence[Notice], batch_size: int) -> None:
    """Enqueue, after commit, the e-mails of the notices just inserted from `drafts` (those a
    concurrent run recorded first are not pending here), `batch_size` to a task."""
    emailed = [draft.dedup_key for draft in drafts if draft.email_wanted]
    if not emailed:
        return
    pending = list(
        Notice.objects.email_pending()
        .filter(dedup_key__in=emailed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pending), batch_size):
        enqueue_on_commit(tasks.send_notice_emails, pending[start : start + batch_size])


def _with_recipients(reminders: list[Reminder]) -> list[Reminder]:
    """`reminders` with each recipient given by id loaded (one query); unknown ids are dropped."""
    ids = {reminder.recipient for reminder in reminders if isinstance(reminder.recipient, int)}
    if not ids:
        return reminders
    people = get_user_model().objects.in_bulk(ids)
    return [
        replace(reminder, recipient=people[reminder.recipient])
        if isinstance(reminder.recipient, int)
        else reminder
        for reminder in reminders
        if not isinstance(reminder.recipient, int) or reminder.recipient in people
    ]


# What a drafted notice carries into the database (the rest are defaults).
_DRAFT_FIELDS = (
    "recipient",
    "kind",
    "title",
    "body",
    "texts",
    "link",
    "email_wanted",
    "email_to",
    "private",
)


def _drafts(reminders: Sequence[Reminder]) -> list[Notice]:
    """Unsaved notices for `reminders`, rendered in every language of the portal.

    Title and body come from `notifications/<kind>-title.txt` and `-body.txt` with the
    reminder's context, its recipient and the site's names; the title and body fields keep the
    recipient's own language.
    """
    texts: list[dict[str, dict[str, str]]] = []
    rendered: dict[str, dict[str, dict[str, str]]] = {}
    to_render: list[tuple[Reminder, dict[str, dict[str, str]]]] = []
    for reminder in reminders:
        text = rendered.get(reminder.text_key) if reminder.text_key else None
        if text is None:
            text = {}
            to_render.append((reminder, text))
            if reminder.text_key:
                rendered[reminder.text_key] = text
        texts.append(text)
    templates = {
        kind: (
            get_template(f"notifications/{kind}-title.txt"),
            get_template(f"notifications/{kind}-body.txt"),
        )
        for kind in {reminder.kind for reminder, _text in to_render}
    }
    for language, _name in settings.LANGUAGES:
        site = _site_context(language)
        with translation.override(language):
            for reminder, text in to_render:
                title, body = templates[reminder.kind]
                in_language = {**reminder.context, "recipient": reminder.recipient, **site}
                text[language] = {
                    "title": title.render(in_language).strip()[:200],
                    "body": body.render(in_language).strip(),
                }
    drafts = []
    for reminder, text in zip(reminders, texts, strict=True):
        recipient = reminder.recipient
        own = text.get(recipient.language) or text[settings.LANGUAGE_CODE]
        drafts.append(
            Notice(
                dedup_key=reminder.key,
                recipient=recipient,
                kind=reminder.kind,
                title=own["title"],
                body=own["body"],
                texts=text,
                link=reminder.link,
                email_wanted=reminder.email and bool(reminder.email_to or recipient.email),
                email_to=reminder.email_to,
                private=reminder.private,
            )
        )
    return drafts


def send_notice_email(*, notice_id: int) -> bool:
    """E-mail one pending notice; True if it was sent now.

    The row is locked while sending, so the task sent after commit and the periodic sweep
    never both send it; a notice already sent, given up or locked elsewhere is left alone.

    A worker that dies after the mail server accepted the message and before the notice is
    marked sent sends it again on retry. That window is kept to the marking itself: the
    connection is opened and signed in before the message goes out, the notice is marked and
    committed as soon as the server accepts it, and only then is the connection closed. The
    Message-ID is the notice's own, so a copy sent again is recognisably the same message.
    """
    connection = get_connection()
    try:
        with transaction.atomic():
            notice = (
                Notice.objects.email_pending()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=notice_id)
                .first()
            )
            if notice is None:
                return False
            notice.email_attempts += 1
            try:
                connection.open()
                connection.send_messages([_build_email(notice, connection)])
            except Exception:
                logger.exception(
                    "E-mail for notice %s failed (attempt %s)", notice.pk, notice.email_attempts
                )
                if notice.email_attempts >= settings.NOTICE_EMAIL_MAX_ATTEMPTS:
                    notice.email_failed_at = timezone.now()
                notice.save(update_fields=["email_attempts", "email_failed_at"])
                return False
            notice.emailed_at = timezone.now()
            notice.save(update_fields=["email_attempts", "emailed_at"])
        return True
    finally:
        _close_quietly(connection)


def _close_quietly(connection) -> None:
    """Say goodbye to the mail server; a message it accepted stays sent if this fails."""
    try:
        connection.close()
    except Exception:
        logger.warning("Closing the mail connection failed", exc_info=True)


def send_notice_emails(*, notice_ids: Iterable[int]) -> int:
    """E-mail each of the notices `notice_ids` still pending; returns how many were sent now."""
    return sum(send_notice_email(notice_id=pk) for pk in notice_ids)


def send_pending_emails() -> int:
    """Send the e-mails still pending (broker or SMTP was down); returns how many were sent."""
    pending = Notice.objects.email_pending().order_by("created_at").values_list("pk", flat=True)
    return send_notice_emails(notice_ids=list(pending[:EMAIL_BATCH_SIZE]))


def read_on() -> datetime.datetime:
    """When a notice read now is recorded as read: the day, not the time.

    The time a person reads a notice says when he was using the portal, to the second, which
    staff could set beside the time an anonymous suggestion was submitted or rated.
    """
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


def mark_notice_read(*, actor, notice: Notice) -> list[int]:
    """Mark one of the actor's notices read, with the earlier ones about the same thing.

    Notices that link to the same page are about one thing (a suggestion, an entry, an
    activity): that page shows what the earlier ones said, so opening the newest settles them
    all. Reading a notice twice keeps the first day. Returns the ids of the earlier notices
    marked read with it.
    """
    today = read_on()
    if notice.read_at is None:
        notice.read_at = today
        notice.save(update_fields=["read_at"])
    if not notice.link:
        return []
    earlier = (
        Notice.objects.for_recipient(actor)
        .unread()
        .filter(link=notice.link, created_at__lte=notice.created_at)
        .exclude(pk=notice.pk)
    )
    settled = list(earlier.values_list("pk", flat=True))
    Notice.objects.filter(pk__in=settled).update(read_at=today)
    return settled


def mark_all_notices_read(*, actor) -> int:
    """Mark every unread notice of the actor read; returns how many changed."""
    return Notice.objects.for_recipient(actor).unread().update(read_at=read_on())


def _site_context(language: str) -> dict[str, str]:
    return {**site_names(language), "site_url": settings.SITE_URL}


def _build_email(notice: Notice, connection) -> EmailMultiAlternatives:
    recipient = notice.recipient
    link = notice.link
    if link.startswith("/"):
        link = settings.SITE_URL.rstrip("/") + link
    # The e-mail speaks the recipient's language at sending (only e-mail fields are saved).
    text = notice.text_in(recipient.language)
    notice.title, notice.body = text["title"], text["body"]
    context = {
        "notice": notice,
        "recipient": recipient,
        "link": link,
        **_site_context(recipient.language),
    }
    with translation.override(recipient.language):
        subject = render_to_string("emails/notice-subject.txt", context)
        text = render_to_string("emails/notice-body.txt", context)
        html = render_to_string("emails/notice-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[notice.email_to or recipient.email],
        headers={"Message-ID": _message_id(notice)},
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _message_id(notice: Notice) -> str:
    """One Message-ID per notice, whatever the attempt: mail clients show a copy sent again
    after a lost acknowledgement as the same message."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notice-{notice.pk}@{domain}>"
