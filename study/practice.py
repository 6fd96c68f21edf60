"""Stage 3's practice records, counted by the apps where the practice happens.

A practice source is an object kept in the app that owns the records (copy
`feedback/practice.py`):

- `key`: a short stable name, stored in requirements (never rename it);
- `label`: what the records are, lazily translated (shown in requirements and progress);
- `counts_what`: which records count, lazily translated; only approved or confirmed records
  ever count, never drafts, pending, hidden or declined ones;
- `count(person_ids, start, end) -> {person_id: records}`: how many counted records each
  person has dated within [start, end], for any number of people in a fixed number of queries
  (people with none may be left out).

The lower app does not import `study`: `StudyConfig.ready` imports its source and registers it
here, one line per app. `study.checks` refuses at start-up a requirement naming a key that is
not registered, so a plan can never wait for records that nobody counts.
"""

import datetime
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable


@runtime_checkable
class PracticeSource(Protocol):
    key: str
    label: str
    counts_what: str

    def count(
        self, person_ids: Collection[int], start: datetime.date, end: datetime.date
    ) -> dict[int, int]: ...


_sources: dict[str, PracticeSource] = {}


def register(source: PracticeSource) -> PracticeSource:
    """Add a source (again is harmless); a second source under a taken key is a mistake."""
    if not isinstance(source, PracticeSource) or not source.key:
        raise TypeError(f"{source!r} is not a practice source (key, label, counts_what, count).")
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
    """Each known source's counts for the people; one call per source, none per person."""
    return {
        key: _sources[key].count(person_ids, start, end)
        for key in sorted(set(keys))
        if key in _sources
    }
