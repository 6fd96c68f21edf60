"""The study track in a browser: a member logs study and submits it, his reviewer approves it
in the queue without leaving the page, and the member's progress bar moves. In Chinese and in
English, on a phone and a desktop."""

import re

import pytest
from playwright.sync_api import Browser, expect

from members.models import PoliticalStatus, WorkstationRole
from study.models import Requirement
from tests.factories import BranchFactory, UserFactory
from tests.study.factories import EnrollmentFactory, RequirementFactory, StudyEntryFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {
        "my_study": "我的学习",
        "submitted": "已提交",
        "approved": "已通过。",
        "none_waiting": "0 条记录待审核",
        "missing": "还差 2 个审核通过的学时",
    },
    "en": {
        "my_study": "My study",
        "submitted": "Submitted",
        "approved": "Approved.",
        "none_waiting": "0 entries waiting",
        "missing": "2 more approved hours",
    },
}


@pytest.mark.parametrize(
    ("language", "viewport", "label"),
    [("zh-hans", PHONE, "phone"), ("en", PHONE, "phone"), ("en", DESKTOP, "desktop")],
)
def test_log_submit_approve_and_the_progress_moves(
    browser: Browser, portal, artifacts, language, viewport, label
):
    text = TEXT[language]
    branch = BranchFactory(name="本科生第一党支部")
    secretary_of(branch, student_number="20230001", language=language)
    member = UserFactory(
        name="张党员",
        student_number="20230002",
        political_status=PoliticalStatus.PROBATIONARY,
        branch=branch,
        workstation_role=WorkstationRole.MEMBER,
        language=language,
    )
    enrollment = EnrollmentFactory(person=member, plan__name="2026年秋季学期学习计划")
    RequirementFactory(plan=enrollment.plan, kind=Requirement.Kind.HOURS, minimum=4)
    shot = f"study-{language}-{label}"

    # The member logs two hours of self-study and submits them.
    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230002", language)
    page.goto(portal.url + "/study/")
    expect(page.get_by_role("heading", level=1)).to_have_text(text["my_study"])
    expect(page.get_by_test_id("overall-percent")).to_have_text("0%")
    page.screenshot(path=artifacts / f"{shot}-1-my-study.png", full_page=True)
    page.get_by_test_id("log-study").click()
    page.locator("input[name=hours]").fill("2")
    page.locator("input[name=material]").fill("《中国共产党章程》总纲")
    notes = "学习了党章总纲 理解了党的性质和宗旨。"
    page.locator("textarea[name=notes]").fill(notes)
    expect(page.locator("#notes-count")).to_contain_text(str(len(notes)))
    page.screenshot(path=artifacts / f"{shot}-2-log.png", full_page=True)
    page.get_by_test_id("submit-entry").click()
    expect(page.get_by_test_id("entry-status")).to_have_text(text["submitted"])
    visit.close()

    # His reviewer approves it in the queue; the row changes in place.
    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230001", language)
    page.goto(portal.url + "/study/review/")
    row = page.get_by_test_id("queue-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("张党员")
    row.locator("textarea[name=comment]").fill("学习认真")
    page.screenshot(path=artifacts / f"{shot}-3-queue.png", full_page=True)
    row.get_by_test_id("approve").click()
    expect(page.get_by_test_id("review-done")).to_contain_text(text["approved"])
    expect(page.get_by_test_id("queue-count")).to_have_text(text["none_waiting"])
    expect(page).to_have_url(re.compile(r"/study/review/$"))
    page.screenshot(path=artifacts / f"{shot}-4-approved.png", full_page=True)
    visit.close()

    # The member's progress bar has moved: 2 of 4 hours is half of stage 1, a sixth overall.
    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230002", language)
    page.goto(portal.url + "/study/")
    expect(page.get_by_test_id("overall-percent")).to_have_text("16%")
    expect(page.get_by_test_id("requirement-percent")).to_have_text("50%")
    expect(page.get_by_test_id("missing")).to_have_text(text["missing"])
    page.screenshot(path=artifacts / f"{shot}-5-progress.png", full_page=True)
    visit.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_overview_draws_the_chart(browser: Browser, portal, artifacts, settings, language):
    settings.STAFF_REQUIRE_2FA = False
    staff = UserFactory(staff=True, name="王老师", language=language)
    branch = BranchFactory(name="本科生第一党支部")
    enrollment = EnrollmentFactory(
        plan__name="2026年秋季学期学习计划",
        person=UserFactory(party_member=True, branch=branch, name="张党员"),
    )
    RequirementFactory(plan=enrollment.plan, kind=Requirement.Kind.HOURS, minimum=4)
    EnrollmentFactory(plan=enrollment.plan, person=UserFactory(party_member=True, branch=branch))

    visit = Visit(browser, DESKTOP)
    page = visit.sign_in(portal, staff.email, language)
    page.goto(portal.url + "/study/overview/")
    expect(page.get_by_test_id("branch-table")).to_contain_text("本科生第一党支部")
    expect(page.get_by_test_id("behind")).to_contain_text("张党员")
    visit.wait_for_chart("stage-chart")
    page.screenshot(path=artifacts / f"study-{language}-overview.png", full_page=True)
    visit.close()


SIGN_OFF_TEXT = {
    "zh-hans": {"signed_off": "已确认完成", "stage_two": "第二阶段", "timeline": "阶段确认"},
    "en": {"signed_off": "Signed off", "stage_two": "Stage 2", "timeline": "Signed off: Stage 1"},
}


@pytest.mark.parametrize(("language", "viewport"), [("zh-hans", PHONE), ("en", DESKTOP)])
def test_the_reviewer_signs_the_stage_off(browser: Browser, portal, artifacts, language, viewport):
    text = TEXT[language] | SIGN_OFF_TEXT[language]
    branch = BranchFactory(name="本科生第一党支部")
    secretary_of(branch, student_number="20230001", language=language)
    member = UserFactory(
        name="张党员",
        student_number="20230002",
        party_member=True,
        branch=branch,
        language=language,
    )
    enrollment = EnrollmentFactory(person=member)
    RequirementFactory(plan=enrollment.plan, kind=Requirement.Kind.HOURS, minimum=2)
    StudyEntryFactory(person=member, hours=2, approved=True)

    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230001", language)
    page.goto(portal.url + f"/study/people/{member.pk}/")
    form = page.get_by_test_id("sign-off-form")
    form.locator("textarea[name=comment]").fill("学习扎实 同意进入下一阶段")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("stage-1").get_by_test_id("signed-off")).to_have_text(
        text["signed_off"]
    )
    expect(page.get_by_test_id("current-stage")).to_contain_text(text["stage_two"])
    page.screenshot(path=artifacts / f"study-{language}-signed-off.png", full_page=True)
    visit.close()

    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230002", language)
    page.goto(portal.url + "/me/")
    expect(page.get_by_test_id("timeline")).to_contain_text(text["timeline"])
    expect(page.get_by_test_id("timeline")).to_contain_text("学习扎实")
    visit.close()
