"""The writes of the notifications app: record a notice once, e-mail it once, mark it read."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
) -> Notice:
    """Record a notice for `recipient` under the de-duplication `key`, once.

    Title and body come from `notifications/<kind>-title.txt` and `-body.txt`, rendered in the
    recipient's language. A second call with the same key, even a concurrent one, changes
    nothing and returns the first notice. The e-mail is enqueued after commit; if the broker is
    down it stays pending and `send_pending_emails` sends it later.
    """
    existing = Notice.objects.filter(dedup_key=key).first()
    if existing is not None:
        return existing
    context = {**(context or {}), "recipient": recipient, **_site_context(recipient.language)}
    with translation.override(recipient.language):
        title = render_to_string(f"notifications/{kind}-title.txt", context).strip()
        body = render_to_string(f"notifications/{kind}-body.txt", context).strip()
    notice, created = Notice.objects.get_or_create(
        dedup_key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "title": title[:200],
            "body": body,
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


def mark_notice_read(*, actor, notice: Notice) -> None:
    """Mark one of the actor's notices read (reading it twice keeps the first time)."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_notices_read(*, actor) -> int:
    """Mark every unread notice of the actor read; returns how many changed."""
    return Notice.objects.for_recipient(actor).unread().update(read_at=timezone.now())


def _site_context(language: str) -> dict[str, str]:
    return {**site_names(language), "site_url": settings.SITE_URL}


def _build_email(notice: Notice) -> EmailMultiAlternatives:
    recipient = notice.recipient
    link = notice.link
    if link.startswith("/"):
        link = settings.SITE_URL.rstrip("/") + link
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
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message
