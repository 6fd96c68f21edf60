"""Sign in → home → inbox, as a student would on his phone, in Chinese and in English."""

import re

import pytest
from playwright.sync_api import Browser, expect

from notifications.services import notify
from tests.factories import UserFactory

from .conftest import DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {"hello": "你好", "notices": "通知", "mark_read": "标为已读"},
    "en": {"hello": "Hello", "notices": "Notices", "mark_read": "Mark as read"},
}


@pytest.mark.parametrize(
    ("language", "viewport", "label"),
    [("zh-hans", PHONE, "phone"), ("en", PHONE, "phone"), ("zh-hans", DESKTOP, "desktop")],
)
def test_sign_in_home_inbox(browser: Browser, portal, artifacts, language, viewport, label):
    text = TEXT[language]
    user = UserFactory(name="陈同学", student_number="20245678", language=language)
    notify(recipient=user, kind="welcome", key="journey", email=False)

    visit = Visit(browser, viewport)
    page = visit.page
    shot = f"{language}-{label}"

    visit.open_home(portal, language)
    page.screenshot(path=artifacts / f"journey-{shot}-1-landing.png", full_page=True)
    visit.sign_in(
        portal, "20245678", language, screenshot=artifacts / f"journey-{shot}-2-sign-in.png"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(text["hello"])
    expect(page.get_by_test_id("home-notices")).to_contain_text(
        "欢迎" if language == "zh-hans" else "Welcome"
    )
    page.screenshot(path=artifacts / f"journey-{shot}-3-home.png", full_page=True)

    badge = "unread-count-nav"  # in sight on a phone and a desktop alike
    expect(page.get_by_test_id(badge)).to_have_text("1")
    page.get_by_test_id(badge).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    inbox = page.get_by_test_id("inbox")
    expect(inbox.locator(".notice-unread")).to_have_count(1)
    inbox.get_by_role("button", name=text["mark_read"]).click()
    expect(inbox.locator(".notice-unread")).to_have_count(0)
    expect(page.get_by_test_id(badge)).to_have_count(0)  # the count goes without a reload
    page.screenshot(path=artifacts / f"journey-{shot}-4-inbox.png", full_page=True)

    page.reload()
    expect(page.get_by_test_id(badge)).to_have_count(0)
    visit.close()
