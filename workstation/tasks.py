import datetime

from celery import shared_task

from common.glance import Scope

from . import figures


@shared_task(name="workstation.refresh_figures")
def refresh_figures(branch_id: int | None = None, start: str = "", end: str = "") -> int:
    """Hourly: the dashboards' heavy figures for the college and every branch, this and last
    semester. With a scope (a staff member's "Compute again"), only that scope."""
    if start and end:
        scope = Scope(
            branch_id, datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        )
        return figures.refresh([scope])
    return figures.refresh(figures.standard_scopes())
