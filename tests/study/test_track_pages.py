"""My study, the review queue and the staff overview: what they show, their exports, a plan's
participants, and query counts that do not grow with the data."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from members.models import PoliticalStatus
from study import overview, tasks
from study.models import Enrollment, Requirement, Stage
from tests.factories import BranchFactory, UserFactory
from workstation.management.commands.setup_periodic_tasks import PERIODIC_TASKS

from .factories import (
    ActivityFactory,
    EnrollmentFactory,
    RequirementFactory,
    StageSignOffFactory,
    StudyEntryFactory,
    StudyPlanFactory,
)

pytestmark = pytest.mark.django_db

MINE = reverse("study:mine")
QUEUE = reverse("study:review")
OVERVIEW = reverse("study:overview")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def plan():
    plan = StudyPlanFactory(name="2026秋季学习计划")
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=4)
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=20)
    RequirementFactory(plan=plan, kind=Requirement.Kind.ACTIVITIES, minimum=1)
    RequirementFactory(plan=plan, stage=Stage.SPEECHES, kind=Requirement.Kind.HOURS, minimum=4)
    return plan


def _sheet(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- my study ---------------------------------------------------------------------------------


def test_my_study_shows_progress_and_what_is_missing(member_client, member, plan):
    EnrollmentFactory(plan=plan, person=member)
    StudyEntryFactory(person=member, hours=Decimal("2"), approved=True)
    ActivityFactory(title="党章专题讲座")
    page = member_client.get(MINE, **EN)
    text = page.content.decode()
    assert "2026秋季学习计划" in text
    assert "2 more approved hours" in text
    assert "No approved reflection yet" in text
    assert "党章专题讲座" in text
    current = page.context["current"]
    assert current.overall_percent == 5  # (2/4 + 0 + 0) / 3 of stage 1, a third of the plan
    assert 'data-testid="overall-percent">5%' in text
    assert "Behind schedule" in text


def _grow(plan, branch, count: int) -> None:
    for _ in range(count):
        person = UserFactory(party_member=True, branch=branch)
        enrollment = EnrollmentFactory(plan=plan, person=person)
        StudyEntryFactory(person=person, submitted=True)
        StudyEntryFactory(person=person, approved=True)
        StageSignOffFactory(enrollment=enrollment)


def test_my_study_query_count_does_not_grow(
    member_client, member, plan, branch, django_assert_max_num_queries
):
    EnrollmentFactory(plan=plan, person=member)
    StudyEntryFactory(person=member, approved=True)
    with django_assert_max_num_queries(20) as few:
        assert member_client.get(MINE).status_code == 200
    StudyEntryFactory.create_batch(30, person=member, approved=True)
    ActivityFactory.create_batch(6)
    _grow(plan, branch, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert member_client.get(MINE).status_code == 200


# --- the review queue -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_the_review_queue_query_count_does_not_grow(
    role, request, member, plan, branch, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")
    StudyEntryFactory(person=member, submitted=True)
    with django_assert_max_num_queries(15) as few:
        assert client.get(QUEUE).status_code == 200
    _grow(plan, branch, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(QUEUE)
    assert page.context["page"].paginator.count == 11


# --- the staff overview -----------------------------------------------------------------------


def test_the_overview_counts_stages_per_branch_and_lists_who_is_behind(staff_client, plan, branch):
    ahead = UserFactory(name="刘领先", party_member=True, branch=branch)
    behind = UserFactory(name="周落后", party_member=True, branch=branch)
    other_branch = BranchFactory(name="研究生党支部")
    elsewhere = UserFactory(name="吴同学", party_member=True, branch=other_branch)
    StageSignOffFactory(enrollment=EnrollmentFactory(plan=plan, person=ahead, stage=2))
    EnrollmentFactory(plan=plan, person=behind)
    EnrollmentFactory(plan=plan, person=elsewhere, stage=Stage.PRACTICE)
    page = staff_client.get(OVERVIEW, {"plan": plan.pk}, **EN)
    assert page.status_code == 200
    table = {row["name"]: row for row in page.context["table"]}
    assert table["本科生第一党支部"]["stages"] == [1, 1, 0]
    assert table["研究生党支部"]["stages"] == [0, 0, 1]
    assert [item.enrollment.person for item in page.context["behind"]] == [behind]
    text = page.content.decode()
    assert 'id="stage-chart-data"' in text
    assert "周落后" in text


def test_the_overview_lists_twenty_branches_a_page_or_the_branch_chosen(staff_client, plan):
    """A university has hundreds of branches: the table (and its chart) shows a page of them."""
    branches = [BranchFactory(name=f"第{number:02d}党支部") for number in range(23)]
    for branch in branches:
        EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    first = staff_client.get(OVERVIEW, {"plan": plan.pk}, **EN)
    names = [row["name"] for row in first.context["table"]]
    assert names == [branch.name for branch in branches[:20]]
    assert "Page 1 of 2" in first.content.decode()
    second = staff_client.get(OVERVIEW, {"plan": plan.pk, "page": 2})
    assert [row["name"] for row in second.context["table"]] == [b.name for b in branches[20:]]
    chosen = staff_client.get(OVERVIEW, {"plan": plan.pk, "branch": branches[21].pk})
    assert [row["name"] for row in chosen.context["table"]] == ["第21党支部"]
    assert chosen.context["participants"] == 23  # the summary is still the plan's


def test_the_overview_picks_the_current_plan_and_survives_nonsense(staff_client, plan):
    page = staff_client.get(OVERVIEW)
    assert page.context["plan"] == plan
    page = staff_client.get(OVERVIEW, {"plan": "nonsense", "stage": "x"})
    assert page.status_code == 200


def test_the_overview_without_plans(staff_client):
    page = staff_client.get(OVERVIEW, **EN)
    assert "No study plan yet" in page.content.decode()


def test_the_overview_query_count_does_not_grow(
    staff_client, plan, branch, django_assert_max_num_queries
):
    _grow(plan, branch, 2)
    with django_assert_max_num_queries(21) as few:
        assert staff_client.get(OVERVIEW, {"plan": plan.pk}).status_code == 200
    _grow(plan, BranchFactory(), 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert tasks.refresh_overviews() == 1
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(OVERVIEW, {"plan": plan.pk}).status_code == 200
    cache.clear()  # the page computes them itself when it finds none
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(OVERVIEW, {"plan": plan.pk}).status_code == 200


def test_the_overview_says_when_it_computed_its_figures_and_keeps_them_a_while(
    staff_client, plan, branch, monkeypatch
):
    EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    page = staff_client.get(OVERVIEW, {"plan": plan.pk}, **EN)
    computed = timezone.localtime(page.context["computed_at"]).strftime("%H:%M")
    assert f"Figures as computed at {computed}" in page.content.decode()
    assert page.context["participants"] == 1
    EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    # A few minutes later the page shows the same figures, from their time...
    assert staff_client.get(OVERVIEW, {"plan": plan.pk}).context["participants"] == 1
    # ...until the periodic task computes them again...
    assert tasks.refresh_overviews() == 1
    assert staff_client.get(OVERVIEW, {"plan": plan.pk}).context["participants"] == 2
    # ...or they are too old, and the page computes them itself.
    EnrollmentFactory(plan=plan, person=UserFactory(party_member=True, branch=branch))
    monkeypatch.setattr(overview, "MAX_AGE", datetime.timedelta(0))
    assert staff_client.get(OVERVIEW, {"plan": plan.pk}).context["participants"] == 3


def test_the_overview_task_skips_plans_not_under_way(plan):
    StudyPlanFactory(
        starts_on=timezone.localdate() - datetime.timedelta(days=400),
        ends_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    assert tasks.refresh_overviews() == 1
    assert ("study.refresh_overviews", 10) in PERIODIC_TASKS.values()


def test_the_entries_export_is_filtered_and_formula_safe(staff_client, plan, member):
    EnrollmentFactory(plan=plan, person=member)
    StudyEntryFactory(person=member, approved=True, notes='=HYPERLINK("http://x")')
    StudyEntryFactory(person=member, material="草稿")
    StudyEntryFactory(approved=True, material="别人的")  # not in the plan
    url = reverse("study:export-entries")
    rows = _sheet(staff_client.get(url, {"plan": plan.pk, "status": "approved"}, **EN))
    assert rows[0][:4] == ["Number", "Name", "Party branch", "Date"]
    assert len(rows) == 2
    assert rows[1][1] == "张党员"
    assert rows[1][8] == '\'=HYPERLINK("http://x")'
    assert rows[1][9] == "Approved"


def test_the_progress_export(staff_client, plan, member):
    EnrollmentFactory(plan=plan, person=member)
    StudyEntryFactory(person=member, hours=Decimal("2"), approved=True)
    member.name = "=cmd"
    member.save(update_fields=["name"])
    response = staff_client.get(reverse("study:export-progress"), {"plan": plan.pk}, **EN)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    assert rows[0][0] == "Number"
    (row,) = rows[1:]
    assert row[1] == "'=cmd"
    assert row[4:7] == [16, 0, 100]  # stage 1: (50 + 0 + 0) / 3; stage 3 has no requirements
    assert row[7] == 5
    assert row[9] == "Yes"
    assert "2 more approved hours" in row[10]


def test_only_staff_export(reviewer_client):
    assert reviewer_client.get(reverse("study:export-entries")).status_code == 403
    assert reviewer_client.get(reverse("study:export-progress")).status_code == 403


# --- a plan's participants --------------------------------------------------------------------


def test_enrol_by_branch_previews_then_enrols_members_only(staff_client, plan, branch, member):
    UserFactory(branch=branch, political_status=PoliticalStatus.LEAGUE)  # not a member
    colleague = UserFactory(branch=branch, political_status=PoliticalStatus.ACTIVIST)
    url = reverse("study:participants", args=[plan.pk])
    data = {"branches": [branch.pk], "action": "preview"}
    page = staff_client.post(url, data, **EN)
    # The member, the reviewer (a full member, secretary of the branch) and the activist.
    assert page.context["preview"] == 3
    assert not Enrollment.objects.exists()
    response = staff_client.post(url, data | {"action": "enrol"}, **EN)
    assert response.status_code == 302
    people = set(plan.enrollments.values_list("person", flat=True))
    assert {member.pk, colleague.pk} <= people
    assert len(people) == 3
    added = plan.enrollments.get(person=member).history.get()
    assert added.history_type == "+"
    assert added.history_user.is_staff
    # Again: nobody new, nobody moved back.
    plan.enrollments.filter(person=member).update(stage=2)
    staff_client.post(url, data | {"action": "enrol"})
    assert plan.enrollments.count() == 3
    assert plan.enrollments.get(person=member).stage == 2


def test_enrol_needs_a_filter_and_refuses_nonsense(staff_client, plan):
    url = reverse("study:participants", args=[plan.pk])
    page = staff_client.post(url, {"action": "enrol"}, **EN)
    assert "Choose at least one branch, grade, status or person." in page.content.decode()
    page = staff_client.post(url, {"grades": ["abc"], "action": "enrol"}, **EN)
    assert page.status_code == 200
    student = UserFactory(political_status=PoliticalStatus.LEAGUE)
    page = staff_client.post(url, {"people": [student.pk], "action": "enrol"}, **EN)
    assert 'data-testid="enrol-refused"' in page.content.decode()
    assert not Enrollment.objects.exists()


def test_enrol_by_hand_and_remove(staff_client, plan, member, student):
    url = reverse("study:participants", args=[plan.pk])
    found = staff_client.get(url, {"q": "张党员"}).context["found"]
    assert found == [member]
    assert staff_client.get(url, {"q": student.name}).context["found"] == []
    staff_client.post(url, {"people": [member.pk], "action": "enrol"})
    enrollment = plan.enrollments.get()
    assert enrollment.person == member
    response = staff_client.post(reverse("study:participant-remove", args=[enrollment.pk]))
    assert response.status_code == 302
    assert not plan.enrollments.exists()


def test_participants_are_paged_by_branch_name_then_those_of_no_branch(
    staff_client, plan, django_assert_max_num_queries
):
    """Branch by branch in the order of their names, by student number within one; then the
    participants of no branch. The second page holds the end of the branches and the start of
    the others, the third only others."""
    later, first = BranchFactory(name="B 党支部"), BranchFactory(name="A 党支部")
    expected = []
    for branch, prefix, count in [(first, "1", 15), (later, "2", 8), (None, "3", 25)]:
        for n in reversed(range(count)):
            person = UserFactory(branch=branch, student_number=f"{prefix}{n:03d}")
            EnrollmentFactory(plan=plan, person=person)
        expected += [f"{prefix}{n:03d}" for n in range(count)]
    url = reverse("study:participants", args=[plan.pk])
    shown, queries = [], []
    for page in (1, 2, 3):
        with django_assert_max_num_queries(10) as counted:
            response = staff_client.get(url, {"page": page})
        shown += [row.person.student_number for row in response.context["page"]]
        queries.append(len(counted.captured_queries))
    # A later page counts the participants of a branch; one query more, at most.
    assert max(queries) <= queries[0] + 1
    assert shown == expected
    assert response.context["page"].paginator.count == 48


def test_participants_are_for_staff_only(reviewer_client, plan, member):
    enrollment = EnrollmentFactory(plan=plan, person=member)
    url = reverse("study:participants", args=[plan.pk])
    assert reviewer_client.post(url, {"people": [member.pk], "action": "enrol"}).status_code == 403
    remove = reverse("study:participant-remove", args=[enrollment.pk])
    assert reviewer_client.post(remove).status_code == 403
    assert Enrollment.objects.count() == 1


# --- a person's progress and an entry ---------------------------------------------------------


def test_the_person_page_query_count_does_not_grow(
    reviewer_client, member, plan, django_assert_max_num_queries
):
    enrollment = EnrollmentFactory(plan=plan, person=member)
    StudyEntryFactory(person=member, approved=True)
    url = reverse("study:person", args=[member.pk])
    with django_assert_max_num_queries(20) as few:
        assert reviewer_client.get(url).status_code == 200
    StudyEntryFactory.create_batch(20, person=member, approved=True)
    StageSignOffFactory(enrollment=enrollment)
    EnrollmentFactory(person=member)  # a second plan
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        # One more plan: one more query for its hours; nothing grows with the entries.
        assert reviewer_client.get(url).status_code == 200


def test_the_entry_page_query_count_does_not_grow(
    member_client, member, reviewer, django_assert_max_num_queries
):
    from study.services.track import approve_entry, return_entry, submit_entry, update_entry

    entry = StudyEntryFactory(person=member)
    url = reverse("study:entry", args=[entry.pk])
    with django_assert_max_num_queries(12) as few:
        assert member_client.get(url).status_code == 200
    for _ in range(5):
        submit_entry(actor=member, entry=entry)
        return_entry(actor=reviewer, entry=entry, comment="再改改")
        fields = {"date": entry.date, "stage": 1, "kind": "self_study", "hours": entry.hours}
        update_entry(actor=member, entry=entry, notes="改了", **fields)
    submit_entry(actor=member, entry=entry)
    approve_entry(actor=reviewer, entry=entry)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = member_client.get(url)
    assert len(page.context["steps"]) == 13  # draft, then 6 submissions and their reviews


@pytest.mark.parametrize(
    "name", ["study:mine", "study:review", "study:overview", "study:entry-new"]
)
def test_pages_refuse_the_wrong_method(staff_client, member_client, name):
    client = member_client if name == "study:entry-new" else staff_client
    assert client.delete(reverse(name)).status_code == 405
