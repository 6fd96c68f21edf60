"""Enqueue Celery tasks after the database commits, never failing the request if Redis is down.

Whatever a task was going to do must also be found later by a periodic sweep (for e-mails,
`notifications.tasks.send_pending_emails`), so a lost message costs a delay, never the work.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any) -> bool:
    """Publish `task` now; on a broker failure log it and return False instead of raising."""
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        logger.warning(
            "Could not enqueue %s%r; the periodic sweep will pick it up.", task.name, args
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Publish `task` once the current transaction has committed (at once outside of one)."""
    transaction.on_commit(lambda: enqueue(task, *args))
