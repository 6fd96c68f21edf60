"""One practice source's counts, as the study track reads them (`study.practice`)."""

import datetime
from collections.abc import Collection

from study.practice import PracticeSource, practice_counts


def counts_of(
    source: PracticeSource, person_ids: Collection[int], start: datetime.date, end: datetime.date
) -> dict[int, int]:
    return practice_counts([source.key], person_ids, start, end)[source.key]
