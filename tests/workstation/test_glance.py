"""The workstation at a glance: my workstation, the branch view, the staff dashboard, the figure
cache and the semester report, against data whose figures are counted by hand here."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from common.glance import Scope
from feedback.models import Status
from members.models import Milestone, PoliticalStatus
from study.models import Enrollment, Requirement, StudyEntry
from study.progress import progress_of_one
from tests.factories import BranchFactory, MilestoneFactory, NoticeFactory, UserFactory
from tests.feedback.factories import SuggestionFactory
from tests.study.factories import (
    ActivityFactory,
    EnrollmentFactory,
    RegistrationFactory,
    RequirementFactory,
    StudyEntryFactory,
    StudyPlanFactory,
)
from workstation.models import FigureSnapshot
from workstation.periods import semester_before, semester_of
from workstation.tasks import refresh_figures

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _panel(response, key: str):
    return next(panel for panel in response.context["panels"] if panel.key == key)


def _figure(response, panel_key: str, figure_key: str):
    return next(f for f in _panel(response, panel_key).figures if f.key == figure_key)


def url_branch(url: str) -> int:
    return int(url.split("/branches/")[1].split("/")[0])


def _list_count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.fixture
def branch_data(branch, member, reviewer):
    """The cast's branch with three more people, a plan asking 10 approved hours in stage 1,
    activities this semester (and one of another branch, one of last year), a probation ending
    in five days; another branch with a person and a participant who must never be counted."""
    activist = UserFactory(
        name="甲积极分子", political_status=PoliticalStatus.ACTIVIST, branch=branch
    )
    done = UserFactory(name="乙积极分子", political_status=PoliticalStatus.ACTIVIST, branch=branch)
    UserFactory(name="丙群众", political_status=PoliticalStatus.MASSES, branch=branch)
    other_branch = BranchFactory(name="研究生党支部")
    outsider = UserFactory(political_status=PoliticalStatus.FULL, branch=other_branch)

    plan = StudyPlanFactory()
    RequirementFactory(plan=plan, stage=1, kind=Requirement.Kind.HOURS, minimum=10)
    EnrollmentFactory(plan=plan, person=member)  # no hours: 0%, behind schedule
    EnrollmentFactory(plan=plan, person=activist)  # 10 approved hours: ready to sign off
    StudyEntryFactory(person=activist, approved=True, hours=Decimal("10.0"))
    EnrollmentFactory(plan=plan, person=done, stage=3, completed_at=timezone.now())
    EnrollmentFactory(plan=plan, person=outsider)

    past = ActivityFactory(branch=branch, past=True)
    RegistrationFactory(activity=past, person=member, attended=True)
    RegistrationFactory(activity=past, person=activist)
    ActivityFactory(branch=branch)  # tomorrow
    theirs = ActivityFactory(branch=other_branch, past=True)
    RegistrationFactory(activity=theirs, person=outsider, attended=True)
    ActivityFactory(
        branch=branch,
        starts_at=timezone.now() - datetime.timedelta(days=400),
        ends_at=timezone.now() - datetime.timedelta(days=400) + datetime.timedelta(hours=2),
    )
    MilestoneFactory(
        person=member, kind=Milestone.Kind.PROBATIONARY, date=_today() - datetime.timedelta(360)
    )
    return {"activist": activist, "done": done, "other_branch": other_branch}


# --- the branch view ------------------------------------------------------------------------------


def test_branch_view_shows_the_figures_counted_by_hand(reviewer_client, branch, branch_data):
    response = reviewer_client.get(reverse("workstation:branch", args=[branch.pk]))
    assert response.status_code == 200
    statuses = {f.key: f.value for f in _panel(response, "members").figures}
    assert statuses["people"] == 5
    assert statuses["status-full"] == 1
    assert statuses["status-probationary"] == 1
    assert statuses["status-activist"] == 2
    assert statuses["status-masses"] == 1
    assert statuses["due"] == 1
    study = {f.key: f.value for f in _panel(response, "study").figures}
    assert study["participants"] == 3
    assert (study["stage-1"], study["stage-2"], study["stage-3"], study["stage-done"]) == (
        2,
        0,
        0,
        1,
    )
    assert study["behind"] == 1
    assert study["ready"] == 1
    assert study["average"] == round((0 + 33 + 100) / 3)
    assert study["activities"] == 2
    assert study["registered"] == 2
    assert study["attended"] == 1
    assert study["attendance"] == 50
    bands = next(c for c in _panel(response, "study").charts if c.key == "bands")
    assert bands.values == [1, 1, 0, 0, 1]
    # The suggestion board is never broken down by branch.
    assert "suggestions" not in [panel.key for panel in response.context["panels"]]
    assert "本科生第一党支部" in response.text


COUNT_FIGURES = {
    "members": {"people", "due"} | {f"status-{s}" for s in PoliticalStatus.values},
    "study": {"participants", "stage-1", "stage-2", "stage-3", "stage-done", "behind", "ready"}
    | {"activities", "registered", "attended"},
}


def test_each_figure_of_the_branch_view_leads_to_a_list_of_as_many(
    reviewer_client, branch, branch_data
):
    response = reviewer_client.get(reverse("workstation:branch", args=[branch.pk]))
    checked = 0
    for panel_key, keys in COUNT_FIGURES.items():
        for figure in _panel(response, panel_key).figures:
            if figure.key in keys:
                assert _list_count(reviewer_client, figure.url) == figure.value, figure
                checked += 1
    assert checked == len(COUNT_FIGURES["members"]) + len(COUNT_FIGURES["study"])
    # The attendance rate links to the places it is a share of.
    study = {figure.key: figure for figure in _panel(response, "study").figures}
    assert _list_count(reviewer_client, study["attendance"].url) == study["registered"].value
    for chart in _panel(response, "study").charts:
        for value, url in zip(chart.values, chart.urls, strict=True):
            assert _list_count(reviewer_client, url) == value, (chart.key, url)


def test_a_secretary_sees_only_his_branch(reviewer_client, member_client, branch, branch_data):
    other = branch_data["other_branch"]
    assert reviewer_client.get(reverse("workstation:branch", args=[other.pk])).status_code == 404
    report = reverse("workstation:report-xlsx") + f"?branch={other.pk}"
    assert reviewer_client.get(report).status_code == 404
    assert reviewer_client.get(reverse("workstation:dashboard")).status_code == 403
    assert member_client.get(reverse("workstation:branch", args=[branch.pk])).status_code == 404
    # The list of branch views takes a secretary straight to his own.
    response = reviewer_client.get(reverse("workstation:branches"))
    assert response["Location"] == reverse("workstation:branch", args=[branch.pk])


def test_a_bad_period_is_refused_with_a_message(reviewer_client, branch, branch_data):
    url = reverse("workstation:branch", args=[branch.pk])
    for query in (
        {"period": "range", "start": "2026-09-30", "end": "2026-09-01"},
        {"period": "range", "start": "2026-09-01"},
        {"period": "range", "start": "no date", "end": "2026-09-01"},
        {"period": "decade"},
        {"period": "range", "start": "2020-01-01", "end": "2026-01-01"},
    ):
        response = reviewer_client.get(url, query)
        assert response.status_code == 200
        shown = [str(m) for m in response.context["messages"]]
        assert any("this semester is shown" in m or "本学期" in m for m in shown), query
        assert response.context["period"] == semester_of(_today())


def test_the_period_chooses_the_activities_counted(reviewer_client, branch, branch_data):
    url = reverse("workstation:branch", args=[branch.pk])
    last = reviewer_client.get(url, {"period": "last"})
    assert last.context["period"] == semester_before(semester_of(_today()))
    start = (timezone.now() - datetime.timedelta(days=401)).date()
    old = reviewer_client.get(
        url, {"period": "range", "start": start.isoformat(), "end": (start + DAY * 3).isoformat()}
    )
    assert _figure(old, "study", "activities").value == 1
    assert _list_count(reviewer_client, _figure(old, "study", "activities").url) == 1


# --- the staff dashboard --------------------------------------------------------------------------


@pytest.fixture
def suggestions(student):
    now = timezone.now()
    SuggestionFactory(author=student, created_at=now - datetime.timedelta(days=10))  # overdue
    SuggestionFactory(author=student, status=Status.ACCEPTED)
    SuggestionFactory(
        answered=True,
        satisfied=True,
        first_response_at=now,
        answered_at=now,
        created_at=now - datetime.timedelta(hours=4),
    )


def test_the_dashboard_shows_the_college_and_the_board(staff_client, branch_data, suggestions):
    response = staff_client.get(reverse("workstation:dashboard"))
    assert response.status_code == 200
    assert _figure(response, "members", "status-full").value == 2  # both branches' and no staff
    assert _figure(response, "study", "participants").value == 4
    assert _figure(response, "study", "activities").value == 3
    assert _figure(response, "study", "registered").value == 3
    assert _figure(response, "study", "attended").value == 2
    board = {f.key: f.value for f in _panel(response, "suggestions").figures}
    assert board["open"] == 2
    assert board["overdue"] == 1
    assert board["submitted"] == 3
    assert board["satisfaction"] == 100
    assert board["median-answer"] in ("4.0 h", "4.0 小时")
    for figure in _panel(response, "suggestions").figures[:3]:
        assert _list_count(staff_client, figure.url) == figure.value, figure
    for panel_key, keys in COUNT_FIGURES.items():
        for figure in _panel(response, panel_key).figures:
            if figure.key in keys:
                assert _list_count(staff_client, figure.url) == figure.value, figure
    # The charts' data is in a JSON script element for the static script (no inline script).
    assert 'id="glance-charts" type="application/json"' in response.text
    assert "js/workstation-glance" in response.text


# --- the figure cache -----------------------------------------------------------------------------


def test_heavy_figures_are_kept_and_computed_again_by_the_task(
    staff_client, branch, branch_data, django_capture_on_commit_callbacks
):
    url = reverse("workstation:branch", args=[branch.pk])
    first = staff_client.get(url)
    assert _figure(first, "study", "participants").value == 3
    assert 'data-testid="computed-at"' in first.text
    EnrollmentFactory(plan=StudyPlanFactory(), person=branch_data["activist"])
    # Read from the cache table: the new participant is not counted yet...
    assert _figure(staff_client.get(url), "study", "participants").value == 3
    # ...until the staff button has the task compute the scope again.
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(reverse("workstation:refresh"), {"branch": branch.pk})
    assert response.status_code == 302
    assert len(callbacks) == 1
    period = semester_of(_today())
    refresh_figures(branch.pk, period.start.isoformat(), period.end.isoformat())
    assert _figure(staff_client.get(url), "study", "participants").value == 4
    # The periodic run computes the college and every active branch, this and last semester.
    computed = refresh_figures()
    # (college + two branches) x two semesters x three heavy sources (people, study, evaluations)
    assert computed == 2 * 3 * 3
    scopes = set(FigureSnapshot.objects.values_list("scope", flat=True))
    assert Scope(None, period.start, period.end).key in scopes


def test_the_refresh_is_a_periodic_task(db):
    from django.core.management import call_command

    call_command("setup_periodic_tasks", stdout=io.StringIO())
    assert PeriodicTask.objects.filter(task="workstation.refresh_figures").exists()


# --- the semester report --------------------------------------------------------------------------


def test_the_report_workbook_has_a_sheet_per_part(reviewer_client, member, branch, branch_data):
    member.name = "=HYPERLINK(1)"  # behind schedule: named in the study sheet's table
    member.save(update_fields=["name"])
    response = reviewer_client.get(reverse("workstation:report-xlsx") + f"?branch={branch.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="semester-report-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["人员", "学习", "朋辈辅导", "宿舍"]
    people = book["人员"]
    assert people["A1"].value.startswith("本科生第一党支部 · ")
    rows = [[cell.value for cell in row][:2] for row in people.iter_rows()]
    assert ["人员", 5] in rows
    assert ["正式党员", 1] in rows
    study = [[cell.value for cell in row] for row in book["学习"].iter_rows()]
    figures = [row[:2] for row in study]
    assert ["进度落后", 1] in figures
    assert ["活动场次", 2] in figures
    assert "'=HYPERLINK(1)" in [row[0] for row in study]  # the table of participants behind
    # The name a spreadsheet would run is written as text.
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in study for cell in row)


def test_a_report_of_a_bad_period_is_refused(reviewer_client, branch, branch_data):
    query = {"branch": branch.pk, "period": "range", "start": "2026-09-30", "end": "2026-09-01"}
    response = reviewer_client.get(reverse("workstation:report-xlsx"), query, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("workstation:branch", args=[branch.pk]))
    assert "application/vnd" not in response["Content-Type"]
    assert "结束日期早于开始日期" in response.text


def test_the_report_in_english(reviewer, branch, branch_data):
    reviewer.language = "en"
    reviewer.save(update_fields=["language"])
    client = Client()
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("workstation:report-xlsx") + f"?branch={branch.pk}",
        headers={"accept-language": "en"},
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["People", "Study", "Peer tutoring", "Dorms"]


def test_the_printable_report(staff_client, branch, branch_data, suggestions):
    response = staff_client.get(reverse("workstation:report"), {"period": "last"})
    assert response.status_code == 200
    text = response.text
    assert "css/report-print" in text
    # people, study, tutoring, dorms, suggestions
    assert text.count('class="report-part"') == 5
    assert "崇实书院" in text
    assert semester_before(semester_of(_today())).label in text
    css = (settings.BASE_DIR / "static/css/report-print.css").read_text()
    assert "size: A4" in css
    assert ".report-part + .report-part" in css and "break-before: page" in css
    branch_page = staff_client.get(reverse("workstation:report"), {"branch": branch.pk})
    assert branch_page.text.count('class="report-part"') == 4  # no suggestions
    assert "本科生第一党支部" in branch_page.text


# --- my workstation -------------------------------------------------------------------------------


def test_a_members_next_actions_most_urgent_first(member_client, member, branch):
    now = timezone.now()
    tomorrow = ActivityFactory(branch=branch, title="明天的学习会")
    RegistrationFactory(activity=tomorrow, person=member)
    running = ActivityFactory(branch=branch, running=True, title="正在进行的学习会")
    RegistrationFactory(activity=running, person=member)
    StudyEntryFactory(person=member, material="草稿-党章")
    returned = StudyEntryFactory(
        person=member, material="被退回-讲话", status=StudyEntry.Status.RETURNED
    )
    MilestoneFactory(
        person=member, kind=Milestone.Kind.PROBATIONARY, date=_today() - datetime.timedelta(360)
    )
    NoticeFactory(recipient=member, title="一条未读通知")
    EnrollmentFactory(person=member)

    response = member_client.get(reverse("home"))
    actions = response.context["actions"]
    labels = [action.label for action in actions]
    assert "正在进行的学习会" in labels[0]
    assert actions[0].url == reverse("study:activity-sign-in", args=[running.pk])
    assert any("明天的学习会" in label for label in labels)
    assert labels.index(next(x for x in labels if "明天" in x)) > 0
    assert any("被退回-讲话" in label for label in labels)
    assert any("草稿-党章" in label for label in labels)
    assert labels.index(next(x for x in labels if "草稿" in x)) == len(labels) - 1
    edit = reverse("study:entry-edit", args=[returned.pk])
    assert edit in [action.url for action in actions]
    assert any("转正" in label or "confirmation" in label for label in labels)
    assert "一条未读通知" in response.text
    assert [panel.key for panel in response.context["summaries"]] == ["study"]
    assert now  # the activities were made relative to now


def test_a_students_suggestions_and_their_state(student_client, student):
    SuggestionFactory(author=student, title="图书馆开放时间")
    answered = SuggestionFactory(anonymous_by=student, answered=True, title="自习室空调")
    response = student_client.get(reverse("home"))
    summary = response.context["summaries"][0]
    assert summary.key == "suggestions"
    assert {(f.label, f.value) for f in summary.figures} == {
        ("图书馆开放时间", "已提交"),
        ("自习室空调", "已答复"),
    }
    action = response.context["actions"][0]
    assert action.url == answered.get_absolute_url()


def test_a_reviewers_next_actions(reviewer_client, member, branch, branch_data):
    StudyEntryFactory(person=member, submitted=True)
    response = reviewer_client.get(reverse("home"))
    actions = {action.url: action.label for action in response.context["actions"]}
    assert actions[reverse("study:review")].startswith("1")
    # The development steps due, as the branch's development page counts them: the member's
    # admission waits for the approval of the committee above (overdue).
    due = next(url for url in actions if "due=soon" in url)
    assert url_branch(due) == branch.pk
    assert actions[due].startswith("本科生第一党支部") and "1" in actions[due]
    assert _list_count(reviewer_client, due) == 1
    ready = next(url for url in actions if "ready=1" in url)
    behind = next(url for url in actions if "behind=1" in url)
    assert _list_count(reviewer_client, ready) == 1
    assert _list_count(reviewer_client, behind) == 1


def test_a_reviewer_following_a_plan_reads_his_own_progress(
    reviewer_client, reviewer, branch, branch_data
):
    """His own panel comes from the progress his next actions computed for his people, his
    own included: the same figures as his progress page."""
    enrollment = EnrollmentFactory(plan=Enrollment.objects.first().plan, person=reviewer)
    StudyEntryFactory(person=reviewer, approved=True, hours=Decimal("5.0"))
    response = reviewer_client.get(reverse("home"))
    (panel,) = [panel for panel in response.context["summaries"] if panel.key == "study"]
    overall = next(figure for figure in panel.figures if figure.key == "overall")
    assert overall.value == progress_of_one(enrollment).overall_percent > 0


# --- query counts at two sizes --------------------------------------------------------------------


def _grow(branch, plan, size: int) -> None:
    for n in range(size):
        person = UserFactory(party_member=True, branch=branch)
        EnrollmentFactory(plan=plan, person=person)
        StudyEntryFactory(person=person, submitted=True)
        activity = ActivityFactory(branch=branch, past=True, title=f"活动{n}")
        RegistrationFactory(activity=activity, person=person, attended=True)
        SuggestionFactory(author=person)


@pytest.mark.parametrize("size", [2, 12])
def test_queries_stay_flat(
    size,
    member,
    reviewer,
    staff_client,
    reviewer_client,
    member_client,
    branch,
    django_assert_max_num_queries,
):
    plan = StudyPlanFactory()
    RequirementFactory(plan=plan, stage=1, kind=Requirement.Kind.HOURS, minimum=10)
    EnrollmentFactory(plan=plan, person=member)
    _grow(branch, plan, size)
    for n in range(size):
        StudyEntryFactory(person=member, material=f"草稿{n}")
        RegistrationFactory(activity=ActivityFactory(branch=branch), person=member)
    pages = [
        (staff_client, reverse("workstation:dashboard"), 48),
        (reviewer_client, reverse("workstation:branch", args=[branch.pk]), 42),
        (reviewer_client, reverse("home"), 34),
        (member_client, reverse("home"), 30),
        (staff_client, reverse("workstation:report-xlsx"), 21),
        (staff_client, reverse("workstation:report"), 25),
    ]
    for client, url, most in pages:
        # The first request computes the heavy figures (and keeps them); the second reads them.
        for _ in range(2):
            with django_assert_max_num_queries(most):
                assert client.get(url).status_code == 200
    assert Enrollment.objects.filter(plan=plan).count() == size + 1


def test_a_long_table_shows_its_first_rows_and_the_report_all_of_them(staff_client, branch):
    """Twenty-three probations ending within 30 days, each a confirmation and a development step
    due: the dashboard lists the first twenty of each table and says how many more there are;
    the printable report lists them all."""
    for number in range(23):
        person = UserFactory(
            name=f"测试人{number:02d}", political_status=PoliticalStatus.PROBATIONARY, branch=branch
        )
        MilestoneFactory(person=person, kind=Milestone.Kind.PROBATIONARY, date=_today() - 355 * DAY)
    dashboard = staff_client.get(reverse("workstation:dashboard")).content.decode()
    assert dashboard.count("测试人") == 2 * 20
    assert dashboard.count("还有 3 行：全部见报表。") == 2  # noqa: RUF001
    report = staff_client.get(reverse("workstation:report")).content.decode()
    assert report.count("测试人") == 2 * 23
    assert "全部见报表" not in report
