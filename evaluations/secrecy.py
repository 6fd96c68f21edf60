"""The keyed hash that stands in for the evaluator on his ballot.

`ballot_token(campaign_id, evaluator_id, evaluatee_id)` is HMAC-SHA256 under the anonymity key of
the suggestion board (`feedback.anonymity.anonymity_key`) with a salt of its own. The ballot
stores only the token: the evaluator finds his own ballot again by recomputing it, and whether
someone has voted is found the same way, without storing anything next to his name. Nobody
reading the tables, an export or the admin can tell whose ballot a row is.
"""

from collections.abc import Iterable

from django.utils.crypto import salted_hmac

from feedback.anonymity import anonymity_key

BALLOT_SALT = "evaluations.ballot"


def tokens_of(campaign_id: int, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The token of each (evaluator id, evaluatee id) pair."""
    key = anonymity_key()
    return {
        (evaluator, evaluatee): salted_hmac(
            BALLOT_SALT, f"{campaign_id}:{evaluator}:{evaluatee}", secret=key, algorithm="sha256"
        ).hexdigest()
        for evaluator, evaluatee in pairs
    }


def ballot_token(campaign_id: int, evaluator_id: int, evaluatee_id: int) -> str:
    return tokens_of(campaign_id, [(evaluator_id, evaluatee_id)])[(evaluator_id, evaluatee_id)]
