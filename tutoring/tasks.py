from celery import shared_task

from . import services


@shared_task(name="tutoring.remind_quiet_pairings")
def remind_quiet_pairings() -> int:
    """Daily: remind both sides of quiet pairings, then staff; each once per quiet spell."""
    return services.remind_quiet_pairings()


@shared_task(name="tutoring.remind_waiting")
def remind_waiting() -> int:
    """Hourly: staff of requests waiting for a proposal, tutors of proposals unanswered."""
    return services.remind_waiting()


@shared_task(name="tutoring.send_check_ins")
def send_check_ins() -> int:
    """Daily: the check-in surveys that are due, each tutee told once per survey."""
    return services.send_check_ins()
