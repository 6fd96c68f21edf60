"""Who may see or do what in the evaluations.

- An evaluator sees exactly the members he may evaluate in an open campaign (his
  eligibilities), and his own ballots; nothing of anyone else's.
- A member sees his own results once they are published.
- Staff, and the secretary and committee of a member's branch, see his results once the
  campaign has closed, and record his final grade (nobody records his own); staff alone see a
  campaign's overview and export it.
- That rule of whose results one sees is `result_sight`, and it holds everywhere results are
  read: a member's page (`get_evaluatee_for_user`), one's own results wherever they are listed
  (`own_results_of`), and each list, count and export of a campaign's members
  (`evaluatees_visible_to`), where a secretary finds his own row without his results until
  they are published.
- Nobody ever sees who cast a ballot: no page, export or admin view reads it (see `models`).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
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


@dataclass(frozen=True)
class ResultSight:
    """Whose results in one campaign a user sees: his own (`own`), and of the others every
    member's (`everyone_else`) or those of the members of `branch_ids`."""

    user_id: int | None
    own: bool = False
    everyone_else: bool = False
    branch_ids: frozenset[int] = frozenset()

    def covers(self, evaluatee: Evaluatee) -> bool:
        if evaluatee.person_id == self.user_id:
            return self.own
        return self.everyone_else or evaluatee.branch_id in self.branch_ids

    def as_filter(self) -> Q:
        """`covers` as a filter of the campaign's members, to read a whole list at once."""
        own = Q(person_id=self.user_id)
        others = Q() if self.everyone_else else Q(branch_id__in=sorted(self.branch_ids))
        shown = ~own & others
        if self.own:
            shown |= own
        return shown


def result_sight(user, campaign: Campaign) -> ResultSight:
    """The one rule of whose results `user` sees in `campaign`: his own once they are
    published; another member's once voting has closed, for staff and for the secretary and
    committee of the member's branch."""
    if not user.is_authenticated:
        return ResultSight(user_id=None)
    own = campaign.status == Status.PUBLISHED
    if not campaign.has_results:
        return ResultSight(user_id=user.pk, own=own)
    if is_staff(user):
        return ResultSight(user_id=user.pk, own=own, everyone_else=True)
    branch_ids = frozenset(branch_ids_appraised_by(user))
    return ResultSight(user_id=user.pk, own=own, branch_ids=branch_ids)


def may_see_result(user, evaluatee: Evaluatee) -> bool:
    """Whether `user` sees the results of `evaluatee` (`result_sight`)."""
    return result_sight(user, evaluatee.campaign).covers(evaluatee)


def may_appraise(user, evaluatee: Evaluatee) -> bool:
    """Staff and the member's branch's secretary and committee record his final grade, once
    the campaign has closed: whoever sees his results, but nobody records his own."""
    if evaluatee.person_id == user.pk:
        return False
    return may_see_result(user, evaluatee)


def evaluatees_visible_to(
    user, campaign: Campaign, branch: Branch | None = None
) -> QuerySet[Evaluatee]:
    """The members of `campaign` (of `branch` when given) that `user` may list: every one for
    staff; those of the branches whose grades he records, once voting has closed; none for
    anyone else. Each row carries `result_shown`, whether `user` sees its results
    (`result_sight`): a list shows a row without them (his own before publication, everyone's
    while voting is open), and what reads grades (a filter, a count, an export) reads them
    only where it is true (`with_results_shown`)."""
    rows = Evaluatee.objects.filter(campaign=campaign)
    if branch is not None:
        rows = rows.filter(branch=branch)
    if not is_staff(user):
        listed = branch_ids_appraised_by(user) if campaign.has_results else set()
        rows = rows.filter(branch_id__in=sorted(listed))
    shown = result_sight(user, campaign).as_filter()
    return rows.annotate(result_shown=ExpressionWrapper(shown, output_field=BooleanField()))


def with_results_shown(rows: QuerySet[Evaluatee]) -> QuerySet[Evaluatee]:
    """The rows of `evaluatees_visible_to` whose results the user sees: what a filter or a
    count by grade reads, so that it tells nothing of a row shown without its results."""
    return rows.filter(result_shown=True)


def own_results_of(person) -> QuerySet[Evaluatee]:
    """`person`'s results that he sees (`result_sight`): those of the campaigns that have
    published them. His page, his workstation and his development timeline read these
    alone, so nothing of his shows there before publication."""
    if not person.is_authenticated:
        return Evaluatee.objects.none()
    return Evaluatee.objects.filter(person=person, campaign__status=Status.PUBLISHED)


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
