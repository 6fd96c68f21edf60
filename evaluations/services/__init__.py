"""The writes of the evaluations: one function per use case."""

from .appraisal import record_final_grade
from .ballots import cast_ballot, own_ballot, voted_evaluatee_ids
from .campaigns import (
    advance_campaigns,
    close_campaign,
    compute_results,
    evaluators_yet_to_vote,
    open_campaign,
    publish_results,
    remind_closing,
)

__all__ = [
    "advance_campaigns",
    "cast_ballot",
    "close_campaign",
    "compute_results",
    "evaluators_yet_to_vote",
    "open_campaign",
    "own_ballot",
    "publish_results",
    "record_final_grade",
    "remind_closing",
    "voted_evaluatee_ids",
]
