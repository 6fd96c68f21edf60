"""Casting a ballot, and finding one's own again: the ballot is found by its token, which only
the evaluator's own session recomputes (see `evaluations.secrecy`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import SCORE_MAX, SCORE_MIN, Ballot, Campaign, Eligibility, Evaluatee
from ..secrecy import ballot_token

COMMENT_MAX = 1000


def own_ballot(*, evaluator, evaluatee: Evaluatee) -> Ballot | None:
    """`evaluator`'s ballot on `evaluatee`, if he has cast one."""
    token = ballot_token(evaluatee.campaign_id, evaluator.pk, evaluatee.pk)
    return Ballot.objects.filter(campaign_id=evaluatee.campaign_id, token=token).first()


def voted_evaluatee_ids(*, evaluator, eligibilities) -> set[int]:
    """Of the members `evaluator` may evaluate (his eligibilities, any campaigns), those he has
    evaluated: one query, the tokens recomputed here."""
    targets = {(row.campaign_id, row.evaluatee_id) for row in eligibilities}
    tokens = {
        ballot_token(campaign, evaluator.pk, evaluatee): evaluatee
        for campaign, evaluatee in targets
    }
    if not tokens:
        return set()
    cast = Ballot.objects.filter(
        campaign_id__in={campaign for campaign, _ in targets}, token__in=list(tokens)
    ).values_list("token", flat=True)
    return {tokens[token] for token in cast}


@transaction.atomic
def cast_ballot(
    *, actor, evaluatee: Evaluatee, scores: dict[int, int], comment: str = ""
) -> Ballot:
    """Cast or change `actor`'s ballot on `evaluatee`: a score from 1 to 5 for every question of
    the campaign and an optional comment, while voting is open and only where he may evaluate.
    The ballot keeps no time and does not name him."""
    # Read afresh, and held against closing until this ballot is in (closing locks it too).
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=evaluatee.campaign_id)
    if not Eligibility.objects.filter(
        campaign=campaign, evaluatee=evaluatee, evaluator=actor
    ).exists():
        raise PermissionDenied
    if not campaign.is_voting:
        raise ValidationError(
            _("Voting in this campaign has closed; ballots can no longer change.")
        )
    questions = {str(pk) for pk in campaign.questions.values_list("pk", flat=True)}
    given = {str(question): score for question, score in scores.items()}
    if set(given) != questions:
        raise ValidationError(_("Give a score for every question."))
    if any(
        not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX
        for score in given.values()
    ):
        raise ValidationError(
            _("Each score is a whole number from %(min)d to %(max)d.")
            % {"min": SCORE_MIN, "max": SCORE_MAX}
        )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            _("The comment may be at most %(max)d characters long.") % {"max": COMMENT_MAX}
        )
    ballot, _created = Ballot.objects.update_or_create(
        campaign=campaign,
        token=ballot_token(campaign.pk, actor.pk, evaluatee.pk),
        defaults={
            "evaluatee": evaluatee,
            "is_self": evaluatee.person_id == actor.pk,
            "scores": given,
            "comment": comment,
        },
    )
    return ballot
