"""A campaign's life: it opens (who evaluates whom is written down, evaluators are told), reminds
those who have not voted two days before it closes, closes (the results are computed once) and
publishes its results (members are told). `advance_campaigns` does each when it is due and is
safe to run any number of times."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from members.access import is_staff
from notifications.services import Reminder, notify_many

from ..models import (
    Ballot,
    Campaign,
    Eligibility,
    Evaluatee,
    Question,
    Scope,
    Status,
)
from ..populations import study_plans
from ..relations import eligible_pairs
from ..secrecy import tokens_of

# The reminder to vote goes this long before the campaign closes.
CLOSING_REMINDER = datetime.timedelta(days=2)
CENT = Decimal("0.01")


DEFAULT_QUESTIONS = [
    gettext_noop("Ideals and convictions: firm, and shown in what he does"),
    gettext_noop("Serving fellow students: willing, patient and effective"),
    gettext_noop("Study: works hard and sets an example"),
    gettext_noop("Discipline: keeps the Party's rules and the college's"),
    gettext_noop("Conduct: honest, modest and close to fellow students"),
]


def default_questions(campaign: Campaign) -> list[Question]:
    """The questions a campaign gets when staff give none: in Chinese, and in English for
    those who read the portal in English, whoever opens it."""
    questions = []
    for position, text in enumerate(DEFAULT_QUESTIONS, start=1):
        with translation.override(settings.LANGUAGE_CODE):
            chinese = _(text)
        with translation.override("en"):
            english = _(text)
        questions.append(
            Question(campaign=campaign, text=chinese, text_en=english, position=position)
        )
    return questions


def min_ballots() -> int:
    return settings.EVALUATIONS_MIN_BALLOTS


def evaluated_people(campaign: Campaign):
    """The active people the campaign evaluates, by its scope."""
    User = get_user_model()
    if campaign.scope == Scope.STUDY_PLAN:
        source = study_plans()
        people = source.people(campaign.study_plan_id) if source else User.objects.none()
    elif campaign.scope == Scope.BRANCH:
        people = User.objects.party_members().filter(branch_id=campaign.branch_id)
    else:
        people = User.objects.party_members()
    return people.filter(is_active=True)


@transaction.atomic
def open_campaign(*, campaign: Campaign, now: datetime.datetime | None = None) -> bool:
    """Open a campaign whose window has begun: its evaluated members and who may evaluate each
    (and why) are written down, and every evaluator is told once. False when it was not due
    (or is open already)."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Status.DRAFT or campaign.opens_at > now:
        return False
    if not campaign.questions.exists():
        Question.objects.bulk_create(default_questions(campaign))
    people = dict(evaluated_people(campaign).values_list("pk", "branch_id"))
    evaluatees = Evaluatee.objects.bulk_create(
        Evaluatee(campaign=campaign, person_id=pk, branch_id=branch)
        for pk, branch in people.items()
    )
    by_person = {evaluatee.person_id: evaluatee.pk for evaluatee in evaluatees}
    pairs = eligible_pairs(
        campaign.relations, list(people), campaign.period_start, campaign.period_end
    )
    rows = [
        Eligibility(
            campaign=campaign,
            evaluator_id=evaluator,
            evaluatee_id=by_person[evaluated],
            relation=relation,
        )
        for relation, found in pairs.items()
        for evaluator, evaluated in found
    ]
    Eligibility.objects.bulk_create(rows, batch_size=5000)
    campaign.status = Status.OPEN
    campaign.opened_at = now
    campaign.save(update_fields=["status", "opened_at"])
    evaluators = {row.evaluator_id for row in rows}
    _tell(campaign, evaluators, kind="evaluations-open", link=reverse("evaluations:mine"))
    return True


def evaluators_yet_to_vote(campaign: Campaign) -> set[int]:
    """The evaluators of `campaign` with at least one member still to evaluate: each
    eligibility's token is recomputed and looked for among the ballots."""
    wanted = set(
        Eligibility.objects.filter(campaign=campaign).values_list("evaluator_id", "evaluatee_id")
    )
    tokens = tokens_of(campaign.pk, wanted)
    cast = set(Ballot.objects.filter(campaign=campaign).values_list("token", flat=True))
    return {evaluator for (evaluator, _), token in tokens.items() if token not in cast}


@transaction.atomic
def remind_closing(*, campaign: Campaign, now: datetime.datetime | None = None) -> int:
    """Two days before an open campaign closes, tell each evaluator who has not cast all his
    ballots, once. Returns how many were told."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Status.OPEN or campaign.closing_reminded_at is not None:
        return 0
    if not (campaign.closes_at - CLOSING_REMINDER <= now < campaign.closes_at):
        return 0
    told = _tell(
        campaign,
        evaluators_yet_to_vote(campaign),
        kind="evaluations-closing",
        link=reverse("evaluations:mine"),
        closes_at=campaign.closes_at,
    )
    campaign.closing_reminded_at = now
    campaign.save(update_fields=["closing_reminded_at"])
    return told


def _quantized(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_results(campaign: Campaign) -> None:
    """Each member's results over the others' ballots (the self-evaluation apart): the number
    of ballots, the average per question and overall, and the grade by the campaign's
    thresholds. Under the minimum number of ballots nothing but their number is kept."""
    question_ids = [str(pk) for pk in campaign.questions.values_list("pk", flat=True)]
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[int, int] = defaultdict(int)
    ballots = Ballot.objects.filter(campaign=campaign, is_self=False).values_list(
        "evaluatee_id", "scores"
    )
    for evaluatee_id, given in ballots.iterator(chunk_size=2000):
        counts[evaluatee_id] += 1
        for question in question_ids:
            if question in given:
                scores[evaluatee_id][question].append(int(given[question]))
    evaluatees = list(Evaluatee.objects.filter(campaign=campaign))
    for evaluatee in evaluatees:
        evaluatee.ballots = counts.get(evaluatee.pk, 0)
        given = scores.get(evaluatee.pk, {})
        if evaluatee.ballots < min_ballots() or not given:
            evaluatee.averages, evaluatee.average, evaluatee.computed_grade = {}, None, ""
            continue
        averages = {
            question: _quantized(Decimal(sum(values)) / len(values))
            for question, values in given.items()
            if values
        }
        evaluatee.averages = {question: str(value) for question, value in averages.items()}
        evaluatee.average = _quantized(sum(averages.values()) / len(averages))
        evaluatee.computed_grade = campaign.grade_of(evaluatee.average)
    Evaluatee.objects.bulk_update(
        evaluatees, ["ballots", "averages", "average", "computed_grade"], batch_size=2000
    )


@transaction.atomic
def close_campaign(*, campaign: Campaign, now: datetime.datetime | None = None) -> bool:
    """Close an open campaign whose window is over and compute its results, once."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Status.OPEN or campaign.closes_at > now:
        return False
    compute_results(campaign)
    campaign.status = Status.CLOSED
    campaign.closed_at = now
    campaign.save(update_fields=["status", "closed_at"])
    return True


@transaction.atomic
def publish_results(*, actor, campaign: Campaign) -> int:
    """Staff publish a closed campaign's results: each member sees his own and is told, once."""
    if not is_staff(actor):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Status.PUBLISHED:
        return 0
    if campaign.status != Status.CLOSED:
        raise ValidationError(_("Results are published once voting has closed."))
    campaign.status = Status.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["status", "published_at"])
    links = {
        person: reverse("evaluations:result", args=[pk])
        for pk, person in Evaluatee.objects.filter(campaign=campaign).values_list("pk", "person_id")
    }
    return _tell(campaign, links, kind="evaluations-published", link=links)


def advance_campaigns(now: datetime.datetime | None = None) -> dict[str, int]:
    """Open the campaigns due to open, remind those closing within two days, close those due
    to close. Each step happens once, however often this runs."""
    now = now or timezone.now()
    done = {"opened": 0, "reminded": 0, "closed": 0}
    for campaign in Campaign.objects.due_to_open(now):
        done["opened"] += open_campaign(campaign=campaign, now=now)
    for campaign in Campaign.objects.filter(
        status=Status.OPEN,
        closing_reminded_at__isnull=True,
        closes_at__gt=now,
        closes_at__lte=now + CLOSING_REMINDER,
    ):
        done["reminded"] += remind_closing(campaign=campaign, now=now)
    for campaign in Campaign.objects.due_to_close(now):
        done["closed"] += close_campaign(campaign=campaign, now=now)
    return done


def _tell(campaign: Campaign, person_ids, *, kind: str, link: str | dict, **context) -> int:
    """Tell each active person of `person_ids` of the campaign, once per campaign and kind;
    `link` is the same for all, or each person's by his id."""
    User = get_user_model()
    active = User.objects.filter(pk__in=list(person_ids), is_active=True).values_list(
        "pk", flat=True
    )
    return notify_many(
        reminders=(
            Reminder(
                recipient=pk,
                kind=kind,
                key=f"{kind}:{campaign.pk}:{pk}",
                context={"campaign": campaign.name, **context},
                link=link[pk] if isinstance(link, dict) else link,
            )
            for pk in active
        )
    )
