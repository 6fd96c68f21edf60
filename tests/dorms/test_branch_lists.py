"""A branch's dorm lists (`dorms:branch`), behind the figures of its view: for its secretary
and staff only, each list only the work of the branch's members, read-only, without scores,
residents or key dorms; and the same number of queries for more rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dorms.models import AssistanceAction, InspectionStatus, KeyDorm
from members.models import PoliticalStatus
from tests.factories import BranchFactory, UserFactory

from .factories import (
    ContactFactory,
    InspectionFactory,
    ResidencyFactory,
    RoomFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(branch, show: str) -> str:
    today = timezone.localdate()
    start, end = (today - 30 * DAY).isoformat(), today.isoformat()
    return f"{reverse('dorms:branch', args=[branch.pk])}?show={show}&start={start}&end={end}"


def _done(inspection, score: str = "55") -> None:
    inspection.status = InspectionStatus.DONE
    inspection.score = Decimal(score)
    inspection.done_on = timezone.localdate() - DAY
    inspection.done_at = timezone.now()
    inspection.save()


def _action(key_dorm, member, **fields) -> AssistanceAction:
    return AssistanceAction.objects.create(
        key_dorm=key_dorm,
        date=fields.pop("date", timezone.localdate()),
        kind="visit",
        note="私下的帮扶记录",
        member=member,
        confirmed_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def other_branch(db):
    branch = BranchFactory(name="研究生党支部")
    branch.secretary = UserFactory(name="王书记", political_status=PoliticalStatus.FULL)
    branch.save(update_fields=["secretary"])
    return branch


@pytest.fixture
def work(branch, other_branch):
    """The branch's inspector: a room given in this round (done, scored 37.5), a room of last
    year's round; he looks after a room with a resident (and a phone), made a key dorm, and
    logged a confirmed assistance action on it. Another branch's inspector does the same."""
    ours = UserFactory(name="赵检查员", branch=branch, political_status=PoliticalStatus.FULL)
    theirs = UserFactory(
        name="钱检查员", branch=other_branch, political_status=PoliticalStatus.FULL
    )
    now_round = RoundFactory(name="十一月检查")
    old_round = RoundFactory(
        starts=timezone.localdate() - 400 * DAY, ends=timezone.localdate() - 390 * DAY
    )
    _done(InspectionFactory(round=now_round, inspector=ours), "37.5")
    InspectionFactory(round=old_round, inspector=ours)
    _done(InspectionFactory(round=now_round, inspector=theirs))
    room = RoomFactory(number="301")
    ContactFactory(member=ours, room=room)
    ContactFactory(member=theirs, room=RoomFactory(number="999"))
    ResidencyFactory(person=UserFactory(name="住户甲", phone="13800001111"), room=room)
    key_dorm = KeyDorm.objects.create(room=room, reason="私下的原因")
    _action(key_dorm, ours)
    _action(key_dorm, ours, date=timezone.localdate() - 400 * DAY)
    _action(key_dorm, theirs)
    return {"ours": ours, "room": room}


def test_the_secretary_reads_only_his_members_work(reviewer_client, branch, work):
    pages = {
        show: reviewer_client.get(_url(branch, show))
        for show in ("assigned", "inspected", "completed", "assistance", "looked-after")
    }
    names = {
        show: [str(row) if show == "looked-after" else row.pk for row in response.context["page"]]
        for show, response in pages.items()
    }
    assert len(names["assigned"]) == len(names["inspected"]) == len(names["completed"]) == 1
    assert len(names["assistance"]) == 1
    assert names["looked-after"] == [str(work["room"])]
    html = "".join(response.content.decode() for response in pages.values())
    assert "赵检查员" in html and "301" in html
    for hidden in ("钱检查员", "999", "37.5", "37,5", "住户甲", "13800001111", "私下的"):
        assert hidden not in html, hidden
    # Read-only: no way to a room, an inspection, a key dorm or a staff page.
    for path in ("/dorms/rooms/", "/dorms/inspections/", "/dorms/key-dorms/", "/dorms/rounds/"):
        assert f'href="{path}' not in html, path


def test_a_list_with_no_period_covers_any_time(reviewer_client, branch, work):
    response = reviewer_client.get(reverse("dorms:branch", args=[branch.pk]), {"show": "assigned"})
    assert response.context["page"].paginator.count == 2  # last year's round too
    assert response.context["show"] == "assigned"


def test_another_branchs_secretary_and_committee_get_404(client, branch, other_branch, work):
    committee = UserFactory(political_status=PoliticalStatus.FULL, branch=branch)
    branch.committee.add(committee)
    for person in (other_branch.secretary, committee, work["ours"]):
        client.force_login(person)
        assert client.get(_url(branch, "assigned")).status_code == 404
    client.force_login(other_branch.secretary)
    response = client.get(_url(other_branch, "looked-after"))
    assert [room.number for room, _names in response.context["looked_after"]] == ["999"]


def test_staff_read_any_branch(staff_client, branch, work):
    response = staff_client.get(_url(branch, "looked-after"))
    assert response.context["looked_after"] == [(work["room"], ["赵检查员"])]


def _grow(branch, count: int) -> None:
    now_round = RoundFactory()
    for _ in range(count):
        member = UserFactory(branch=branch, political_status=PoliticalStatus.FULL)
        inspection = InspectionFactory(round=now_round, inspector=member)
        _done(inspection)
        ContactFactory(member=member, room=inspection.room)
        ContactFactory(member=member, floor=RoomFactory().floor)
        key_dorm = KeyDorm.objects.create(room=inspection.room, reason="测试")
        _action(key_dorm, member)


@pytest.mark.parametrize("count", [2, 12])
@pytest.mark.parametrize(
    "show", ["assigned", "inspected", "completed", "assistance", "looked-after"]
)
def test_the_lists_take_the_same_queries_for_more_rows(
    reviewer_client, branch, count, show, django_assert_max_num_queries
):
    _grow(branch, count)
    with django_assert_max_num_queries(10):
        response = reviewer_client.get(_url(branch, show))
    assert response.context["page"].paginator.count == count * (2 if show == "looked-after" else 1)


def test_a_list_is_searched_by_name_number_or_room(reviewer_client, branch, work):
    other = UserFactory(name="孙检查员", branch=branch, political_status=PoliticalStatus.FULL)
    ContactFactory(member=other, room=RoomFactory(number="502"))
    rooms = reviewer_client.get(_url(branch, "looked-after") + "&q=30")
    assert [str(row) for row in rooms.context["page"]] == [str(work["room"])]
    assert (
        reviewer_client.get(_url(branch, "assigned") + "&q=赵").context["page"].paginator.count == 1
    )
    assert (
        reviewer_client.get(_url(branch, "assigned") + "&q=孙").context["page"].paginator.count == 0
    )
    assert (
        reviewer_client.get(_url(branch, "assistance") + "&q=赵检查")
        .context["page"]
        .paginator.count
        == 1
    )
