"""The admin's history list shows each change as a reader reads the row: a field by its name,
a choice by its label, yes or no, a date in the reader's format, a related row by its name,
"—" for nothing; never a stored code, an id, True or None. A page of versions costs the same
queries however many versions there are."""

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from dorms.models import KeyDorm, KeyStatus
from tests.dorms.factories import BuildingFactory, FloorFactory, KeyDormRuleFactory, RoomFactory
from tests.factories import UserFactory
from tests.feedback.factories import CategoryFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(staff=True, is_superuser=True, name="管理员"))
    return client


def changes(page: str) -> list[str]:
    """Each change of the history list, as its text reads: "field: old → new"."""
    items = re.findall(r"<li>\s*(<strong>.*?)</li>", page, re.S)
    texts = [unescape(re.sub(r"<[^>]+>", "", item)) for item in items]
    return [re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip() for text in texts]


def history(client: Client, obj, language=ZH) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url, **language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def key_dorm() -> KeyDorm:
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory(name="7号楼")), number="512")
    return KeyDorm.objects.create(room=room, reason="连续两次卫生不合格")


def test_a_key_dorms_changes_read_as_its_page_reads_them(superuser_client, key_dorm):
    responsible = UserFactory(name="赵党员")
    key_dorm.status = KeyStatus.PLAN_AGREED
    key_dorm.responsible = responsible
    key_dorm.review_date = datetime.date(2030, 3, 9)
    key_dorm.rule = KeyDormRuleFactory(kind="safety")
    key_dorm.save()

    chinese = changes(history(superuser_client, key_dorm))
    assert "状态: 已列入 → 计划已确定" in chinese
    assert "负责人: — → 赵党员" in chinese
    assert "复核日期: — → 2030年3月9日" in chinese
    assert any(change.startswith("触发规则: — → ") for change in chinese)
    english = changes(history(superuser_client, key_dorm, EN))
    assert "Status: Opened → Plan agreed" in english
    assert "Responsible member: — → 赵党员" in english
    assert "Review date: — → March 9, 2030" in english

    for page in (chinese, english):
        text = " ".join(page)
        assert "opened" not in text and "plan_agreed" not in text
        assert "None" not in text and "#" not in text


def test_a_person_taken_off_shows_by_name_and_a_removed_row_by_its_kind(superuser_client, key_dorm):
    responsible = UserFactory(name="钱党员")
    key_dorm.responsible = responsible
    key_dorm.save()
    key_dorm.responsible = None
    key_dorm.save()
    rule = KeyDormRuleFactory(kind="safety")
    key_dorm.rule = rule
    key_dorm.save()
    rule_id = rule.pk
    rule.delete()  # the versions keep the rule's id

    chinese = changes(history(superuser_client, key_dorm))
    assert "负责人: 钱党员 → —" in chinese
    assert "负责人: — → 钱党员" in chinese
    assert f"触发规则: — → 已删除的重点宿舍规则 #{rule_id}" in chinese
    english = changes(history(superuser_client, key_dorm, EN))
    assert f"Rule that fired: — → Deleted key-dorm rule #{rule_id}" in english


def test_yes_and_no_and_the_people_of_a_list(superuser_client):
    category = CategoryFactory(name="后勤服务")
    first, second = UserFactory(name="孙老师"), UserFactory(name="周老师")
    category.handlers.set([first])
    category.handlers.set([first, second])
    category.is_active = False
    category.save()

    chinese = changes(history(superuser_client, category))
    assert "启用: 是 → 否" in chinese
    assert "处理人: 孙老师 → 周老师、孙老师" in chinese
    assert "处理人: — → 孙老师" in chinese
    english = changes(history(superuser_client, category, EN))
    assert "Active: Yes → No" in english
    assert "Handlers: 孙老师 → 周老师, 孙老师" in english
    assert "True" not in " ".join(english) and "False" not in " ".join(english)


def test_a_building_shows_its_residents_by_their_label(superuser_client):
    building = BuildingFactory(name="3号楼", gender="male")
    building.gender = "mixed"
    building.save()

    assert "住宿性别: 男生楼 → 男女混住楼" in changes(history(superuser_client, building))
    assert "Residents: Men's building → Mixed building" in changes(
        history(superuser_client, building, EN)
    )


def test_each_version_is_named_as_the_row_was_then(superuser_client):
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory(name="9号楼")), number="101")
    room.number = "102"
    room.save()

    page = history(superuser_client, room)
    assert "9号楼 101" in page and "9号楼 102" in page
    assert "房间号: 101 → 102" in changes(page)


def test_the_last_version_of_a_page_shows_what_it_changed(superuser_client):
    """A page holds a hundred versions: the oldest of them is told apart from the version
    before it, the first of the next page."""
    building = BuildingFactory(name="楼0")
    for number in range(1, 101):
        building.name = f"楼{number}"
        building.save()

    first_page = changes(history(superuser_client, building))
    assert len(first_page) == 100
    assert first_page[-1] == "楼栋名称: 楼0 → 楼1"
    url = reverse("admin:dorms_building_history", args=[building.pk])
    second_page = superuser_client.get(url, {"p": 2}, **ZH).content.decode()
    assert "楼0" in second_page
    assert changes(second_page) == []


def _key_dorm_with_versions(count: int) -> KeyDorm:
    """A key dorm changed `count` times, each time by another person, another rule and the
    status and date moved on, its room named by its building."""
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory()))
    key_dorm = KeyDorm.objects.create(room=room, reason="安全隐患")
    statuses = list(KeyStatus)
    for index in range(count):
        key_dorm.status = statuses[index % len(statuses)]
        key_dorm.responsible = UserFactory()
        key_dorm.rule = KeyDormRuleFactory(kind="safety")
        key_dorm.review_date = datetime.date(2030, 1, 1) + datetime.timedelta(days=index)
        key_dorm.save()
    return key_dorm


def _room_with_versions(count: int):
    room = RoomFactory(floor=FloorFactory(building=BuildingFactory()))
    for index in range(count):
        room.floor = FloorFactory()
        room.number = str(200 + index)
        room.save()
    return room


def _category_with_versions(count: int):
    category = CategoryFactory()
    for _index in range(count):
        category.handlers.add(UserFactory(staff=True))
    return category


@pytest.mark.parametrize(
    "make", [_key_dorm_with_versions, _room_with_versions, _category_with_versions]
)
def test_a_history_list_costs_the_same_queries_for_few_versions_and_many(
    superuser_client, make, django_assert_max_num_queries
):
    few, many = make(3), make(60)
    history(superuser_client, few)  # the session and the content types, once
    with django_assert_max_num_queries(12) as counted:
        page = history(superuser_client, few)
    assert len(changes(page)) >= 3
    with django_assert_max_num_queries(len(counted)):
        page = history(superuser_client, many)
    assert len(changes(page)) >= 60


@pytest.mark.django_db
def test_the_history_of_a_room_whose_building_was_deleted_opens(superuser_client):
    """Its name is made of its building's, which is gone with it: the page names it by its kind
    and number rather than failing."""
    room = RoomFactory()
    room.capacity = 6
    room.save()
    room.floor.building.delete()
    response = superuser_client.get(f"/admin/dorms/room/{room.pk}/history/")
    assert response.status_code == 200
    assert f"#{room.pk}" in unescape(response.content.decode())
