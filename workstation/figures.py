"""The panels of a scope and a person's next actions, gathered from every registered source
(`common.glance`); the heavy sources' figures come from the cache table.

A heavy source is computed by the periodic task `workstation.refresh_figures` (this and last
semester, the college and every active branch), by a staff member's "Compute again", or, the
first time a scope is opened, by the page itself; the page shows when they were computed.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from common.glance import Action, Panel, Scope, sources
from members.models import Branch

from .models import FigureSnapshot
from .periods import standard_periods

ACTIONS_SHOWN = 30
# Snapshots of ranges chosen by hand are kept this long after they were computed.
KEEP_SNAPSHOTS_DAYS = 7


def panels(scope: Scope) -> list[Panel]:
    """Every source's panel for `scope`, in order; one query for the cached figures."""
    cached = {
        snapshot.source: snapshot for snapshot in FigureSnapshot.objects.filter(scope=scope.key)
    }
    shown = []
    for source in sources():
        computed_at = None
        if source.heavy:
            snapshot = cached.get(source.key) or store(source, scope)
            figures, computed_at = snapshot.figures, snapshot.computed_at
        else:
            figures = source.compute(scope)
        panel = source.panel(scope, figures)
        if panel is not None:
            panel.computed_at = computed_at
            shown.append(panel)
    return shown


def store(source, scope: Scope) -> FigureSnapshot:
    """Compute a source's figures for `scope` now and keep them."""
    snapshot, _created = FigureSnapshot.objects.update_or_create(
        source=source.key,
        scope=scope.key,
        defaults={"figures": source.compute(scope), "computed_at": timezone.now()},
    )
    return snapshot


def standard_scopes(today: datetime.date | None = None) -> list[Scope]:
    """The college and every active branch, for this and last semester."""
    branch_ids = [None, *Branch.objects.filter(is_active=True).values_list("pk", flat=True)]
    return [
        Scope(branch_id, period.start, period.end)
        for period in standard_periods(today)
        for branch_id in branch_ids
    ]


def refresh(scopes: list[Scope]) -> int:
    """Compute the heavy sources of `scopes` again; forget old snapshots. Returns how many."""
    heavy = [source for source in sources() if source.heavy]
    count = 0
    for scope in scopes:
        for source in heavy:
            with transaction.atomic():
                store(source, scope)
            count += 1
    cutoff = timezone.now() - datetime.timedelta(days=KEEP_SNAPSHOTS_DAYS)
    FigureSnapshot.objects.filter(computed_at__lt=cutoff).delete()
    return count


def actions_for(user, now: datetime.datetime | None = None) -> list[Action]:
    """The person's next actions from every source, most urgent first."""
    now = now or timezone.now()
    actions = [action for source in sources() for action in source.actions(user, now)]
    return sorted(actions, key=lambda action: action.sort_key)[:ACTIONS_SHOWN]


def summaries_for(user) -> list[Panel]:
    """The person's own panels (his progress, his suggestions) from every source."""
    return [panel for source in sources() if (panel := source.summary(user)) is not None]
