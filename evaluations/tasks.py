from celery import shared_task

from . import services


@shared_task(name="evaluations.advance_campaigns")
def advance_campaigns() -> dict[str, int]:
    """Hourly: open the campaigns due, remind evaluators two days before the close, close and
    compute the results of those due; each once."""
    return services.advance_campaigns()
