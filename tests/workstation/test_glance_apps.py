"""The panels of peer tutoring, the dorms and the development procedure on the workstation's
pages: their figures against data counted by hand here, the lists behind them, the next
actions on my workstation, and query counts at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Avg
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dorms.models import (
    Answer,
    AssistanceAction,
    Dispute,
    DisputeStatus,
    FollowUp,
    InspectionStatus,
    KeyDorm,
    KeyStatus,
)
from members.models import Milestone, PoliticalStatus
from tests.dorms.factories import (
    ChecklistItemFactory,
    ContactFactory,
    InspectionFactory,
    ResidencyFactory,
    RoomFactory,
    RoundFactory,
)
from tests.factories import BranchFactory, MilestoneFactory, UserFactory
from tests.tutoring.factories import (
    PairingFactory,
    RatingFactory,
    RequestFactory,
    SessionFactory,
    TutorFactory,
)
from tutoring.models import RequestStatus, Status

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _panel(response, key: str):
    return next(panel for panel in response.context["panels"] if panel.key == key)


def _figures(response, key: str) -> dict:
    return {figure.key: figure for figure in _panel(response, key).figures}


def _count(client: Client, url: str, page: str = "page") -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context[page].paginator.count


def _rows(client: Client, url: str) -> int:
    """The rows a branch's list shows (one page of them), checked against its count."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert len(page.object_list) == page.paginator.count, url
    html = response.content.decode()
    table = html[html.index('data-testid="rows"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    shown = 0 if page.paginator.count == 0 else body.count("<tr>")
    assert shown == page.paginator.count, url
    return shown


def _admin_rows(client: Client, url: str):
    """The rows of an admin list the figure links to (the filters of its URL applied)."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert "?e=1" not in response.get("Location", ""), url  # a filter the admin refused
    return response.context["cl"].queryset


@pytest.fixture
def admin_staff(staff) -> Client:
    """A staff member who reads the admin's tutoring and dorms lists, as the college's staff
    group does."""
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_session", "view_rating", "view_inspection"])
    )
    return _client(staff)


# --- peer tutoring ----------------------------------------------------------------------------


@pytest.fixture
def tutoring(branch, student):
    """A tutor of the branch and one of another branch; requests waiting, pairings in every
    state, sessions confirmed in the period and before it, ratings."""
    tutor = TutorFactory(name="赵导师", branch=branch)
    other = TutorFactory(name="钱导师", branch=BranchFactory(name="研究生党支部"))
    RequestFactory(tutee=UserFactory(branch=branch))  # waiting, of the branch
    RequestFactory(status=RequestStatus.PROPOSED)  # waiting, no branch
    PairingFactory(proposed=True, tutor=tutor)  # its request waits too: proposed
    ours = PairingFactory(
        tutor=tutor,
        request=RequestFactory(tutee=student, status=RequestStatus.MATCHED),
        quiet_since=_today() - 30 * DAY,
    )
    theirs = PairingFactory(tutor=other, status=Status.PAUSED)
    PairingFactory(tutor=tutor, status=Status.ENDED, end_reason="goal")
    RatingFactory(session=SessionFactory(pairing=ours, confirmed=True), score=4)
    SessionFactory(pairing=ours, confirmed=True, topic="待评价的一次")  # not rated yet
    SessionFactory(pairing=ours, topic="导师记下的一次")  # for the student to confirm
    SessionFactory(pairing=ours, logged_by=student, topic="学生记下的一次")  # for the tutor
    RatingFactory(session=SessionFactory(pairing=theirs, confirmed=True), score=5)
    long_ago = SessionFactory(pairing=theirs, confirmed=True, date=_today() - 400 * DAY)
    RatingFactory(session=long_ago, score=1)
    return {"tutor": tutor, "ours": ours}


def test_the_dashboard_counts_tutoring_by_hand(admin_staff, tutoring):
    response = admin_staff.get(reverse("workstation:dashboard"))
    figures = _figures(response, "tutoring")
    assert figures["waiting"].value == 3
    assert figures["active"].value == 2
    assert figures["sessions"].value == 3
    assert figures["rating"].value == 4.5  # (4 + 5) / 2: the old session's 1 is not counted
    assert _count(admin_staff, figures["waiting"].url, "requests_page") == 3
    assert _count(admin_staff, figures["active"].url, "pairings_page") == 2
    # The confirmed sessions of the period, and the ratings averaged, in the admin's lists.
    assert _admin_rows(admin_staff, figures["sessions"].url).count() == 3
    ratings = _admin_rows(admin_staff, figures["rating"].url)
    assert ratings.count() == 2
    assert ratings.aggregate(avg=Avg("score"))["avg"] == figures["rating"].value


def test_a_branch_counts_its_members_as_tutors(reviewer_client, staff_client, branch, tutoring):
    response = reviewer_client.get(reverse("workstation:branch", args=[branch.pk]))
    figures = _figures(response, "tutoring")
    assert figures["waiting"].value == 1
    assert figures["active"].value == 1
    assert figures["sessions"].value == 2
    assert "rating" not in figures  # ratings are never broken down
    # Each figure links to the branch's own list, which the secretary and staff open, with as
    # many rows; never to the staff's overview.
    for key in ("waiting", "active", "sessions"):
        for client in (reviewer_client, staff_client):
            assert _rows(client, figures[key].url) == figures[key].value, key
    assert 'href="/tutoring/overview/' not in response.content.decode()
    assert f'href="{figures["sessions"].url.replace("&", "&amp;")}"' in response.content.decode()


def test_a_tutors_and_a_students_next_actions(student, tutoring):
    tutor = tutoring["tutor"]
    actions = _client(tutor).get(reverse("home")).context["actions"]
    labels = [action.label for action in actions]
    assert any(label.startswith("请你辅导") for label in labels), labels
    assert any("学生记下的一次" in label for label in labels)
    assert not any("导师记下的一次" in label for label in labels)
    assert any(label.startswith(f"与{student.display_name}") for label in labels), labels

    response = _client(student).get(reverse("home"))
    labels = [action.label for action in response.context["actions"]]
    assert any("导师记下的一次" in label for label in labels)
    assert not any("学生记下的一次" in label for label in labels)
    assert any("待评价的一次" in label for label in labels)
    summary = next(p for p in response.context["summaries"] if p.key == "tutoring")
    assert [f.value for f in summary.figures] == ["已结对"]


# --- dorms --------------------------------------------------------------------------------------


def _done(inspection, score: str) -> None:
    inspection.status = InspectionStatus.DONE
    inspection.score = Decimal(score)
    inspection.done_on = _today() - DAY
    inspection.done_at = timezone.now()
    inspection.save()


def _failed_answer(inspection) -> Answer:
    item = ChecklistItemFactory(checklist=inspection.round.checklist)
    return Answer.objects.create(
        inspection=inspection,
        item=item,
        group=item.group,
        text=item.text,
        weight=1,
        scale=item.scale,
        value=1,
    )


@pytest.fixture
def dorms(member, student):
    """A round under way with three rooms (two done, one for the member) and a re-inspection,
    a round of last year; a key dorm open and one closed; a dispute waiting and one settled;
    the student lives in the first room."""
    now_round = RoundFactory(name="十一月检查")
    old_round = RoundFactory(starts=_today() - 400 * DAY, ends=_today() - 390 * DAY)
    first = InspectionFactory(round=now_round)
    _done(first, "80")
    second = InspectionFactory(round=now_round)
    _done(second, "91")
    InspectionFactory(round=now_round, inspector=member)
    InspectionFactory(round=now_round, room=first.room, original=first, inspector=member)
    _done(InspectionFactory(round=old_round), "10")
    KeyDorm.objects.create(room=first.room, reason="安全隐患")
    KeyDorm.objects.create(room=RoomFactory(), reason="已整改", status=KeyStatus.CLOSED)
    answer = _failed_answer(first)
    Dispute.objects.create(
        answer=answer, resident=student, text="有异议", is_dispute=True, status=DisputeStatus.OPEN
    )
    Dispute.objects.create(answer=_failed_answer(first), resident=student, text="知道了")
    mine = InspectionFactory(round=old_round, inspector=member)
    _done(mine, "60")
    FollowUp.objects.create(answer=_failed_answer(mine), due=_today() + DAY)
    ResidencyFactory(person=student, room=first.room)
    return {"first": first, "mine": mine}


def test_the_dashboard_counts_the_dorms_by_hand(admin_staff, dorms):
    response = admin_staff.get(reverse("workstation:dashboard"))
    figures = _figures(response, "dorms")
    assert figures["rounds"].value == 1
    assert figures["assigned"].value == 3  # the re-inspection is not a room more
    assert figures["inspected"].value == 2
    assert figures["average"].value == 85.5
    assert figures["key-open"].value == 1
    assert figures["disputes"].value == 1
    for key in ("rounds", "key-open", "disputes"):
        assert _count(admin_staff, figures[key].url) == figures[key].value, key
    for key in ("assigned", "inspected"):
        assert _admin_rows(admin_staff, figures[key].url).count() == figures[key].value, key
    scored = _admin_rows(admin_staff, figures["average"].url)
    assert scored.count() == 2
    assert scored.aggregate(avg=Avg("score"))["avg"] == Decimal("85.5")


def test_a_branch_counts_its_members_dorm_work(reviewer_client, branch, member, dorms):
    """The member was given a room of this round (not done; his re-inspection is no room
    more), did an inspection yesterday in last year's round, had one assistance action
    confirmed (and one not yet, one of last year); he looks after a room and a floor of three
    rooms, one of which is that room again. Another branch's inspector counts nowhere."""
    room = RoomFactory()
    for _ in range(2):
        RoomFactory(floor=room.floor)
    ContactFactory(member=member, room=room)
    ContactFactory(member=member, floor=room.floor)
    ContactFactory(member=TutorFactory(branch=BranchFactory()), room=RoomFactory())
    key_dorm = KeyDorm.objects.exclude(status=KeyStatus.CLOSED).get()
    for date, confirmed in ((_today(), True), (_today(), False), (_today() - 400 * DAY, True)):
        AssistanceAction.objects.create(
            key_dorm=key_dorm,
            date=date,
            kind="talk",
            note="谈心",
            member=member,
            confirmed_at=timezone.now() if confirmed else None,
        )
    outsider = TutorFactory(branch=BranchFactory())
    _done(InspectionFactory(round=dorms["first"].round, inspector=outsider), "70")

    response = reviewer_client.get(reverse("workstation:branch", args=[branch.pk]))
    figures = _figures(response, "dorms")
    assert figures["assigned"].value == 1
    assert figures["inspected"].value == 0
    assert figures["completed"].value == 1
    assert figures["assistance"].value == 1
    assert figures["looked-after"].value == 3
    assert "average" not in figures and "key-open" not in figures
    # Each figure links to the branch's own list, with as many rows; never to the admin's.
    for key in ("assigned", "inspected", "completed", "assistance", "looked-after"):
        assert _rows(reviewer_client, figures[key].url) == figures[key].value, key
    assert "/admin/" not in response.content.decode()


def test_an_inspectors_and_a_residents_next_actions(member_client, student, dorms):
    actions = member_client.get(reverse("home")).context["actions"]
    labels = {action.label: action for action in actions}
    rooms = next(label for label in labels if label.startswith("十一月检查"))
    assert "2间宿舍待检查" in rooms
    assert labels[rooms].url == reverse("dorms:mine")
    follow_up = next(label for label in labels if "整改项" in label)
    assert labels[follow_up].url == dorms["mine"].get_absolute_url()

    response = _client(student).get(reverse("home"))
    room = next(p for p in response.context["summaries"] if p.key == "dorms")
    assert room.figures[0].value == Decimal("80")
    assert room.figures[0].url == dorms["first"].get_absolute_url()


# --- the development procedure -----------------------------------------------------------------

Kind = Milestone.Kind


def _person(branch, status: str, *steps: tuple[str, int]):
    person = UserFactory(branch=branch, political_status=status)
    for kind, days_ago in steps:
        MilestoneFactory(person=person, kind=kind, date=_today() - days_ago * DAY)
    return person


@pytest.fixture
def development(branch, member):
    """In the branch: an applicant whose talk is overdue (applied 60 days ago, due within a
    month), one whose talk is due in about 20 days, an activist whose next record is months
    away, and the member, admitted 360 days ago with no approval from the committee above
    (due within three months: overdue). Another branch has an overdue applicant."""
    _person(branch, PoliticalStatus.APPLICANT, (Kind.APPLICATION, 60))
    _person(branch, PoliticalStatus.APPLICANT, (Kind.APPLICATION, 10))
    _person(
        branch,
        PoliticalStatus.ACTIVIST,
        (Kind.APPLICATION, 200),
        (Kind.TALK, 190),
        (Kind.ACTIVIST, 30),
    )
    MilestoneFactory(person=member, kind=Kind.PROBATIONARY, date=_today() - 360 * DAY)
    other = BranchFactory(name="研究生党支部")
    _person(other, PoliticalStatus.APPLICANT, (Kind.APPLICATION, 90))
    return other


def test_a_branch_counts_development_steps_as_its_page(reviewer_client, branch, development):
    response = reviewer_client.get(reverse("workstation:branch", args=[branch.pk]))
    figures = _figures(response, "members")
    assert figures["steps-due"].value == 3
    assert figures["steps-overdue"].value == 2
    assert figures["status-applicant"].value == 2
    assert _count(reviewer_client, figures["steps-due"].url) == 3
    assert _count(reviewer_client, figures["steps-overdue"].url) == 2
    stages = next(c for c in _panel(response, "members").charts if c.key == "stages")
    assert stages.values == [2, 1, 0, 1]  # applicants, activists, candidates, probationary
    for value, url in zip(stages.values, stages.urls, strict=True):
        assert _count(reviewer_client, url) == value


def test_the_college_counts_every_branchs_steps(staff_client, development):
    figures = _figures(staff_client.get(reverse("workstation:dashboard")), "members")
    assert figures["steps-due"].value == 4
    assert figures["steps-overdue"].value == 3
    for key in ("steps-due", "steps-overdue"):
        rows = staff_client.get(figures[key].url).context["rows"]
        assert len(rows) == figures[key].value, key


def test_a_committee_member_sees_his_branchs_steps_due(branch, development):
    committee = UserFactory(branch=branch, political_status=PoliticalStatus.FULL)
    branch.committee.add(committee)
    client = _client(committee)
    actions = [a for a in client.get(reverse("home")).context["actions"] if "due=soon" in a.url]
    assert len(actions) == 1  # his branch only, not the other one
    label = actions[0].label
    assert label.startswith("本科生第一党支部") and "30天内有3个发展环节到期" in label
    assert "2个已逾期" in label
    assert _count(client, actions[0].url) == 3


def test_a_members_own_step_follows_his_extended_probation(member, member_client):
    MilestoneFactory(person=member, kind=Kind.PROBATIONARY, date=_today() - 360 * DAY)
    labels = [a.label for a in member_client.get(reverse("home")).context["actions"]]
    assert any("预备期" in label for label in labels), labels
    MilestoneFactory(person=member, kind=Kind.EXTENSION, date=_today() - 10 * DAY, months=6)
    labels = [a.label for a in member_client.get(reverse("home")).context["actions"]]
    assert not any("预备期" in label for label in labels), labels


# --- query counts at two sizes ----------------------------------------------------------------


def _grow(branch, member, student, size: int) -> None:
    tutor = TutorFactory(branch=branch)
    now_round = RoundFactory()
    for _ in range(size):
        pairing = PairingFactory(tutor=tutor, quiet_since=_today() - 40 * DAY)
        SessionFactory(pairing=pairing, logged_by=pairing.tutee)
        RatingFactory(session=SessionFactory(pairing=pairing, confirmed=True))
        PairingFactory(proposed=True, tutor=tutor)
        PairingFactory(tutor=member, request=RequestFactory(tutee=student))
        RequestFactory(tutee=student)
        inspection = InspectionFactory(round=RoundFactory(), inspector=member)
        _done(InspectionFactory(round=now_round, inspector=member), "80")
        ContactFactory(member=member, floor=RoomFactory().floor)
        key_dorm = KeyDorm.objects.create(room=inspection.room, reason="安全隐患")
        AssistanceAction.objects.create(
            key_dorm=key_dorm,
            date=_today(),
            kind="visit",
            note="走访",
            member=member,
            confirmed_at=timezone.now(),
        )
        _done(InspectionFactory(round=now_round), "70")
        FollowUp.objects.create(answer=_failed_answer(inspection), due=_today())
        _person(branch, PoliticalStatus.APPLICANT, (Kind.APPLICATION, 60))
    return tutor


@pytest.mark.parametrize("size", [2, 8])
def test_queries_stay_flat(
    size,
    branch,
    member,
    student,
    staff_client,
    member_client,
    reviewer_client,
    django_assert_max_num_queries,
):
    tutor = _grow(branch, member, student, size)
    pages = [
        (staff_client, reverse("workstation:dashboard"), 44),
        (reviewer_client, reverse("workstation:branch", args=[branch.pk]), 38),
        (_client(tutor), reverse("home"), 26),
        (member_client, reverse("home"), 26),
        (_client(student), reverse("home"), 18),
    ]
    for client, url, most in pages:
        for _ in range(2):
            with django_assert_max_num_queries(most):
                assert client.get(url).status_code == 200
