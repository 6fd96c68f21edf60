"""Stage 3's practice records, counted by the apps where the practice happens.

A practice source is an object kept in the app that owns the records (copy
`feedback/practice.py`):

- `key`: a short stable name, stored in requirements (never rename it);
- `label`: what the records are, lazily translated (shown in requirements and progress);
- `counts_what`: which records count, lazily translated; only approved or confirmed records
  ever count, never drafts, pending, hidden or declined ones;
- `counted(person_ids, start, end) -> QuerySet`: how many counted records each person has
  dated within [start, end], as rows of `for_person` and `number` (`.values(for_person=...)
  .annotate(number=...)`, no ordering; people with none may be left out). The queries of
  every source a plan counts are run together, as one (`practice_counts`).

The lower app does not import `study`: `StudyConfig.ready` imports its source and registers it
here, one line per app. `study.checks` refuses at start-up a requirement naming a key that is
not registered, so a plan can never wait for records that nobody counts.
"""

import datetime
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from django.db.models import QuerySet, Value


@runtime_checkable
class PracticeSource(Protocol):
    key: str
    label: str
    counts_what: str

    def counted(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> QuerySet: ...


_sources: dict[str, PracticeSource] = {}


def register(source: PracticeSource) -> PracticeSource:
    """Add a source (again is harmless); a second source under a taken key is a mistake."""
    if not isinstance(source, PracticeSource) or not source.key:
        raise TypeError(f"{source!r} is not a practice source (key, label, counts_what, counted).")
    known = _sources.get(source.key)
    if known is not None and known is not source:
        raise ValueError(f"Two practice sources use the key {source.key!r}.")
    _sources[source.key] = source
    return source


def unregister(key: str) -> None:
    _sources.pop(key, None)


@contextmanager
def registered(source: PracticeSource) -> Iterator[PracticeSource]:
    """The source registered for the duration of the block (for tests)."""
    register(source)
    try:
        yield source
    finally:
        unregister(source.key)


def get_source(key: str) -> PracticeSource | None:
    return _sources.get(key)


def practice_sources() -> list[PracticeSource]:
    """Every registered source, in the order of registration."""
    return list(_sources.values())


def practice_source_choices() -> list[tuple[str, str]]:
    """The choices of a practice requirement: every registered source."""
    return [(source.key, source.label) for source in _sources.values()]


def practice_label(keys: Collection[str]) -> str:
    """The sources' labels, any of which counts; an unknown key is shown as it is stored."""
    return " / ".join(str(_sources[key].label) if key in _sources else key for key in keys)


def practice_counts(
    keys: Collection[str], person_ids: Collection[int], start: datetime.date, end: datetime.date
) -> dict[str, dict[int, int]]:
    """Each known source's counts for the people: one query for all the sources, none per
    person or per source."""
    known = sorted(key for key in set(keys) if key in _sources)
    counts: dict[str, dict[int, int]] = {key: {} for key in known}
    if not known or not person_ids:
        return counts
    queries = [
        _sources[key]
        .counted(person_ids, start, end)
        .annotate(source=Value(key))
        .values_list("source", "for_person", "number")
        for key in known
    ]
    for key, person_id, number in queries[0].union(*queries[1:], all=True):
        counts[key][person_id] = number
    return counts
