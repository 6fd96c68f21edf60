# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Demo evaluations for `manage.py seed_demo`: last semester's annual appraisal of the demo
branch, closed with its results published and a few final grades recorded by the secretary,
and this semester's mutual evaluation, open, where the demo student may evaluate his tutor.

Deterministic for a seed; dates are counted back from today. Written straight to the tables
(the ballots through their tokens, the results by `compute_results`), so that seeding does not
flood the demo inboxes with notices. Run again, it changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from members.models import Branch, User

from .models import (
    Ballot,
    Campaign,
    Eligibility,
    Evaluatee,
    Grade,
    Kind,
    Question,
    Relation,
    Scope,
    Status,
)
from .relations import eligible_pairs
from .secrecy import tokens_of
from .services.campaigns import compute_results, default_questions, evaluated_people

COMMENTS = [
    "辅导很耐心，讲解清楚。",
    "宿舍联系工作认真负责，经常来看我们。",
    "回复建议很及时。",
    "希望多组织一些学习交流活动。",
    "有时候联系不上，希望能更及时一些。",
    "",
    "",
]


@dataclass
class SeedReport:
    campaigns: int
    ballots: int
    created: bool


def _write(campaign: Campaign, rng: random.Random, share: float) -> int:
    """The campaign's members and eligibilities as opening writes them, and ballots for about
    `share` of them (every self-evaluation of the demo member included)."""
    Question.objects.bulk_create(default_questions(campaign))
    questions = [str(pk) for pk in campaign.questions.values_list("pk", flat=True)]
    people = dict(evaluated_people(campaign).values_list("pk", "branch_id"))
    evaluatees = {
        row.person_id: row
        for row in Evaluatee.objects.bulk_create(
            Evaluatee(campaign=campaign, person_id=pk, branch_id=branch)
            for pk, branch in people.items()
        )
    }
    pairs = eligible_pairs(
        campaign.relations, list(people), campaign.period_start, campaign.period_end
    )
    Eligibility.objects.bulk_create(
        (
            Eligibility(
                campaign=campaign,
                evaluator_id=evaluator,
                evaluatee=evaluatees[person],
                relation=relation,
            )
            for relation, found in pairs.items()
            for evaluator, person in sorted(found)
        ),
        batch_size=5000,
    )
    voters = sorted({pair for found in pairs.values() for pair in found})
    chosen = [pair for pair in voters if rng.random() < share]
    tokens = tokens_of(campaign.pk, [(voter, evaluatees[person].pk) for voter, person in chosen])
    ballots = [
        Ballot(
            campaign=campaign,
            evaluatee=evaluatees[person],
            token=tokens[(voter, evaluatees[person].pk)],
            is_self=voter == person,
            scores={question: rng.choice([3, 4, 4, 5, 5]) for question in questions},
            comment=rng.choice(COMMENTS),
        )
        for voter, person in chosen
    ]
    # In an order that tells nothing either.
    rng.shuffle(ballots)
    Ballot.objects.bulk_create(ballots, batch_size=5000)
    return len(ballots)


def seed_evaluations(*, accounts: dict[str, User], branch: Branch, seed: int = 2016) -> SeedReport:
    if Campaign.objects.exists():
        return SeedReport(
            campaigns=Campaign.objects.count(), ballots=Ballot.objects.count(), created=False
        )
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        appraisal = Campaign.objects.create(
            name=f"{today.year - 1}年度民主评议党员（{branch.name}）",
            kind=Kind.APPRAISAL,
            scope=Scope.BRANCH,
            branch=branch,
            relations=[Relation.SELF, Relation.BRANCH, Relation.GROUP, Relation.TUTEE],
            period_start=today - datetime.timedelta(days=365),
            period_end=today - datetime.timedelta(days=60),
            opens_at=now - datetime.timedelta(days=50),
            closes_at=now - datetime.timedelta(days=40),
            status=Status.OPEN,
            opened_at=now - datetime.timedelta(days=50),
            created_by=accounts["staff"],
        )
        _write(appraisal, rng, share=0.9)
        compute_results(appraisal)
        Campaign.objects.filter(pk=appraisal.pk).update(
            status=Status.PUBLISHED,
            closed_at=now - datetime.timedelta(days=40),
            published_at=now - datetime.timedelta(days=38),
        )
        # The secretary has recorded some final grades, one differing from the computed one.
        graded = list(
            Evaluatee.objects.filter(campaign=appraisal)
            .exclude(computed_grade="")
            .exclude(person=accounts["reviewer"])
            .order_by("person__name")[:3]
        )
        for number, row in enumerate(graded):
            differs = number == 0 and row.computed_grade != Grade.EXCELLENT
            row.final_grade = Grade.EXCELLENT if differs else row.computed_grade
            row.final_reason = "全年坚持为低年级同学辅导，成效突出。" if differs else ""
            row.final_by = accounts["reviewer"]
            row.final_on = today - datetime.timedelta(days=35)
            row.save(update_fields=["final_grade", "final_reason", "final_by", "final_on"])
        mutual = Campaign.objects.create(
            name=f"{today.year}年党群互评（{branch.name}）",
            kind=Kind.MUTUAL,
            scope=Scope.BRANCH,
            branch=branch,
            relations=list(Relation.values),
            period_start=today - datetime.timedelta(days=120),
            period_end=today,
            opens_at=now - datetime.timedelta(days=2),
            closes_at=now + datetime.timedelta(days=12),
            status=Status.OPEN,
            opened_at=now - datetime.timedelta(days=2),
            created_by=accounts["staff"],
        )
        # The demo student has not evaluated his tutor yet: that is his to do.
        _write(mutual, random.Random(seed + 1), share=0.3)  # noqa: S311 - demo data
        Ballot.objects.filter(
            campaign=mutual,
            token__in=tokens_of(
                mutual.pk,
                [
                    (accounts["student"].pk, row.pk)
                    for row in Evaluatee.objects.filter(campaign=mutual)
                ],
            ).values(),
        ).delete()
    return SeedReport(campaigns=2, ballots=Ballot.objects.count(), created=True)
