"""The workstation at a glance: what each app adds to the home page, the branch view, the staff
dashboard and the semester report.

The pages live in `workstation` (the top layer), which imports no app to learn what to show:
each app that has something to show registers one *source* here, in its AppConfig.ready(), and
the pages render whatever sources are installed, one panel per app. A new app (peer tutoring,
dorms, evaluations, the development procedure) adds its panel with an object and one line:

    # tutoring/glance.py
    class TutoringGlance(GlanceSource):
        key = "tutoring"                      # stored in the figure cache: never rename it
        title = _("Peer tutoring")
        order = 30                            # panels are shown by this number

        def actions(self, user, now): ...    # my workstation: [Action, ...]
        def compute(self, scope): ...         # the figures: JSON-able numbers, no words
        def panel(self, scope, figures): ...  # words, links and a chart: a Panel or None

    # tutoring/apps.py, in TutoringConfig.ready():
        from common.glance import register
        from .glance import TutoringGlance
        register(TutoringGlance())

The contract:

- `actions(user, now)` returns the person's next actions (`Action`) from this app: what he
  should do and the page where he does it, with an `urgency` (NOW, TODAY, SOON, LATER) and a
  time; the home page shows every source's actions in one list, most urgent first. A fixed
  number of queries, whatever the amount of data.
- `summary(user)` (optional) returns a `Panel` for the person's own home page (his progress,
  his suggestions), or None when the app has nothing of his.
- `compute(scope)` returns the figures of a `Scope` (the whole college or one branch, over a
  period) as a JSON-able dict of numbers and ids, never words: it may be cached (a source with
  `heavy = True` is computed by the periodic task into the cache table and read from there),
  and the page may be read in another language than it was computed in. Aggregate queries, a
  fixed number of them.
- `panel(scope, figures)` turns those figures into a `Panel` in the reader's language: each
  `Figure` with the URL of the filtered list behind it, whose count equals the figure (the
  tests check it); an optional `Chart` (drawn by the vendored Chart.js, its bars linking to
  their lists) and `Table`s (shown on the page and written to the report's sheet). None means
  the app shows nothing for this scope (the suggestion board is not broken down by branch:
  that would narrow down anonymous authors).

Whoever may see the scope (checked by `workstation.access` before any source is asked) sees
every panel of it: a source decides what the figures are, never who sees them.
"""

import datetime
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Urgency(IntEnum):
    NOW = 0  # open now (a sign-in under way)
    TODAY = 1
    SOON = 2  # tomorrow, or a returned entry
    LATER = 3  # whenever he can (a draft to submit)


@dataclass(frozen=True)
class Action:
    """One thing the person should do, and where he does it."""

    urgency: Urgency
    when: datetime.datetime
    label: str
    url: str
    detail: str = ""
    link_text: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.urgency, self.when, self.label)


@dataclass(frozen=True)
class Figure:
    """One figure of a panel, linking to the filtered list behind it (the same count)."""

    key: str
    label: str
    value: Any
    url: str = ""
    suffix: str = ""  # "%", " h"


@dataclass(frozen=True)
class Chart:
    """A chart's data for Chart.js (`kind` "bar" or "doughnut"); `urls[i]` is the list behind
    the i-th bar."""

    key: str
    label: str
    labels: list[str]
    values: list[float]
    urls: list[str] = field(default_factory=list)
    kind: str = "bar"


@dataclass(frozen=True)
class Table:
    """A table behind the figures: its first `ROWS_SHOWN` rows shown on the dashboard, all of
    them on the printable report and in the report's sheet."""

    ROWS_SHOWN = 20

    title: str
    headers: list[str]
    rows: list[list[Any]]

    @property
    def rows_shown(self) -> list[list[Any]]:
        return self.rows[: self.ROWS_SHOWN]

    @property
    def rows_not_shown(self) -> int:
        return max(0, len(self.rows) - self.ROWS_SHOWN)


@dataclass
class Panel:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""
    computed_at: datetime.datetime | None = None  # set by the page for a cached source


@dataclass(frozen=True)
class Scope:
    """The whole college (`branch_id` None) or one branch, over a period of days."""

    branch_id: int | None
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        """How the figure cache names this scope."""
        where = "college" if self.branch_id is None else f"branch-{self.branch_id}"
        return f"{where}:{self.start.isoformat()}:{self.end.isoformat()}"


class GlanceSource:
    """The base of a source: nothing to do, nothing to show. Override what the app has."""

    key: str = ""
    title: Any = ""
    order: int = 100
    heavy: bool = False

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        return []

    def summary(self, user) -> Panel | None:
        return None

    def compute(self, scope: Scope) -> dict | None:
        return None

    def panel(self, scope: Scope, figures: dict) -> Panel | None:
        return None


_sources: dict[str, GlanceSource] = {}


def register(source: GlanceSource) -> GlanceSource:
    """Add a source (once per key, however often it is registered)."""
    _sources.setdefault(source.key, source)
    return source


def sources() -> list[GlanceSource]:
    """The registered sources in the order their panels are shown."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))
