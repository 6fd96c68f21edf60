"""Nobody reads his own results before they are published, wherever results show: a secretary
in his branch's list and its filter, a member of staff who is evaluated in the campaign's page,
counts and export, the branch's panel of figures, and everyone's development timeline."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Campaign, Evaluatee, Grade, Relation
from evaluations.services import advance_campaigns, cast_ballot, publish_results
from members.models import PoliticalStatus
from tests.factories import UserFactory
from tests.tutoring.factories import PairingFactory
from workstation.models import FigureSnapshot

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _graded_campaign(scores_by_person: dict) -> Campaign:
    """A closed campaign in which each person's three tutees gave him the same score on both
    questions: 4 makes an average of 4.00 (Qualified), 2 one of 2.00 (Unqualified)."""
    tutees = {
        person: [
            PairingFactory(tutor=person, request__tutee__name=f"{person.name}的评价人{n}").tutee
            for n in range(3)
        ]
        for person in scores_by_person
    }
    campaign = CampaignFactory(relations=[Relation.TUTEE, Relation.SELF])
    questions = [QuestionFactory(campaign=campaign, text=t) for t in ("理想信念", "服务同学")]
    advance_campaigns()
    for person, score in scores_by_person.items():
        evaluatee = Evaluatee.objects.get(campaign=campaign, person=person)
        for tutee in tutees[person]:
            cast_ballot(actor=tutee, evaluatee=evaluatee, scores={q.pk: score for q in questions})
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    advance_campaigns()
    campaign.refresh_from_db()
    return campaign


def _row(page: str, name: str) -> str:
    """The list's row of the member `name`, or "" when he is not listed."""
    rows = page.split('data-testid="member-row"')[1:]
    return next((row.split("</tr>")[0] for row in rows if name in row), "")


@pytest.fixture
def graded(member, reviewer) -> Campaign:
    """The member is Qualified, his branch's secretary (the reviewer) Unqualified."""
    return _graded_campaign({member: 4, reviewer: 2})


def test_the_secretary_sees_himself_listed_without_his_results_until_published(
    graded, member, reviewer, reviewer_client
):
    url = reverse("evaluations:branch", args=[graded.pk, member.branch_id])
    own = Evaluatee.objects.get(campaign=graded, person=reviewer)
    theirs = Evaluatee.objects.get(campaign=graded, person=member)
    page = reviewer_client.get(url).content.decode()
    # He sees that he is evaluated, not how: no ballots, average or grade, no link to them.
    mine = _row(page, "李书记")
    assert 'data-testid="results-later"' in mine
    assert "2.00" not in mine and "不合格" not in mine
    assert own.get_absolute_url() not in mine
    assert 'data-testid="member-ballots">—<' in mine
    # His branch's member shows all of his.
    fellow = _row(page, "张党员")
    assert 'data-testid="member-average">4.00<' in fellow
    assert 'data-testid="member-computed">合格<' in fellow
    assert 'data-testid="member-ballots">3<' in fellow
    assert theirs.get_absolute_url() in fellow
    assert 'data-testid="results-later"' not in fellow

    publish_results(actor=UserFactory(staff=True), campaign=graded)
    mine = _row(reviewer_client.get(url).content.decode(), "李书记")
    assert 'data-testid="member-average">2.00<' in mine
    assert 'data-testid="member-computed">不合格<' in mine
    assert own.get_absolute_url() in mine
    assert reviewer_client.get(own.get_absolute_url()).status_code == 200


def test_the_filter_below_qualified_tells_the_secretary_nothing_of_his_own_grade(
    graded, member, reviewer, reviewer_client
):
    url = reverse("evaluations:branch", args=[graded.pk, member.branch_id]) + "?below=True"
    response = reviewer_client.get(url)
    assert response.context["page"].paginator.count == 0
    assert _row(response.content.decode(), "李书记") == ""
    publish_results(actor=UserFactory(staff=True), campaign=graded)
    response = reviewer_client.get(url)
    assert response.context["page"].paginator.count == 1
    assert 'data-testid="member-computed">不合格<' in _row(response.content.decode(), "李书记")


def test_staff_who_are_evaluated_read_all_results_but_their_own_until_published(
    member, reviewer, branch, client
):
    teacher = UserFactory(
        staff=True, name="赵老师", political_status=PoliticalStatus.FULL, branch=branch
    )
    campaign = _graded_campaign({member: 4, reviewer: 4, teacher: 2})
    client.force_login(teacher)

    page = client.get(campaign.get_absolute_url()).content.decode()
    mine = _row(page, "赵老师")
    assert 'data-testid="results-later"' in mine and "2.00" not in mine
    assert 'data-testid="member-average">4.00<' in _row(page, "张党员")
    # Neither the grades' counts nor the members below Qualified give his away.
    assert 'data-testid="grade-qualified">2<' in page
    assert 'data-testid="grade-unqualified">0<' in page
    below = page.split('data-testid="below"')[1].split("</section>")[0]
    assert "赵老师" not in below
    # The export lists him, his results left blank.
    export = client.get(reverse("evaluations:export", args=[campaign.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["赵老师"][3:10] == (None,) * 7  # ballots, averages, grades, reason
    assert (rows["张党员"][3], rows["张党员"][6], rows["张党员"][7]) == (3, "4.00", "合格")

    publish_results(actor=teacher, campaign=campaign)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="member-average">2.00<' in _row(page, "赵老师")
    assert 'data-testid="grade-unqualified">1<' in page
    assert "赵老师" in page.split('data-testid="below"')[1].split("</section>")[0]
    export = client.get(reverse("evaluations:export", args=[campaign.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert (rows["赵老师"][3], rows["赵老师"][6], rows["赵老师"][7]) == (3, "2.00", "不合格")


def test_the_branch_panel_counts_grades_once_published(graded, member, reviewer_client):
    """On the branch's view its secretary sees every other member's grade on the branch's
    page: counts that took in his own would give it away."""
    url = reverse("workstation:branch", args=[member.branch_id])
    panel = next(p for p in reviewer_client.get(url).context["panels"] if p.key == "evaluations")
    figures = {figure.key: figure for figure in panel.figures}
    assert figures["evaluated"].value == 2  # both are listed on the branch's page
    assert (figures["below"].value, figures["below"].url) == (0, "")
    assert sum(panel.charts[0].values) == 0

    publish_results(actor=UserFactory(staff=True), campaign=graded)
    FigureSnapshot.objects.all().delete()  # computed again, as the periodic task does
    panel = next(p for p in reviewer_client.get(url).context["panels"] if p.key == "evaluations")
    figures = {figure.key: figure for figure in panel.figures}
    assert figures["below"].value == 1
    assert reviewer_client.get(figures["below"].url).context["page"].paginator.count == 1


def test_a_final_grade_joins_the_timeline_once_published(
    graded, member, reviewer_client, member_client
):
    evaluatee = Evaluatee.objects.get(campaign=graded, person=member)
    reviewer_client.post(
        reverse("evaluations:appraise", args=[evaluatee.pk]),
        {"grade": Grade.BASIC, "reason": "组织生活缺席三次"},
    )
    evaluatee.refresh_from_db()
    assert evaluatee.final_grade == Grade.BASIC
    # The timeline is the member's own as much as his reviewers': nobody reads it there yet.
    person_url = reverse("members:person", args=[member.pk])
    for client, url in ((member_client, reverse("members:me")), (reviewer_client, person_url)):
        timeline = client.get(url).content.decode().split('data-testid="timeline"')[1]
        assert "基本合格" not in timeline, url

    publish_results(actor=UserFactory(staff=True), campaign=graded)
    for client, url in ((member_client, reverse("members:me")), (reviewer_client, person_url)):
        timeline = client.get(url).content.decode().split('data-testid="timeline"')[1]
        assert "基本合格" in timeline, url
        assert graded.name in timeline, url
