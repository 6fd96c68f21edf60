# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Peer tutoring on a phone, in Chinese and in English: a first-year student asks for help with a
course, staff propose a member from the suggested tutors, the member accepts and logs a
session, the student confirms it and rates it."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from members.models import PoliticalStatus
from tests.factories import UserFactory
from tests.tutoring.factories import OfferCourseFactory, OfferFactory
from tutoring.models import Pairing, Rating, Request, Topic

from .conftest import PHONE, Visit

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {"waiting": "等待辅导人", "proposed": "已推荐辅导人", "active": "进行中"},
    "en": {"waiting": "Waiting for a tutor", "proposed": "Tutor proposed", "active": "Active"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_first_year_student_is_tutored_in_a_course(browser: Browser, portal, artifacts, language):
    text = TEXT[language]
    this_year = timezone.localdate().year
    student = UserFactory(
        name="新同学",
        student_number=f"{this_year}0001",
        major="软件工程",
        grade=this_year,
        language=language,
    )
    tutor = UserFactory(
        name="赵学长",
        student_number="20220002",
        major="软件工程",
        grade=this_year - 3,
        political_status=PoliticalStatus.PROBATIONARY,
        language=language,
    )
    offer = OfferFactory(tutor=tutor, topics=[Topic.COURSE], times=["wd-eve"])
    OfferCourseFactory(offer=offer, course="高等数学", grade_got="95")
    staff = UserFactory(
        staff=True, name="王老师", email="teacher@example.edu.cn", language=language
    )
    shot = f"tutoring-{language}"

    # The student finds peer tutoring in the menu and asks for help with a course.
    student_visit = Visit(browser, PHONE)
    page = student_visit.sign_in(portal, student.student_number, language)
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("menu-services").click()
    page.get_by_test_id("nav-tutoring").click()
    page.get_by_test_id("ask").click()
    form = page.get_by_test_id("request-form")
    form.locator("select[name=topic]").select_option("course")
    form.locator("input[name=course]").fill("高等数学")
    form.locator("input[name=times][value=wd-eve]").check()
    form.locator("textarea[name=description]").fill("极限和导数跟不上，想请学长帮忙。")
    page.screenshot(path=artifacts / f"{shot}-1-ask.png", full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("request-status")).to_have_text(text["waiting"])
    asked = Request.objects.get(tutee=student)
    assert (asked.course, asked.major, asked.grade) == ("高等数学", "软件工程", this_year)

    # Staff open it from the overview and propose the member the ranking puts first.
    staff_visit = Visit(browser, PHONE)
    page = staff_visit.sign_in(portal, staff.email, language)
    page.goto(portal.url + "/tutoring/overview/")
    expect(page.get_by_test_id("open-requests")).to_have_text("1")
    staff_visit.wait_for_chart("tutoring-chart")
    page.screenshot(path=artifacts / f"{shot}-2-overview.png", full_page=True)
    page.get_by_test_id("waiting").get_by_role("link", name="高等数学").click()
    candidate = page.get_by_test_id("candidate").first
    expect(candidate.get_by_test_id("candidate-name")).to_have_text("赵学长")
    expect(candidate.get_by_test_id("reasons")).to_contain_text("95")
    page.screenshot(path=artifacts / f"{shot}-3-suggested.png", full_page=True)
    candidate.get_by_test_id("propose").click()
    expect(page.get_by_test_id("request-status")).to_have_text(text["proposed"])
    staff_visit.close()

    # The member accepts from his page and logs the session they had.
    tutor_visit = Visit(browser, PHONE)
    page = tutor_visit.sign_in(portal, tutor.student_number, language)
    page.goto(portal.url + "/tutoring/tutor/")
    page.get_by_test_id("proposals").get_by_role("link").first.click()
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("pairing-status")).to_have_text(text["active"])
    form = page.get_by_test_id("session-form")
    form.locator("input[name=date]").fill(timezone.localdate().isoformat())
    form.locator("input[name=minutes]").fill("90")
    form.locator("input[name=topic]").fill("极限的定义")
    form.locator("input[name=next_step]").fill("做第二章习题")
    form.get_by_test_id("log-session").click()
    expect(page.get_by_test_id("unconfirmed")).to_be_visible()
    page.screenshot(path=artifacts / f"{shot}-4-logged.png", full_page=True)
    tutor_visit.close()

    # The student confirms the session and rates it.
    page = student_visit.page
    page.goto(portal.url + "/tutoring/")
    page.get_by_test_id("my-requests").get_by_role("link", name="赵学长").click()
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("confirmed")).to_be_visible()
    rate = page.get_by_test_id("rate-form")
    rate.locator("select[name=score]").select_option("5")
    rate.locator("textarea[name=comment]").fill("讲得很清楚")
    rate.get_by_test_id("rate").click()
    expect(page.get_by_test_id("rating")).to_have_text("5 / 5")
    page.screenshot(path=artifacts / f"{shot}-5-rated.png", full_page=True)
    student_visit.close()

    pairing = Pairing.objects.get(tutee=student)
    assert pairing.tutor == tutor and pairing.status == "active"
    session = pairing.sessions.get()
    assert session.confirmed_by == student and session.minutes == 90
    assert Rating.objects.get(session=session).score == 5
