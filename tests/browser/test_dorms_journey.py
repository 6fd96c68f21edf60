"""A dorm inspection on a phone (390 px), in Chinese and in English: a member inspects a room
item by item with a photo, loses the network mid-form and his draft is sent when it returns;
the safety failure makes the room a key dorm; staff agree its assistance plan, the member logs
an action, the plan's reviewer confirms it and closes the plan; and the resident sees his
room's result."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from dorms.models import Answer, Inspection, KeyDorm, KeyStatus
from dorms.services.inspections import assign_round_rooms
from members.models import PoliticalStatus
from tests.dorms.factories import (
    BedFactory,
    BuildingFactory,
    ChecklistFactory,
    ChecklistItemFactory,
    ContactFactory,
    FloorFactory,
    KeyDormRuleFactory,
    ResidencyFactory,
    RoomFactory,
    RoundFactory,
)
from tests.factories import UserFactory
from tests.feedback.factories import image_bytes

from .conftest import PHONE, Visit

pytestmark = pytest.mark.browser

# What the pages say at each step, in each language.
TEXTS = {
    "zh-hans": {
        "progress": "已完成0/1",
        "saved": "已保存。",
        "fail": "不合格",
        "offline": "网络已断开",
        "sent": "网络已恢复，草稿已提交。",  # noqa: RUF001
        "agreed": "计划已确定",
        "in progress": "帮扶中",
        "under review": "复核中",
        "confirmed": "已由李书记确认",
        "closed": "已办结",
        "key dorm": "重点宿舍",
    },
    "en": {
        "progress": "0 of 1 done",
        "saved": "Saved.",
        "fail": "Fail",
        "offline": "No network",
        "sent": "The network is back: your draft is sent.",
        "agreed": "Plan agreed",
        "in progress": "In progress",
        "under review": "Under review",
        "confirmed": "Confirmed by 李书记",
        "closed": "Closed",
        "key dorm": "Key dorm",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_room_inspected_offline_becomes_a_key_dorm_and_is_helped(
    browser: Browser, portal, artifacts, settings, tmp_path, language
):
    text = TEXTS[language]
    shot = "dorms" if language == "zh-hans" else f"dorms-{language}"
    settings.MEDIA_ROOT = tmp_path
    member = UserFactory(
        name="张党员", student_number="20230002", political_status=PoliticalStatus.PROBATIONARY
    )
    reviewer = UserFactory(
        name="李书记", student_number="20230001", political_status=PoliticalStatus.FULL
    )
    resident = UserFactory(name="陈同学", student_number="20240003")
    staff = UserFactory(staff=True, name="王老师", email="teacher@example.edu.cn")
    building = BuildingFactory(name="8号楼")
    room = RoomFactory(floor=FloorFactory(building=building, number=2), number="208")
    ResidencyFactory(person=resident, room=room, bed=BedFactory(room=room, label="1"))
    ContactFactory(member=member, room=room)
    checklist = ChecklistFactory(name="常规检查")
    ChecklistItemFactory(checklist=checklist, text="地面整洁", weight=2, position=1)
    ChecklistItemFactory(
        checklist=checklist,
        group="safety",
        text="无违规电器",
        weight=3,
        scale="pass_fail",
        position=2,
    )
    ChecklistItemFactory(checklist=checklist, group="conduct", text="作息文明", position=3)
    round_ = RoundFactory(name="十二月检查", checklist=checklist)
    round_.buildings.set([building])
    assign_round_rooms(round_)
    KeyDormRuleFactory(kind="safety")
    inspection = Inspection.objects.get(round=round_)

    # The member opens his list and the room, and marks the first item with a photo.
    visit = Visit(browser, PHONE)
    page = visit.sign_in(portal, "20230002", language)
    page.goto(portal.url + "/dorms/")
    expect(page.get_by_test_id("inspection-progress")).to_have_text(text["progress"])
    page.get_by_test_id("inspection-link").click()
    page.screenshot(path=artifacts / f"{shot}-0-start.png", full_page=True)
    page.get_by_test_id("start-inspection").click()
    items = page.get_by_test_id("item")
    expect(items).to_have_count(3)
    # The form's script is deferred: it listens to the marks once the page has loaded.
    page.wait_for_load_state("load")
    status = page.get_by_test_id("draft-status")
    answers = {a.text: a for a in Answer.objects.filter(inspection=inspection)}
    first = answers["地面整洁"]
    items.nth(0).locator("label", has_text="4").click()
    expect(status).to_have_text(text["saved"])
    page.locator(f"input[name=photo-{first.pk}]").set_input_files(
        [
            {
                "name": "IMG_2041.jpg",
                "mimeType": "image/jpeg",
                "buffer": image_bytes(size=(2400, 1800)),
            }
        ]
    )
    page.wait_for_function(f"() => !localStorage.getItem('dorms-draft-{inspection.pk}')")
    expect(status).to_have_text(text["saved"])
    first.refresh_from_db()
    assert first.value == 4 and first.photo and first.photo_type == "image/jpeg"
    page.screenshot(path=artifacts / f"{shot}-1-first-item.png", full_page=True)

    # The network drops: the next items are kept on the phone.
    visit.context.set_offline(True)
    items.nth(1).locator("label", has_text=text["fail"]).click()
    expect(status).to_contain_text(text["offline"])
    items.nth(2).locator("label", has_text="5").click()
    page.locator(f"input[name=note-{answers['无违规电器'].pk}]").fill("有电热锅")
    page.locator(f"input[name=note-{answers['无违规电器'].pk}]").blur()
    page.screenshot(path=artifacts / f"{shot}-2-offline.png", full_page=True)
    assert (
        not Answer.objects.filter(inspection=inspection, value__isnull=False)
        .exclude(pk=first.pk)
        .exists()
    )

    # It returns: the draft is sent.
    visit.context.set_offline(False)
    expect(status).to_have_text(text["sent"], timeout=15000)
    values = dict(Answer.objects.filter(inspection=inspection).values_list("text", "value"))
    assert values == {"地面整洁": 4, "无违规电器": 0, "作息文明": 5}
    assert Answer.objects.get(text="无违规电器", inspection=inspection).note == "有电热锅"
    page.get_by_test_id("submit-inspection").click()
    expect(page.get_by_test_id("score")).to_contain_text("43.3")
    expect(page.get_by_test_id("safety-failure")).to_be_visible()
    expect(page.get_by_test_id("answer-photo")).to_have_count(1)
    page.screenshot(path=artifacts / f"{shot}-3-done.png", full_page=True)
    key_dorm = KeyDorm.objects.get(room=room)
    assert key_dorm.rule is not None

    # Staff agree the plan and start it.
    staff_visit = Visit(browser, PHONE)
    page = staff_visit.sign_in(portal, staff.email, language)
    page.goto(portal.url + key_dorm.get_absolute_url())
    form = page.get_by_test_id("plan-form")
    form.locator("textarea[name=goals]").fill("一个月内清除违规电器 每周检查一次。")
    form.locator("select[name=responsible]").select_option(str(member.pk))
    form.locator("select[name=reviewer]").select_option(str(reviewer.pk))
    review_day = datetime.date.today() + datetime.timedelta(days=30)
    form.locator("input[name=review_date]").fill(review_day.isoformat())
    form.get_by_role("button").click()
    expect(page.get_by_test_id("key-status")).to_have_text(text["agreed"])
    page.get_by_test_id("step-start").click()
    expect(page.get_by_test_id("key-status")).to_have_text(text["in progress"])
    # The scores over the rounds, drawn as a chart.
    page.goto(portal.url + reverse("dorms:scores"))
    staff_visit.wait_for_chart("dorms-chart")
    staff_visit.close()

    # The member logs a talk and asks for the review.
    page = visit.page
    page.goto(portal.url + key_dorm.get_absolute_url())
    page.get_by_test_id("log-action").locator("summary").click()
    page.locator("select[name=kind]").select_option("talk")
    page.locator("textarea[name=note]").fill("与宿舍同学谈用电安全 电热锅已带回家。")
    page.get_by_test_id("log-action").get_by_role("button").click()
    expect(page.get_by_test_id("actions")).to_contain_text("电热锅已带回家")
    page.get_by_test_id("step-request_review").click()
    expect(page.get_by_test_id("key-status")).to_have_text(text["under review"])
    page.screenshot(path=artifacts / f"{shot}-4-action.png", full_page=True)
    visit.close()

    # The plan's reviewer confirms the action and closes the plan.
    reviewer_visit = Visit(browser, PHONE)
    page = reviewer_visit.sign_in(portal, "20230001", language)
    page.goto(portal.url + key_dorm.get_absolute_url())
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("actions")).to_contain_text(text["confirmed"])
    page.get_by_test_id("step-close").click()
    expect(page.get_by_test_id("key-status")).to_have_text(text["closed"])
    reviewer_visit.close()
    key_dorm.refresh_from_db()
    assert key_dorm.status == KeyStatus.CLOSED

    # The resident sees his room's result, with no word of a key dorm.
    resident_visit = Visit(browser, PHONE)
    page = resident_visit.sign_in(portal, "20240003", language)
    page.goto(portal.url + "/dorms/")
    page.get_by_test_id("my-room").get_by_role("link").click()
    expect(page.get_by_test_id("room-score")).to_have_text("43.3")
    expect(page.locator("main")).not_to_contain_text(text["key dorm"])
    page.get_by_test_id("room-inspections").get_by_role("link").click()
    expect(page.get_by_test_id("answers")).to_contain_text(text["fail"])
    # The inspector's photo is shown to the resident (loaded, not a broken image).
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=answer-photo]');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    page.screenshot(path=artifacts / f"{shot}-5-resident.png", full_page=True)
    resident_visit.close()
