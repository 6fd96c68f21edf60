"""The first day in a browser: a secretary finds his branch, a member goes from what is missing
to the reading and to the reflection (told how long it must be), notices follow the reader's
language and settle together, and the language chosen on one device follows the person to the
next. In Chinese and English, on a phone and a desktop."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from members.models import PoliticalStatus, WorkstationRole
from notifications.models import Notice
from notifications.services import notify
from study.models import Requirement
from tests.factories import PASSWORD, BranchFactory, UserFactory
from tests.study.factories import (
    ActivityFactory,
    EnrollmentFactory,
    ReadingFactory,
    RequirementFactory,
)

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

CASES = [("zh-hans", PHONE, "phone"), ("en", PHONE, "phone"), ("zh-hans", DESKTOP, "desktop")]
TEXT = {
    "zh-hans": {
        "branches": "党支部",
        "to_confirm": "还有 2 篇待确认已读",
        "reflection": "撰写心得体会",
        "minimum": "不少于 500 个字",
        "under_way": "正在进行的活动",
        "count": "已写 120 字，至少需要 500 字",  # noqa: RUF001,
    },
    "en": {
        "branches": "Branches",
        "to_confirm": "2 readings to confirm",
        "reflection": "Write your reflection",
        "minimum": "at least 500 characters",
        "under_way": "Under way now",
        "count": "120 of at least 500 characters",
    },
}


def open_menu(page: Page, viewport: dict) -> None:
    if viewport is PHONE:
        page.locator(".navbar-toggler").click()


@pytest.mark.parametrize(("language", "viewport", "label"), CASES)
def test_a_secretary_reaches_his_branch(
    browser: Browser, portal, artifacts, language, viewport, label
):
    branch = BranchFactory(name="本科生第一党支部")
    secretary_of(branch, student_number="20230001", language=language)
    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230001", language)
    # From the home page, at once.
    page.screenshot(path=artifacts / f"first-day-home-{language}-{label}.png", full_page=True)
    page.get_by_test_id("home-branch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本科生第一党支部")
    # And from the navigation.
    open_menu(page, viewport)
    page.get_by_test_id("menu-study").click()
    page.locator("#main-nav").get_by_role("link", name=TEXT[language]["branches"]).click()
    page.get_by_test_id("branches").get_by_role("link", name="本科生第一党支部").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本科生第一党支部")
    page.screenshot(path=artifacts / f"first-day-branch-{language}-{label}.png", full_page=True)
    visit.close()


@pytest.mark.parametrize(("language", "viewport", "label"), CASES)
def test_a_member_goes_from_what_is_missing_to_where_it_is_done(
    browser: Browser, portal, artifacts, language, viewport, label
):
    text = TEXT[language]
    member = UserFactory(
        name="张党员",
        student_number="20230002",
        political_status=PoliticalStatus.PROBATIONARY,
        branch=BranchFactory(),
        workstation_role=WorkstationRole.MEMBER,
        language=language,
    )
    plan = EnrollmentFactory(person=member, plan__name="2026年秋季学期学习计划").plan
    readings = [
        ReadingFactory(title="中国共产党章程", text="学习提示 通读总纲和第一章。"),
        ReadingFactory(title="中国共产党廉洁自律准则"),
    ]
    RequirementFactory(plan=plan, kind=Requirement.Kind.READINGS, minimum=0).readings.set(readings)
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=500)
    now = timezone.now()
    ActivityFactory(
        title="支部学习会 正在进行",
        starts_at=now - datetime.timedelta(minutes=20),
        ends_at=now + datetime.timedelta(hours=1),
    )
    shot = f"first-day-study-{language}-{label}"

    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230002", language)
    page.goto(portal.url + "/study/")
    expect(page.get_by_test_id("under-way")).to_contain_text("支部学习会 正在进行")
    expect(page.get_by_text(text["under_way"])).to_be_visible()
    expect(page.get_by_test_id("upcoming")).not_to_contain_text("支部学习会 正在进行")
    expect(page.get_by_test_id("missing").first).to_contain_text(text["to_confirm"])
    page.screenshot(path=artifacts / f"{shot}-1-my-study.png", full_page=True)

    # The reading is one tap away, with its text.
    page.get_by_test_id("readings-to-confirm").get_by_role("link", name="中国共产党章程").click()
    expect(page.get_by_test_id("reading-text")).to_contain_text("学习提示 通读总纲和第一章。")
    page.go_back()

    # The reflection: the form says how long it must be, and counts towards it.
    page.get_by_role("link", name=re.compile(text["reflection"])).click()
    expect(page.locator("select[name=kind]")).to_have_value("reflection")
    minimum = page.locator('#reflection-minimums li[data-stage="1"]')
    expect(minimum).to_be_visible()
    expect(minimum).to_contain_text(text["minimum"])
    page.locator("textarea[name=notes]").fill("学" * 120)
    expect(page.locator("#notes-count")).to_contain_text("120")
    expect(page.locator("#notes-count")).to_contain_text(text["count"])
    page.screenshot(path=artifacts / f"{shot}-2-reflection.png", full_page=True)
    # Another kind of study asks for no length.
    page.locator("select[name=kind]").select_option("self_study")
    expect(minimum).to_be_hidden()
    expect(page.locator("#notes-count")).not_to_contain_text("500")
    visit.close()


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_notices_read_in_my_language_and_settle_together(
    browser: Browser, portal, artifacts, viewport, label
):
    student = UserFactory(name="陈同学", student_number="20230003", language="zh-hans")
    notify(recipient=student, kind="welcome", key="welcome", email=False)
    start = timezone.now() - datetime.timedelta(minutes=1)
    for number, title in enumerate(["受理", "分派", "开始处理", "已答复"]):
        notice = Notice.objects.create(
            recipient=student,
            kind="test",
            title=title,
            link="/notifications/?show=all",
            dedup_key=f"step:{number}",
            email_wanted=False,
        )
        Notice.objects.filter(pk=notice.pk).update(
            created_at=start + datetime.timedelta(seconds=10 * number)
        )

    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230003", "en")  # he chose English on the way in
    badge = "unread-count-nav"  # in sight on a phone and a desktop alike
    expect(page.get_by_test_id(badge)).to_have_text("2")  # the welcome, and the suggestion once
    page.goto(portal.url + "/notifications/")
    expect(page.get_by_test_id("inbox")).to_contain_text("Welcome to")
    expect(page.get_by_test_id("inbox")).not_to_contain_text("欢迎")
    newest = page.get_by_test_id("inbox").locator("li", has_text="已答复")
    newest.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".notice-unread")).to_have_count(1)  # only the welcome is left
    expect(page.get_by_test_id(badge)).to_have_text("1")
    page.screenshot(path=artifacts / f"first-day-notices-{label}.png", full_page=True)
    visit.close()


def test_the_language_chosen_on_one_device_follows_to_the_next(browser: Browser, portal):
    UserFactory(name="陈同学", student_number="20230004", language="zh-hans")
    visit = Visit(browser, DESKTOP)
    page = visit.sign_in(portal, "20230004", "zh-hans")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visit.close()

    # A phone never used before: the sign-in page is in Chinese, the portal then in English.
    visit = Visit(browser, PHONE)
    page = visit.page
    page.goto(portal.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label(re.compile("邮箱或学号")).fill("20230004")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    visit.close()
