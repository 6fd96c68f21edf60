"""The writes of the notifications app: record a notice once, e-mail it once, mark it read."""

import datetime
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.names import site_names

from . import tasks
from .models import Notice
from .queue import enqueue_on_commit

logger = logging.getLogger(__name__)

EMAIL_BATCH_SIZE = 200


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

    Title and body come from `notifications/<kind>-title.txt` and `-body.txt`, rendered in
    every language of the portal, so that the inbox shows the notice in whichever language its
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
    context = {**(context or {}), "recipient": recipient}
    texts = {}
    for language, _name in settings.LANGUAGES:
        in_language = {**context, **_site_context(language)}
        with translation.override(language):
            title = render_to_string(f"notifications/{kind}-title.txt", in_language).strip()
            body = render_to_string(f"notifications/{kind}-body.txt", in_language).strip()
        texts[language] = {"title": title[:200], "body": body}
    own = texts.get(recipient.language) or texts[settings.LANGUAGE_CODE]
    notice, created = Notice.objects.get_or_create(
        dedup_key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "title": own["title"],
            "body": own["body"],
            "texts": texts,
            "link": link,
            "email_wanted": email and bool(email_to or recipient.email),
            "email_to": email_to,
            "private": private,
        },
    )
    if created and notice.email_wanted:
        enqueue_on_commit(tasks.send_notice_email, notice.pk)
    return notice


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


def send_pending_emails() -> int:
    """Send the e-mails still pending (broker or SMTP was down); returns how many were sent."""
    pending = Notice.objects.email_pending().order_by("created_at").values_list("pk", flat=True)
    return sum(send_notice_email(notice_id=pk) for pk in list(pending[:EMAIL_BATCH_SIZE]))


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
