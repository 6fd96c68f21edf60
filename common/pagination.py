"""Lists sorted by the name of a Party branch, paged without sorting everyone.

A list of people (or of their rows) sorted on a column of another table makes PostgreSQL join
and sort every row to hand out one page: 10-13 ms of the database for the directory of a
university of 20,000. Split in two, the same list is cheap: the rows whose branch is known walk
the branches' index on their name (a nested loop, sorted within each branch as it goes), and
the rows with no branch, which sort last, follow in an order of their own.
"""

from collections.abc import Sequence

from django.db.models import QuerySet


class BranchFirst(Sequence):
    """`rows` ordered by `branch`'s name, then by `then`; the rows with no branch last, ordered
    by `then`. The same rows, in the same order, as `rows.order_by(f"{branch}__name", *then)`;
    for a `Paginator`, which counts the rows once and slices a page: the first page costs the
    count and the page (and one more query where the rows with a branch end on it), a later
    page one query more, for the count of the rows with a branch."""

    def __init__(self, rows: QuerySet, branch: str, then: Sequence) -> None:
        self.rows = rows
        self.with_branch = rows.filter(**{f"{branch}__isnull": False})
        self.placed = rows.filter(**{f"{branch}__name__isnull": False}).order_by(
            f"{branch}__name", *then
        )
        self.unplaced = rows.filter(**{f"{branch}__isnull": True}).order_by(*then)

    def count(self) -> int:
        return self.rows.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("BranchFirst is read a page (a slice with an end) at a time")
        start, stop = index.start or 0, index.stop
        if start == 0:
            # The first page, the one opened most: where the rows with a branch end is known
            # from the rows read, when they end on it.
            rows = list(self.placed[:stop])
            if len(rows) == stop:
                return rows
            placed = len(rows)
        else:
            # A later page: the rows with a branch are counted, so that a page after them all
            # does not walk them all first.
            placed = self.with_branch.order_by().count()
            rows = list(self.placed[start:stop]) if start < placed else []
        if stop > placed:
            rows += self.unplaced[max(start - placed, 0) : stop - placed]
        return rows
