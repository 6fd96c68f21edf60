"""The study track's periodic sweeps: each finds who to remind and records each notice once."""

from celery import shared_task

from .services import activities


@shared_task(name="study.remind_activity_tomorrow")
def remind_activity_tomorrow() -> int:
    """Hourly: everyone with a place at an activity starting tomorrow, told once."""
    return activities.remind_activity_tomorrow()
