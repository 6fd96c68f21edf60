"""Celery tasks of the notifications app: thin, idempotent wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="notifications.send_notice_email")
def send_notice_email(notice_id: int) -> bool:
    return services.send_notice_email(notice_id=notice_id)


@shared_task(name="notifications.send_notice_emails")
def send_notice_emails(notice_ids: list[int]) -> int:
    """The e-mails of a batch of notices a sweep recorded: one broker message for the batch."""
    return services.send_notice_emails(notice_ids=notice_ids)


@shared_task(name="notifications.send_pending_emails")
def send_pending_emails() -> int:
    return services.send_pending_emails()
