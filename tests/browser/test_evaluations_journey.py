# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Mutual evaluation, in Chinese and in English: a student evaluates his tutor on a phone; once
voting has closed over enough ballots and the results are published, the member reads his
averages and the comments, without a name; his branch's secretary records his final grade,
with a reason."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from evaluations.models import Campaign, Evaluatee, Grade, Relation
from evaluations.services import cast_ballot, close_campaign, open_campaign, publish_results
from members.models import PoliticalStatus
from tests.evaluations.factories import CampaignFactory, QuestionFactory
from tests.factories import BranchFactory, UserFactory
from tests.tutoring.factories import PairingFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

# What the pages say at each step, in each language.
TEXTS = {
    "zh-hans": {
        "why": "你的朋辈辅导人",
        "ideals": "理想信念",
        "very good": "5 · 很好",
        "good": "4 · 较好",
        "comment": "评价意见",
        "qualified": "合格",
        "final grade": "最终等次",
        "give the reason": "请填写理由",
        "reason": "理由",
        "excellent": "优秀",
    },
    "en": {
        "why": "Your peer tutor",
        "ideals": "Ideals and convictions",
        "very good": "5 · Very good",
        "good": "4 · Good",
        "comment": "Comment",
        "qualified": "Qualified",
        "final grade": "Final grade",
        "give the reason": "give the reason",
        "reason": "Reason",
        "excellent": "Excellent",
    },
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_student_evaluates_his_tutor_who_reads_the_result_and_is_graded(
    browser: Browser, portal, artifacts, language
):
    text = TEXTS[language]
    shot = "evaluations" if language == "zh-hans" else f"evaluations-{language}"
    branch = BranchFactory(name="本科生第一党支部")
    secretary = secretary_of(branch, student_number="20220001", language=language)
    member = UserFactory(
        name="张党员",
        student_number="20230002",
        political_status=PoliticalStatus.PROBATIONARY,
        branch=branch,
    )
    student = UserFactory(name="陈同学", student_number="20250003")
    PairingFactory(request__tutee=student, tutor=member)
    others = [
        PairingFactory(request__tutee__name=f"评价人{n}", tutor=member).tutee for n in range(2)
    ]
    campaign = CampaignFactory(name="2026年秋季党群互评", relations=[Relation.TUTEE, Relation.SELF])
    ideals = QuestionFactory(campaign=campaign, text="理想信念", text_en="Ideals and convictions")
    serving = QuestionFactory(campaign=campaign, text="服务同学")
    open_campaign(campaign=campaign)

    # The student finds the evaluation in the menu, sees his tutor with why, and scores him.
    visit = Visit(browser, PHONE)
    page = visit.sign_in(portal, student.student_number, language)
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("menu-services").click()
    page.get_by_test_id("nav-evaluations").click()
    target = page.get_by_test_id("target")
    expect(target).to_have_count(1)
    expect(target).to_contain_text("张党员")
    expect(target).to_contain_text(text["why"])
    expect(target.get_by_test_id("not-voted")).to_be_visible()
    target.get_by_test_id("target-link").click()
    questions = page.get_by_test_id("question")
    expect(questions.nth(0)).to_contain_text(text["ideals"])
    questions.nth(0).get_by_text(text["very good"]).click()
    questions.nth(1).get_by_text(text["good"]).click()
    page.get_by_label(text["comment"]).fill("每周都约我讨论高数，很耐心。")
    page.screenshot(path=artifacts / f"{shot}-1-ballot.png", full_page=True)
    page.get_by_test_id("cast").click()
    expect(page.get_by_test_id("voted")).to_be_visible()
    page.screenshot(path=artifacts / f"{shot}-2-voted.png", full_page=True)
    visit.close()
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    for person, score in zip(others, [4, 3], strict=True):
        cast_ballot(actor=person, evaluatee=evaluatee, scores={ideals.pk: score, serving.pk: score})

    # Voting closes; staff publish the results.
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=now - datetime.timedelta(days=7), closes_at=now - datetime.timedelta(minutes=1)
    )
    close_campaign(campaign=campaign)
    publish_results(actor=UserFactory(staff=True), campaign=campaign)

    # The member reads his result: averages over three ballots, the comment without a name.
    visit = Visit(browser, PHONE)
    page = visit.sign_in(portal, member.student_number, language)
    page.goto(portal.url + "/evaluations/")
    page.get_by_test_id("my-results").get_by_role("link", name="2026年秋季党群互评").click()
    expect(page.get_by_test_id("ballots")).to_have_text("3")
    # (5+4+3)/3 = 4.00 and (4+4+3)/3 = 3.67; overall 3.84 (to the hundredth of each).
    expect(page.get_by_test_id("question-average").nth(0)).to_have_text("4.00")
    expect(page.get_by_test_id("question-average").nth(1)).to_have_text("3.67")
    expect(page.get_by_test_id("computed-grade")).to_have_text(text["qualified"])
    expect(page.get_by_test_id("comment")).to_have_text("每周都约我讨论高数，很耐心。")
    expect(page.locator("main")).not_to_contain_text("陈同学")
    page.screenshot(path=artifacts / f"{shot}-3-result.png", full_page=True)
    visit.close()

    # The secretary records a final grade that differs, with the reason.
    visit = Visit(browser, DESKTOP)
    page = visit.sign_in(portal, secretary.student_number, language)
    page.goto(portal.url + "/evaluations/")
    page.get_by_test_id("appraisal-link").click()
    page.get_by_test_id("members").get_by_role("link", name="张党员").click()
    expect(page.locator("main")).not_to_contain_text("陈同学")
    page.get_by_label(text["final grade"]).select_option(Grade.EXCELLENT)
    page.get_by_test_id("record-grade").click()
    expect(page.get_by_role("alert")).to_contain_text(text["give the reason"])
    page.get_by_label(text["final grade"]).select_option(Grade.EXCELLENT)
    page.get_by_label(text["reason"], exact=True).fill("一学期辅导十余次，成效突出。")
    page.get_by_test_id("record-grade").click()
    expect(page.get_by_test_id("final-grade")).to_contain_text(text["excellent"])
    page.screenshot(path=artifacts / f"{shot}-4-graded.png", full_page=True)
    visit.close()
    evaluatee.refresh_from_db()
    assert (evaluatee.final_grade, evaluatee.final_by) == (Grade.EXCELLENT, secretary)
