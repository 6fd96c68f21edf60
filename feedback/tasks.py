from celery import shared_task

from . import services


@shared_task(name="feedback.remind_overdue")
def remind_overdue() -> int:
    """Hourly: remind the handlers of overdue suggestions, then escalate to staff; each once."""
    return services.remind_overdue()


@shared_task(name="feedback.deliver_anonymous_news")
def deliver_anonymous_news() -> int:
    """Hourly: tell the authors of anonymous suggestions, in one batch, that there is news.

    The batch keeps its own time: run more often, or by hand, it goes no sooner."""
    return services.deliver_anonymous_news()
