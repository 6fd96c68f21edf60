"""What a member's results page reads: the averages per question over the others' ballots, the
comments without names in an order that tells nothing (the ballots' random ids), and his
self-evaluation beside them. Under the minimum number of ballots only that number shows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from .models import Ballot, Evaluatee, Question


@dataclass
class QuestionResult:
    question: Question
    average: Decimal | None
    own: int | None


@dataclass
class Result:
    evaluatee: Evaluatee
    enough: bool
    min_ballots: int
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    self_comment: str = ""
    has_self: bool = False


def result_of(evaluatee: Evaluatee) -> Result:
    """Two queries: the questions, and the ballots' scores of the self-evaluation and the
    comments (only when there are enough ballots)."""
    min_ballots = settings.EVALUATIONS_MIN_BALLOTS
    enough = evaluatee.ballots >= min_ballots and bool(evaluatee.averages)
    questions = list(evaluatee.campaign.questions.all())
    rows = Ballot.objects.filter(evaluatee=evaluatee).order_by("pk")
    if not enough:
        rows = rows.filter(is_self=True)
    own_scores: dict[str, int] = {}
    result = Result(evaluatee=evaluatee, enough=enough, min_ballots=min_ballots)
    for is_self, scores, comment in rows.values_list("is_self", "scores", "comment"):
        if is_self:
            result.has_self = True
            own_scores = scores
            result.self_comment = comment
        elif comment:
            result.comments.append(comment)
    for question in questions:
        key = str(question.pk)
        average = evaluatee.averages.get(key) if enough else None
        result.questions.append(
            QuestionResult(
                question=question,
                average=Decimal(average) if average is not None else None,
                own=own_scores.get(key),
            )
        )
    return result
