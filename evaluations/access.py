"""Who may see or do what in the evaluations.

- An evaluator sees exactly the members he may evaluate in an open campaign (his
  eligibilities), and his own ballots; nothing of anyone else's.
- A member sees his own results once they are published.
- Staff, and the secretary and committee of a member's branch, see his results once the
  campaign has closed, and record his final grade (nobody records his own); staff alone see a
  campaign's overview and export it.
- Nobody ever sees who cast a ballot: no page, export or admin view reads it (see `models`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from members.access import branches_run_by, is_staff
from members.models import Branch

from .models import Campaign, Eligibility, Evaluatee, Status


def eligibilities_of(user) -> QuerySet[Eligibility]:
    """`user`'s eligibilities in campaigns open for voting."""
    if not user.is_authenticated:
        return Eligibility.objects.none()
    return Eligibility.objects.filter(campaign__status=Status.OPEN, evaluator=user)


def get_ballot_target_for_user(user, campaign_pk: int, evaluatee_pk: int) -> Evaluatee:
    """The member `evaluatee_pk` of the campaign, if `user` may evaluate him there (his ballot
    stays readable to him after voting closes); else 404. The reasons (relations) are put on
    `evaluatee.relations`."""
    if not user.is_authenticated:
        raise Http404
    relations = list(
        Eligibility.objects.filter(
            campaign_id=campaign_pk, evaluatee_id=evaluatee_pk, evaluator=user
        ).values_list("relation", flat=True)
    )
    if not relations:
        raise Http404
    evaluatee = Evaluatee.objects.select_related("campaign", "person").get(pk=evaluatee_pk)
    evaluatee.relations = sorted(relations)
    return evaluatee


def branch_ids_appraised_by(user) -> set[int]:
    """The branches whose members' grades `user` records (besides staff, who record all)."""
    return {branch.pk for branch in branches_run_by(user)}


def may_see_result(user, evaluatee: Evaluatee) -> bool:
    campaign = evaluatee.campaign
    if evaluatee.person_id == user.pk:
        return campaign.status == Status.PUBLISHED
    if not campaign.has_results:
        return False
    if is_staff(user):
        return True
    return evaluatee.branch_id in branch_ids_appraised_by(user)


def may_appraise(user, evaluatee: Evaluatee) -> bool:
    """Staff and the member's branch's secretary and committee record his final grade, once
    the campaign has closed; nobody records his own."""
    if not user.is_authenticated or evaluatee.person_id == user.pk:
        return False
    if not evaluatee.campaign.has_results:
        return False
    if is_staff(user):
        return True
    return evaluatee.branch_id in branch_ids_appraised_by(user)


def get_evaluatee_for_user(user, pk: int, *, write: bool = False) -> Evaluatee:
    """A member's results in a campaign: 404 unless `user` may see them; PermissionDenied when
    he may see but not record the final grade."""
    evaluatee = (
        Evaluatee.objects.select_related("campaign", "person", "branch", "final_by")
        .filter(pk=pk)
        .first()
    )
    if evaluatee is None or not user.is_authenticated or not may_see_result(user, evaluatee):
        raise Http404
    if write and not may_appraise(user, evaluatee):
        raise PermissionDenied
    return evaluatee


def may_see_campaigns(user) -> bool:
    """The campaigns' list, overviews and exports: staff."""
    return is_staff(user)


def appraisals_of(user) -> list[tuple[Campaign, Branch]]:
    """The closed campaigns with members of the branches whose grades `user` records (not as
    staff), newest first, each with the branch."""
    branches = branches_run_by(user)
    if not branches:
        return []
    pairs = (
        Evaluatee.objects.filter(
            campaign__status__in=[Status.CLOSED, Status.PUBLISHED],
            branch__in=branches,
        )
        .order_by()
        .values_list("campaign_id", "branch_id")
        .distinct()
    )
    pairs = list(pairs)
    campaigns = Campaign.objects.in_bulk({campaign for campaign, _ in pairs})
    by_pk = {branch.pk: branch for branch in branches}
    rows = [(campaigns[campaign], by_pk[branch]) for campaign, branch in pairs]
    return sorted(rows, key=lambda row: (-row[0].closes_at.timestamp(), row[1].name))


def get_campaign_for_user(user, pk: int) -> Campaign:
    """A campaign's overview and export: staff only."""
    if not may_see_campaigns(user):
        raise PermissionDenied
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def get_branch_appraisal_for_user(
    user, campaign_pk: int, branch_pk: int
) -> tuple[Campaign, Branch]:
    """A branch's members in a closed campaign, to record their grades: staff and the branch's
    secretary and committee."""
    if not user.is_authenticated:
        raise Http404
    campaign = Campaign.objects.filter(pk=campaign_pk).first()
    branch = Branch.objects.filter(pk=branch_pk).first()
    if campaign is None or branch is None:
        raise Http404
    if not (is_staff(user) or branch.pk in branch_ids_appraised_by(user)):
        raise Http404
    if not campaign.has_results:
        raise Http404
    return campaign, branch
