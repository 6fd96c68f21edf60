"""A branch's tutoring lists (`tutoring:branch`), behind the figures of its view: for its
secretary and staff only, each list only the branch's rows, read-only, without ratings, needs
or notes; and the same number of queries for more rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import PoliticalStatus
from tests.factories import BranchFactory, UserFactory
from tutoring.models import RequestStatus

from .factories import PairingFactory, RatingFactory, RequestFactory, SessionFactory, TutorFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(branch, show: str, **period: datetime.date) -> str:
    query = "&".join(f"{key}={value.isoformat()}" for key, value in period.items())
    return f"{reverse('tutoring:branch', args=[branch.pk])}?show={show}&{query}"


@pytest.fixture
def other_branch(db):
    """Another branch with its own secretary, tutor, request and session."""
    branch = BranchFactory(name="研究生党支部")
    branch.secretary = UserFactory(name="王书记", political_status=PoliticalStatus.FULL)
    branch.save(update_fields=["secretary"])
    tutor = TutorFactory(name="钱导师", branch=branch)
    RequestFactory(tutee=UserFactory(name="外支部学生", branch=branch), description="外支部的需求")
    SessionFactory(pairing=PairingFactory(tutor=tutor), confirmed=True, topic="外支部的一次")
    return branch


@pytest.fixture
def ours(branch, other_branch):
    """The branch's tutor with a pairing, a rated session (with a comment) and a session of
    last year; a request of one of its students, waiting."""
    tutor = TutorFactory(name="赵导师", branch=branch)
    RequestFactory(tutee=UserFactory(name="孙同学", branch=branch), description="私下的需求")
    pairing = PairingFactory(tutor=tutor, request__course="线性代数", request__topic="course")
    session = SessionFactory(pairing=pairing, confirmed=True, topic="第一章", notes="私下的笔记")
    RatingFactory(session=session, score=2, comment="不满意的评语")
    SessionFactory(pairing=pairing, confirmed=True, date=timezone.localdate() - 400 * DAY)
    return tutor


def test_the_secretary_reads_only_his_branchs_rows(reviewer_client, branch, ours):
    today = timezone.localdate()
    waiting = reviewer_client.get(_url(branch, "waiting"))
    assert [row.tutee.name for row in waiting.context["page"]] == ["孙同学"]
    active = reviewer_client.get(_url(branch, "active"))
    assert [row.tutor.name for row in active.context["page"]] == ["赵导师"]
    sessions = reviewer_client.get(_url(branch, "sessions", start=today - 30 * DAY, end=today))
    assert [row.topic for row in sessions.context["page"]] == ["第一章"]
    html = "".join(r.content.decode() for r in (waiting, active, sessions))
    assert "线性代数" in html and "孙同学" in html
    for hidden in ("外支部", "钱导师", "私下的需求", "私下的笔记", "不满意的评语"):
        assert hidden not in html, hidden
    # Read-only: no way to a request, a pairing, the overview, the hand-over or an export.
    for path in ("/tutoring/requests/", "/tutoring/pairings/", "/tutoring/overview/"):
        assert f'href="{path}' not in html, path


def test_the_lists_are_tabs_that_keep_the_period(reviewer_client, branch, ours):
    today = timezone.localdate()
    start = today - 30 * DAY
    response = reviewer_client.get(_url(branch, "waiting", start=start, end=today) + "&page=1")
    html = response.content.decode()
    assert f"?show=sessions&amp;start={start.isoformat()}&amp;end={today.isoformat()}" in html
    assert "page=1" not in html.split('data-testid="lists"')[1].split("</ul>")[0]


def test_no_period_lists_the_sessions_of_any_time(reviewer_client, branch, ours):
    response = reviewer_client.get(
        reverse("tutoring:branch", args=[branch.pk]), {"show": "sessions"}
    )
    assert response.context["page"].paginator.count == 2
    assert "任何时候" in response.content.decode()


@pytest.mark.parametrize("show", ["nonsense", "", "1e309"])
def test_an_unknown_list_shows_the_requests_waiting(reviewer_client, branch, ours, show):
    response = reviewer_client.get(
        reverse("tutoring:branch", args=[branch.pk]), {"show": show, "start": "2026-02-30"}
    )
    assert response.status_code == 200
    assert response.context["show"] == "waiting"


def test_another_branchs_secretary_and_committee_get_404(client, branch, other_branch, ours):
    committee = UserFactory(political_status=PoliticalStatus.FULL, branch=branch)
    branch.committee.add(committee)
    for person in (other_branch.secretary, committee):
        client.force_login(person)
        assert client.get(_url(branch, "waiting")).status_code == 404
    # His own branch he reads, not ours.
    client.force_login(other_branch.secretary)
    response = client.get(_url(other_branch, "waiting"))
    assert [row.tutee.name for row in response.context["page"]] == ["外支部学生"]


def test_the_secretary_of_an_inactive_branch_gets_404(reviewer_client, branch):
    branch.is_active = False
    branch.save(update_fields=["is_active"])
    assert reviewer_client.get(_url(branch, "waiting")).status_code == 404


def test_a_post_is_refused(reviewer_client, branch):
    assert reviewer_client.post(_url(branch, "waiting")).status_code == 405


def _grow(branch, count: int) -> None:
    for number in range(count):
        tutor = TutorFactory(branch=branch)
        RequestFactory(tutee=UserFactory(branch=branch), status=RequestStatus.OPEN)
        pairing = PairingFactory(tutor=tutor, request__tutee=UserFactory())
        RatingFactory(
            session=SessionFactory(pairing=pairing, confirmed=True, topic=f"第{number}次")
        )


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize("show", ["waiting", "active", "sessions"])
def test_the_lists_take_the_same_queries_for_more_rows(
    reviewer_client, branch, count, show, django_assert_max_num_queries
):
    _grow(branch, count)
    with django_assert_max_num_queries(9):
        response = reviewer_client.get(_url(branch, show))
    assert response.context["page"].paginator.count == count


def test_a_list_is_searched_by_name_or_number_keeping_the_list(reviewer_client, branch, ours):
    TutorFactory(name="周导师", branch=branch, student_number="20219999")
    PairingFactory(tutor=TutorFactory.create(name="吴导师", branch=branch))
    found = reviewer_client.get(_url(branch, "active") + "q=赵")
    assert [row.tutor.name for row in found.context["page"]] == ["赵导师"]
    assert 'name="show" value="active"' in found.content.decode()
    waiting = reviewer_client.get(_url(branch, "waiting") + "q=孙")
    assert [row.tutee.name for row in waiting.context["page"]] == ["孙同学"]
    assert (
        reviewer_client.get(_url(branch, "waiting") + "q=赵").context["page"].paginator.count == 0
    )
