"""The main navigation for staff, a reviewer, a member and a student, in Chinese and English, on
a desktop (1280 px) and a phone (390 px): each sees only the menus and links he may use, no item
wraps onto a second line, the inbox count is in sight without opening anything, the menus open
and their links lead to the pages, and on a phone every target is big enough for a thumb."""

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, Page, expect

from members.models import PoliticalStatus
from tests.factories import BranchFactory, NoticeFactory, UserFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

MENU_LABELS = {
    "zh-hans": {"study": "学习", "services": "服务", "suggestions": "议事", "manage": "管理"},
    "en": {
        "study": "Study",
        "services": "Services",
        "suggestions": "Suggestions",
        "manage": "Manage",
    },
}
# The menus each role finds, and the links in each (by test id), in order.
MENUS = {
    "student": {"services": ["nav-tutoring", "nav-evaluations"], "suggestions": ["nav-board"]},
    "member": {
        "study": ["nav-my-study", "nav-activities", "nav-branches"],
        "services": ["nav-tutoring", "nav-tutor", "nav-dorms", "nav-evaluations"],
        "suggestions": ["nav-board"],
    },
    "reviewer": {
        "study": ["nav-my-study", "nav-activities", "nav-branches"],
        "services": ["nav-tutoring", "nav-tutor", "nav-dorms", "nav-evaluations"],
        "suggestions": ["nav-board"],
        "manage": ["nav-review", "nav-directory", "nav-branch-views"],
    },
    "staff": {
        "study": ["nav-activities", "nav-branches"],
        "suggestions": ["nav-board"],
        "manage": [
            "nav-review",
            "nav-study-overview",
            "nav-queue",
            "nav-tutoring-overview",
            "nav-dorm-rounds",
            "nav-evaluation-campaigns",
            "nav-directory",
            "nav-branch-views",
            "nav-dashboard",
            "nav-ledger",
            "nav-incomplete",
            "nav-admin",
        ],
    },
}
THUMB = 44  # px: the smallest target a thumb hits reliably

# Each top-level item of the bar and the number of lines its text takes (line boxes whose tops
# lie more than half a line apart).
ITEM_LINES = """
() => [...document.querySelectorAll(
    '.portal-navbar .navbar-brand, .portal-navbar .nav-link, .portal-navbar form .btn'
  )].filter(el => el.offsetParent !== null && !el.closest('.dropdown-menu')).map(el => {
    const line = parseFloat(getComputedStyle(el).fontSize) * 1.5;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter(r => r.height > 0).map(r => r.top)
      .sort((a, b) => a - b);
    const rows = tops.filter((top, i) => i === 0 || top - tops[i - 1] > line / 2);
    return {item: el.innerText.trim(), lines: rows.length};
  })
"""


def cast(role: str, language: str) -> str:
    """The person of `role`, with two unread notices; his sign-in name."""
    branch = BranchFactory(name="本科生第一党支部")
    if role == "staff":
        person = UserFactory(staff=True, name="王老师", email="wang@example.edu.cn")
        login = person.email
    elif role == "reviewer":
        person = secretary_of(branch, student_number="20230001", language=language)
        login = person.student_number
    else:
        status = PoliticalStatus.PROBATIONARY if role == "member" else PoliticalStatus.LEAGUE
        person = UserFactory(
            name="张同学",
            student_number="20230002",
            political_status=status,
            branch=branch if role == "member" else None,
            language=language,
        )
        login = person.student_number
    NoticeFactory.create_batch(2, recipient=person)
    return login


def open_phone_menu(page: Page) -> None:
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav.show:not(.collapsing)")).to_be_visible()


def menu_links(page: Page, key: str) -> list[str]:
    menu = page.get_by_test_id(f"menu-{key}").locator("xpath=..").locator(".dropdown-menu")
    expect(menu).to_be_visible()
    return [link.get_attribute("data-testid") for link in menu.locator("a").all()]


def check_menus(page: Page, role: str, language: str, *, phone: bool) -> None:
    """Every menu of the role opens with its links, each link opens its page, and no other
    menu is offered; the first link of each menu is followed through the bar itself."""
    expected = MENUS[role]
    shown = page.locator("[data-testid^=menu-]")
    expect(shown).to_have_count(len(expected))
    for key, links in expected.items():
        toggle = page.get_by_test_id(f"menu-{key}")
        expect(toggle).to_have_text(MENU_LABELS[language][key])
        toggle.click()
        assert menu_links(page, key) == links
        for test_id in links:
            href = page.get_by_test_id(test_id).get_attribute("href")
            assert page.request.get(urljoin(page.url, href)).status == 200, (role, test_id, href)
        if phone:
            for target in page.locator("#main-nav .nav-link, #main-nav .dropdown-item").all():
                if target.is_visible():
                    assert target.bounding_box()["height"] >= THUMB, target.inner_text()
        first = page.get_by_test_id(links[0])
        href = first.get_attribute("href")
        first.click()
        expect(page).to_have_url(re.compile(re.escape(href) + "$"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if phone:
            open_phone_menu(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["staff", "reviewer", "member", "student"])
def test_each_role_finds_its_menus(browser: Browser, portal, artifacts, role, language):
    login = cast(role, language)
    visit = Visit(browser, DESKTOP)
    page = visit.sign_in(portal, login, language)

    # A desktop: one line, every item on it whole, the inbox count beside them.
    lines = page.evaluate(ITEM_LINES)
    assert {entry["item"]: entry["lines"] for entry in lines if entry["lines"] > 1} == {}
    assert page.locator(".portal-navbar").bounding_box()["height"] < 80
    expect(page.get_by_test_id("unread-count-nav")).to_have_text("2")
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    last = list(MENUS[role])[-1]
    page.get_by_test_id(f"menu-{last}").click()
    page.screenshot(path=artifacts / f"nav-{role}-{language}-1280.png")
    page.keyboard.press("Escape")
    check_menus(page, role, language, phone=False)
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("nav-profile").click()
    expect(page).to_have_url(re.compile(r"/me/$"))

    # A phone: the inbox count in sight before any menu is opened, then the menus by thumb.
    page.set_viewport_size(PHONE)
    page.goto(portal.url + "/")
    badge = page.get_by_test_id("unread-count-nav")
    expect(badge).to_be_visible()
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_test_id("nav-inbox").bounding_box()["height"] >= THUMB
    assert page.locator(".navbar-toggler").bounding_box()["height"] >= THUMB
    page.screenshot(path=artifacts / f"nav-{role}-{language}-390.png")
    open_phone_menu(page)
    page.get_by_test_id(f"menu-{last}").click()
    expect(page.get_by_test_id(MENUS[role][last][-1])).to_be_visible()
    page.screenshot(path=artifacts / f"nav-{role}-{language}-390-open.png", full_page=True)
    page.get_by_test_id(f"menu-{last}").click()
    check_menus(page, role, language, phone=True)
    page.get_by_test_id("nav-inbox").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    visit.close()
