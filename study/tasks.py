"""The study track's periodic sweeps: each finds who to remind and records each notice once."""

from celery import shared_task

from . import overview
from .services import activities, track


@shared_task(name="study.remind_activity_tomorrow")
def remind_activity_tomorrow() -> int:
    """Hourly: everyone with a place at an activity starting tomorrow, told once."""
    return activities.remind_activity_tomorrow()


@shared_task(name="study.remind_behind_schedule")
def remind_behind_schedule() -> int:
    """Daily check, weekly notice: participants behind their plan's schedule, once a week."""
    return track.remind_behind_schedule()


@shared_task(name="study.remind_review_queue")
def remind_review_queue() -> int:
    """Daily: reviewers with entries waiting more than three days, once a day."""
    return track.remind_review_queue()


@shared_task(name="study.refresh_overviews")
def refresh_overviews() -> int:
    """Every few minutes: the staff overview's figures of the plans under way, computed again."""
    return overview.refresh()
