from celery import shared_task

from . import services


@shared_task(name="members.remind_probation_ending")
def remind_probation_ending() -> int:
    """Daily: probations ending within 30 days, told once to staff and the branch secretary."""
    return services.remind_probation_ending()


@shared_task(name="members.remind_development")
def remind_development() -> int:
    """Daily: what the development procedure asks of branch secretaries soon, and probationary
    members whose probation ends within 30 days; each told once per due date."""
    return services.remind_development()
