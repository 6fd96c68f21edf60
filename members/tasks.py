from celery import shared_task

from . import services


@shared_task(name="members.remind_probation_ending")
def remind_probation_ending() -> int:
    """Daily: probations ending within 30 days, told once to staff and the branch secretary."""
    return services.remind_probation_ending()
