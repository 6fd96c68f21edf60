"""An inspection's total score: the weighted share of the marks earned, out of 100.

An item on the 0-5 scale earns value/5 of its weight, a pass/fail item all of it or nothing;
the total is the sum earned over the sum of the weights, times 100, to one decimal place.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .models import Answer


def total_score(answers: Iterable[Answer]) -> Decimal:
    answers = list(answers)
    weights = sum(answer.weight for answer in answers)
    if not weights:
        return Decimal("0.0")
    earned = sum((answer.weight * answer.fraction for answer in answers), Decimal(0))
    return (earned * 100 / weights).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
