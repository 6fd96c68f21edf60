"""The writes of the notifications app: record a notice once, e-mail it once, mark it read."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

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
) -> Notice:
    """Record a notice for `recipient` under the de-duplication `key`, once.

    Title and body come from `notifications/<kind>-title.txt` and `-body.txt`, rendered in
    every language of the portal, so that the inbox shows the notice in whichever language its
    reader uses then; the title and body fields keep the recipient's language of now. A second
    call with the same key, even a concurrent one, changes nothing and returns the first
    notice. The e-mail is enqueued after commit; if the broker is down it stays pending and
    `send_pending_emails` sends it later.
    """
    existing = Notice.objects.filter(dedup_key=key).first()
    if existing is not None:
        return existing
    context = {**(context or {}), "recipient": recipient, **_site_context()}
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = {
                "title": render_to_string(f"notifications/{kind}-title.txt", context).strip()[:200],
                "body": render_to_string(f"notifications/{kind}-body.txt", context).strip(),
            }
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
            "email_wanted": email and bool(recipient.email),
        },
    )
    if created and notice.email_wanted:
        enqueue_on_commit(tasks.send_notice_email, notice.pk)
    return notice


def send_notice_email(*, notice_id: int) -> bool:
    """E-mail one pending notice; True if it was sent now.

    The row is locked while sending, so the task sent after commit and the periodic sweep
    never both send it; a notice already sent, given up or locked elsewhere is left alone.
    """
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
            _build_email(notice).send()
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


def send_pending_emails() -> int:
    """Send the e-mails still pending (broker or SMTP was down); returns how many were sent."""
    pending = Notice.objects.email_pending().order_by("created_at").values_list("pk", flat=True)
    return sum(send_notice_email(notice_id=pk) for pk in list(pending[:EMAIL_BATCH_SIZE]))


def mark_notice_read(*, actor, notice: Notice) -> list[int]:
    """Mark one of the actor's notices read, with the earlier ones about the same thing.

    Notices that link to the same page are about one thing (a suggestion, an entry, an
    activity): that page shows what the earlier ones said, so opening the newest settles them
    all. Reading a notice twice keeps the first time. Returns the ids of the earlier notices
    marked read with it.
    """
    now = timezone.now()
    if notice.read_at is None:
        notice.read_at = now
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
    Notice.objects.filter(pk__in=settled).update(read_at=now)
    return settled


def mark_all_notices_read(*, actor) -> int:
    """Mark every unread notice of the actor read; returns how many changed."""
    return Notice.objects.for_recipient(actor).unread().update(read_at=timezone.now())


def _site_context() -> dict[str, str]:
    return {
        "site_name": settings.SITE_NAME,
        "college_name": settings.COLLEGE_NAME,
        "site_url": settings.SITE_URL,
    }


def _build_email(notice: Notice) -> EmailMultiAlternatives:
    recipient = notice.recipient
    link = notice.link
    if link.startswith("/"):
        link = settings.SITE_URL.rstrip("/") + link
    # The e-mail speaks the recipient's language at sending (only e-mail fields are saved).
    text = notice.text_in(recipient.language)
    notice.title, notice.body = text["title"], text["body"]
    context = {"notice": notice, "recipient": recipient, "link": link, **_site_context()}
    with translation.override(recipient.language):
        subject = render_to_string("emails/notice-subject.txt", context)
        text = render_to_string("emails/notice-body.txt", context)
        html = render_to_string("emails/notice-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message
