from celery import shared_task

from . import services


@shared_task(name="dorms.send_reminders")
def send_reminders() -> int:
    """Daily: rounds started and ending, follow-ups overdue, plans due for review; each once."""
    return services.send_reminders()
