"""Enqueue Celery tasks after the database commits, never failing the request if Redis is down.

Whatever a task was going to do must also be found later by a periodic sweep (for e-mails,
`notifications.tasks.send_pending_emails`), so a lost message costs a delay, never the work.
"""

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failed publish, this process stops trying for a while, so that a request that
# enqueues many tasks does not wait for one broker timeout per task.
BROKER_RETRY_AFTER_SECONDS = 30.0
_broker_down_until = 0.0


def enqueue(task: Task, *args: Any) -> bool:
    """Publish `task` now; on a broker failure log it and return False instead of raising."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.info("Broker recently down; %s%r left to the periodic sweep.", task.name, args)
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning(
            "Could not enqueue %s%r; the periodic sweep will pick it up.", task.name, args
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Publish `task` once the current transaction has committed (at once outside of one)."""
    transaction.on_commit(lambda: enqueue(task, *args))


def forget_broker_failures() -> None:
    """Try the broker again at the next publish (used when the broker is known to be back)."""
    global _broker_down_until
    _broker_down_until = 0.0
