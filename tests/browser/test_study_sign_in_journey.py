"""The organiser shows the sign-in code of an activity under way on his screen; a member, on his
phone, types it, is signed in and sees his hours credited. In Chinese and in English."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from members.models import PoliticalStatus
from study.models import StudyEntry
from tests.factories import BranchFactory, UserFactory
from tests.study.factories import ActivityFactory, RegistrationFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {
        "activities": "学习活动",
        "show_code": "展示签到码",
        "activity_sign_in": "签到",
        "wrong": "签到码不正确",
        "signed_in": "签到成功。已为你计入 1.5 学时。",
        "credited": "已为你计入 1.5 学时。",
        "counts": "已签到 1 人",
    },
    "en": {
        "activities": "Activities",
        "show_code": "Show the sign-in code",
        "activity_sign_in": "Sign in",
        "wrong": "not this activity's sign-in code",
        "signed_in": "You are signed in. 1.5 hours are credited to your study.",
        "credited": "1.5 hours are credited to your study.",
        "counts": "1 signed in",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_organiser_shows_the_code_and_a_member_signs_in(
    browser: Browser, portal, artifacts, language
):
    text = TEXT[language]
    branch = BranchFactory(name="本科生第一党支部")
    secretary = secretary_of(branch, student_number="20230001", language=language)
    member = UserFactory(
        name="张党员",
        student_number="20230002",
        political_status=PoliticalStatus.PROBATIONARY,
        branch=branch,
        language=language,
    )
    activity = ActivityFactory(
        running=True,
        title="支部学习会 学习党章",
        branch=branch,
        organiser=secretary,
        hours=Decimal("1.5"),
    )
    RegistrationFactory(activity=activity, person=member)

    # The organiser, at the front of the room, opens the sign-in screen from the activity list.
    organiser = Visit(browser, DESKTOP)
    page = organiser.sign_in(portal, "20230001", language)
    page.get_by_test_id("menu-study").click()
    page.get_by_test_id("nav-activities").click()
    page.get_by_test_id("activity-list").get_by_role("link", name=re.compile("支部学习会")).click()
    page.get_by_test_id("show-code").click()
    code_box = page.get_by_test_id("sign-in-code")
    expect(code_box).to_have_text(re.compile(r"^\s*[A-Z0-9]{6}\s*$"))
    expect(page.get_by_test_id("sign-in-qr").locator("svg path")).to_have_count(1)
    code = code_box.inner_text().strip()
    assert code == activity.sign_in_code
    page.screenshot(path=artifacts / f"study-sign-in-{language}-1-code.png", full_page=True)

    # The member, on his phone, finds the activity and types the code (wrong first).
    phone = Visit(browser, PHONE)
    mine = phone.sign_in(portal, "20230002", language)
    mine.goto(portal.url + f"/study/activities/{activity.pk}/")
    mine.get_by_test_id("sign-in").click()
    field = mine.get_by_test_id("sign-in-form").get_by_role("textbox")
    field.fill("ZZZZZ2" if code != "ZZZZZ2" else "ZZZZZ3")
    mine.get_by_test_id("confirm-sign-in").click()
    expect(mine.get_by_test_id("sign-in-form")).to_contain_text(text["wrong"])
    assert not StudyEntry.objects.exists()

    field = mine.get_by_test_id("sign-in-form").get_by_role("textbox")
    field.fill(code.lower())
    mine.screenshot(path=artifacts / f"study-sign-in-{language}-2-type.png", full_page=True)
    mine.get_by_test_id("confirm-sign-in").click()
    expect(mine.locator(".messages")).to_contain_text(text["signed_in"])
    expect(mine.get_by_test_id("hours-credited")).to_have_text(text["credited"])
    mine.screenshot(path=artifacts / f"study-sign-in-{language}-3-signed-in.png", full_page=True)
    entry = StudyEntry.objects.get(person=member)
    assert (entry.status, entry.hours) == ("approved", Decimal("1.5"))

    # The organiser's screen counts him.
    page.reload()
    expect(page.get_by_test_id("sign-in-counts")).to_contain_text(text["counts"])

    phone.close()
    organiser.close()
