"""Stage 3's practice records, counted by the apps where the practice happens.

A practice source is one small function in its own app:

    def counts(person_ids: Collection[int], start: date, end: date) -> dict[int, int]

returning, in one query, how many records each person has dated within [start, end] (people
with none may be left out). Adding a source is one line in PRACTICE_SOURCES; study's models do
not change, because the requirement stores the source's key and asks this module for its label.
"""

import datetime
from collections.abc import Callable, Collection
from importlib import import_module

from django.utils.translation import gettext_lazy as _

Counter = Callable[[Collection[int], datetime.date, datetime.date], dict[int, int]]

# key -> (label, "module.function" of the counting function)
PRACTICE_SOURCES: dict[str, tuple[str, str]] = {
    "suggestions": (_("Suggestions answered"), "feedback.practice.handled_counts"),
}


def practice_source_choices() -> list[tuple[str, str]]:
    """The choices of a practice requirement: every source registered above."""
    return [(key, label) for key, (label, _path) in PRACTICE_SOURCES.items()]


def practice_counter(key: str) -> Counter:
    """The counting function of the source `key`."""
    module, _sep, name = PRACTICE_SOURCES[key][1].rpartition(".")
    return getattr(import_module(module), name)
