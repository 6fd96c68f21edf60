"""A campaign's figures for staff: participation by branch and by kind of evaluator (how many of
the possible ballots were cast, never by whom), and the distribution of grades."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from .models import Ballot, Campaign, Eligibility, Evaluatee, Grade, Relation
from .secrecy import tokens_of


@dataclass
class Participation:
    label: str
    possible: int
    cast: int

    @property
    def rate(self) -> int | None:
        return round(100 * self.cast / self.possible) if self.possible else None


def participation(campaign: Campaign) -> tuple[list[Participation], list[Participation]]:
    """By branch (of the evaluated member) and by relation: the ballots possible and cast.
    Three queries; each pair of evaluator and member counts once per branch, and once under
    each relation that makes it."""
    rows = list(
        Eligibility.objects.filter(campaign=campaign).values_list(
            "evaluator_id", "evaluatee_id", "relation", "evaluatee__branch__name"
        )
    )
    tokens = tokens_of(campaign.pk, {(evaluator, evaluatee) for evaluator, evaluatee, *_ in rows})
    cast_tokens = set(Ballot.objects.filter(campaign=campaign).values_list("token", flat=True))
    voted = {pair for pair, token in tokens.items() if token in cast_tokens}
    by_branch: dict[str, set] = defaultdict(set)
    by_relation: dict[str, set] = defaultdict(set)
    for evaluator, evaluatee, relation, branch in rows:
        by_branch[branch or ""].add((evaluator, evaluatee))
        by_relation[relation].add((evaluator, evaluatee))
    branches = [
        Participation(name or _("No branch"), len(pairs), len(pairs & voted))
        for name, pairs in sorted(by_branch.items())
    ]
    relations = [
        Participation(
            Relation(relation).label, len(by_relation[relation]), len(by_relation[relation] & voted)
        )
        for relation in Relation.values
        if relation in by_relation
    ]
    return branches, relations


def grade_counts(rows: QuerySet[Evaluatee]) -> list[tuple[str, str, int]]:
    """(grade, label, members) over a campaign's members `rows` for each grade that stands
    (the final one, else the computed one), and those with too few ballots and no final
    grade. `rows` are those whose results the reader sees (`access.with_results_shown`)."""
    counts = dict(
        rows.values_list(Coalesce(NullIf("final_grade", Value("")), "computed_grade"))
        .annotate(Count("pk"))
        .order_by()
    )
    rows = [(grade, label, counts.get(grade, 0)) for grade, label in Grade.choices]
    rows.append(("", _("Too few ballots"), counts.get("", 0)))
    return rows
