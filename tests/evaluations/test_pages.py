"""The pages: who opens what, the final grade recorded by the branch, the staff overview and
export, and query counts that do not grow with the data."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Campaign, Evaluatee, Grade, Relation
from evaluations.services import advance_campaigns, cast_ballot, publish_results
from members.models import PoliticalStatus
from tests.factories import BranchFactory, UserFactory
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _closed_campaign(member, reviewer, tutees=3, extra_members=0):
    """A campaign of the member's tutees and his branch, voted and closed."""
    people = [
        PairingFactory(tutor=member, request__tutee__name=f"评价人{n}").tutee for n in range(tutees)
    ]
    for _ in range(extra_members):
        PairingFactory(
            tutor=UserFactory(political_status=PoliticalStatus.FULL, branch=member.branch)
        )
    campaign = CampaignFactory(relations=[Relation.TUTEE, Relation.BRANCH, Relation.SELF])
    questions = [QuestionFactory(campaign=campaign, text=t) for t in ("理想信念", "=HYPERLINK(1)")]
    advance_campaigns()
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    for n, person in enumerate(people):
        cast_ballot(
            actor=person,
            evaluatee=evaluatee,
            scores={q.pk: 3 + n % 3 for q in questions},
            comment=f"=CMD() 意见{n}",
        )
    cast_ballot(actor=reviewer, evaluatee=evaluatee, scores={q.pk: 4 for q in questions})
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    advance_campaigns()
    campaign.refresh_from_db()
    evaluatee.refresh_from_db()
    return campaign, evaluatee, people


def test_the_secretary_records_a_final_grade_with_a_reason_when_it_differs(
    member, reviewer, reviewer_client
):
    campaign, evaluatee, _ = _closed_campaign(member, reviewer)
    assert evaluatee.computed_grade == Grade.QUALIFIED
    page = reviewer_client.get(reverse("evaluations:mine")).content.decode()
    assert page.count(reverse("evaluations:branch", args=[campaign.pk, member.branch_id])) == 1
    branch_page = reviewer_client.get(
        reverse("evaluations:branch", args=[campaign.pk, member.branch_id])
    ).content.decode()
    assert "张党员" in branch_page
    url = reverse("evaluations:appraise", args=[evaluatee.pk])
    refused = reviewer_client.post(url, {"grade": Grade.BASIC, "reason": ""})
    assert refused.status_code == 200
    assert "请填写理由" in refused.content.decode()
    evaluatee.refresh_from_db()
    assert evaluatee.final_grade == ""
    reviewer_client.post(url, {"grade": Grade.BASIC, "reason": "组织生活缺席三次"})
    evaluatee.refresh_from_db()
    assert (evaluatee.final_grade, evaluatee.final_by) == (Grade.BASIC, reviewer)
    # On the member's timeline once published: test_own_results.


def test_nobody_records_his_own_grade_nor_another_branchs(member, reviewer, client):
    campaign, evaluatee, _ = _closed_campaign(member, reviewer)
    client.force_login(member)
    assert (
        client.post(
            reverse("evaluations:appraise", args=[evaluatee.pk]), {"grade": Grade.EXCELLENT}
        ).status_code
        == 404
    )  # not published: not even his to read yet
    other_secretary = UserFactory(political_status=PoliticalStatus.FULL)
    BranchFactory(secretary=other_secretary)
    client.force_login(other_secretary)
    assert client.get(evaluatee.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("evaluations:branch", args=[campaign.pk, member.branch_id])).status_code
        == 404
    )
    publish_results(actor=UserFactory(staff=True), campaign=campaign)
    client.force_login(member)
    assert client.get(evaluatee.get_absolute_url()).status_code == 200
    assert (
        client.post(
            reverse("evaluations:appraise", args=[evaluatee.pk]), {"grade": Grade.EXCELLENT}
        ).status_code
        == 403
    )
    evaluatee.refresh_from_db()
    assert evaluatee.final_grade == ""


def test_the_staff_overview_counts_participation_and_grades(member, reviewer, staff_client):
    campaign, evaluatee, people = _closed_campaign(member, reviewer)
    page = staff_client.get(campaign.get_absolute_url()).content.decode()
    # Tutees: 3 of 3; branch: the reviewer evaluated the member (1 of 2 pairs).
    assert '辅导对象</td><td class="text-end">3</td><td class="text-end">3</td>' in page
    assert '同支部党员</td><td class="text-end">1</td><td class="text-end">2</td>' in page
    assert 'data-testid="grade-qualified">1<' in page
    assert 'data-testid="grade-none">1<' in page  # the reviewer: too few ballots
    for person in people:
        assert person.display_name not in page
    # A final grade stands over the computed one.
    Evaluatee.objects.filter(pk=evaluatee.pk).update(final_grade="excellent")
    page = staff_client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="grade-qualified">0<' in page
    assert 'data-testid="grade-excellent">1<' in page


def test_the_export_has_results_formula_safe_and_no_evaluator(member, reviewer, staff_client):
    campaign, _evaluatee, people = _closed_campaign(member, reviewer)
    response = staff_client.get(reverse("evaluations:export", args=[campaign.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][4] == "理想信念"
    assert rows[0][5].startswith("'=")
    mine = next(row for row in rows if row[0] == "张党员")
    assert mine[3] == 4 and mine[7] == "合格" and mine[8] is None
    text = repr(rows)
    for person in people:
        assert person.display_name not in text
    assert "意见" not in text  # comments stay on the member's page


def test_a_member_without_evaluations_sees_nothing_to_do(member_client):
    page = member_client.get(reverse("evaluations:mine")).content.decode()
    assert 'data-testid="nothing-to-evaluate"' in page


@pytest.mark.parametrize("extra", [0, 12])
def test_query_counts_stay_flat(
    member,
    reviewer,
    student_client,
    staff_client,
    reviewer_client,
    django_assert_max_num_queries,
    extra,
):
    campaign, evaluatee, _people = _closed_campaign(
        member, reviewer, tutees=3 + extra, extra_members=extra
    )
    publish_results(actor=UserFactory(staff=True), campaign=campaign)
    open_campaign = CampaignFactory(relations=[Relation.BRANCH])
    QuestionFactory(campaign=open_campaign)
    advance_campaigns()
    target = Evaluatee.objects.get(campaign=open_campaign, person=member)
    ballot_url = reverse("evaluations:ballot", args=[open_campaign.pk, target.pk])
    with django_assert_max_num_queries(14):
        assert reviewer_client.get(reverse("evaluations:mine")).status_code == 200
    with django_assert_max_num_queries(12):
        assert reviewer_client.get(ballot_url).status_code == 200
    with django_assert_max_num_queries(12):
        assert reviewer_client.get(evaluatee.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert staff_client.get(campaign.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert (
            reviewer_client.get(
                reverse("evaluations:branch", args=[campaign.pk, member.branch_id])
            ).status_code
            == 200
        )
