"""The suggestion board from submission to a satisfied close, on a phone, in Chinese and in
English: a student submits anonymously with a photo, another supports it, a handler accepts and
answers it, and the author, told by a notice that does not name it, marks the answer satisfying."""

import re

import pytest
from playwright.sync_api import Browser, expect

from feedback.models import Suggestion
from feedback.services import deliver_anonymous_news
from members.models import PoliticalStatus
from tests.factories import UserFactory
from tests.feedback.factories import (
    CategoryFactory,
    SubAreaFactory,
    SuggestionFactory,
    image_bytes,
)

from .conftest import DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {
        "submit": "提交建议",
        "yours": "你的建议（匿名）",  # noqa: RUF001
        "support": "支持（+1）",  # noqa: RUF001
        "supporters": "1 人支持",
        "accept": "受理",
        "publish": "发布答复",
        "answered": "已答复",
        "news": "你的一条匿名建议有新进展",
        "open": "查看",
        "satisfied": "满意",
        "closed": "已办结",
        "is_satisfied": "提交人对这条答复满意。",
    },
    "en": {
        "submit": "Submit the suggestion",
        "yours": "Yours (anonymous)",
        "support": "Support (+1)",
        "supporters": "1 supporter",
        "accept": "Accept",
        "publish": "Publish the answer",
        "answered": "Answered",
        "news": "One of your anonymous suggestions has news",
        "open": "Open",
        "satisfied": "Satisfied",
        "closed": "Closed",
        "is_satisfied": "The author is satisfied with this answer.",
    },
}
TITLE = "自习室期末周延长开放"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_suggestion_from_submission_to_a_satisfied_close(
    browser: Browser, portal, artifacts, language, settings
):
    text = TEXT[language]
    # The only author with news is told in a batch of his own, which the portal would hold
    # back for more authors: here the journey goes on at once.
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    UserFactory(name="匿名的作者", student_number="20241111", language=language)
    UserFactory(name="支持的同学", student_number="20242222", language=language)
    handler = UserFactory(
        name="处理的党员",
        student_number="20233333",
        language=language,
        political_status=PoliticalStatus.FULL,
    )
    category = CategoryFactory(name="后勤服务", name_en="Campus services", handlers=[handler])
    SubAreaFactory(category=category, name="自习室", name_en="Study rooms")
    SuggestionFactory(category=category, title="期末自习室开放时间太短")
    shot = f"feedback-{language}"

    # The author submits anonymously, with a photo.
    author_visit = Visit(browser, PHONE)
    page = author_visit.sign_in(portal, "20241111", language)
    page.goto(portal.url + "/suggestions/")
    page.get_by_test_id("new-suggestion").click()
    page.locator("input[name=title]").fill(TITLE)
    # A hint of the similar suggestion while typing, to support it rather than repeat it.
    expect(page.get_by_test_id("similar")).to_contain_text("期末自习室开放时间太短")
    page.locator("textarea[name=body]").fill("期末周希望自习室开放到零点。<b>不是HTML</b>")
    page.locator("select[name=category]").select_option(str(category.pk))
    page.locator("input[name=photos]").set_input_files(
        [{"name": "my-photo.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}]
    )
    page.locator("input[name=anonymous]").check()
    page.screenshot(path=artifacts / f"{shot}-1-submit.png", full_page=True)
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_test_id("yours")).to_have_text(text["yours"])
    expect(page.get_by_test_id("body")).to_contain_text("<b>不是HTML</b>")
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    page.screenshot(path=artifacts / f"{shot}-2-submitted.png", full_page=True)
    suggestion = Suggestion.objects.get(title=TITLE)
    assert suggestion.author is None
    url = portal.url + suggestion.get_absolute_url()

    # Another student supports it, without a reload.
    supporter_visit = Visit(browser, PHONE)
    page = supporter_visit.sign_in(portal, "20242222", language)
    page.goto(url)
    expect(page.get_by_test_id("suggestion")).not_to_contain_text("匿名的作者")
    page.get_by_role("button", name=text["support"]).click()
    expect(page.get_by_test_id("supporters")).to_have_text(text["supporters"])
    expect(page.get_by_test_id("support-button")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=artifacts / f"{shot}-3-supported.png", full_page=True)
    supporter_visit.close()

    # The handler accepts and answers it.
    handler_visit = Visit(browser, PHONE)
    page = handler_visit.sign_in(portal, "20233333", language)
    page.goto(url)
    page.get_by_test_id("accept-form").get_by_role("button", name=text["accept"]).click()
    page.get_by_test_id("answer-form").locator("textarea").fill("已与图书馆沟通 期末周开放到零点。")
    page.get_by_role("button", name=text["publish"]).click()
    expect(page.get_by_test_id("status")).to_have_text(text["answered"])
    expect(page.get_by_test_id("answer")).to_contain_text("开放到零点")
    page.screenshot(path=artifacts / f"{shot}-4-answered.png", full_page=True)
    handler_visit.close()
    # The batch that tells the authors of anonymous suggestions runs.
    assert deliver_anonymous_news() == 1

    # The author is told, without the notice naming the suggestion, and is satisfied.
    page = author_visit.page
    page.goto(portal.url + "/notifications/")
    inbox = page.get_by_test_id("inbox")
    notice = inbox.locator("li", has_text=text["news"]).first
    expect(notice).to_be_visible()
    expect(inbox).not_to_contain_text(TITLE)
    page.screenshot(path=artifacts / f"{shot}-5-notice.png", full_page=True)
    notice.get_by_role("button", name=text["open"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/suggestions/mine/$"))
    page.get_by_role("link", name=TITLE).click()
    page.get_by_test_id("rate").get_by_role("button", name=text["satisfied"], exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text(text["closed"])
    expect(page.get_by_test_id("satisfaction")).to_have_text(text["is_satisfied"])
    page.screenshot(path=artifacts / f"{shot}-6-satisfied.png", full_page=True)
    author_visit.close()
    suggestion.refresh_from_db()
    assert suggestion.status == "closed" and suggestion.satisfied is True


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_assign_from_the_queue_and_read_the_statistics(
    browser: Browser, portal, artifacts, language
):
    staff = UserFactory(
        staff=True, name="王老师", email="teacher@example.edu.cn", language=language
    )
    handler = UserFactory(
        name="处理的党员", student_number="20233333", political_status=PoliticalStatus.FULL
    )
    category = CategoryFactory(name="后勤服务", name_en="Campus services", handlers=[handler])
    first, second = SuggestionFactory.create_batch(2, category=category)
    SuggestionFactory(category=category, answered=True, satisfied=True)

    visit = Visit(browser, DESKTOP)
    page = visit.sign_in(portal, staff.email, language)
    page.goto(portal.url + "/suggestions/queue/")
    queue = page.get_by_test_id("queue")
    expect(queue.locator("tbody tr")).to_have_count(2)
    for suggestion in (first, second):
        queue.locator(f"input[value='{suggestion.pk}']").check()
    assign = page.get_by_test_id("bulk-assign")
    # The handler is found by his number; Enter searches, it does not post the form.
    assign.get_by_test_id("handler-search").fill("20233333")
    assign.get_by_test_id("handler-search").press("Enter")
    expect(assign.locator(f"select[name=assignee] option[value='{handler.pk}']")).to_be_attached()
    assign.locator("select[name=assignee]").select_option(str(handler.pk))
    assign.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(queue).to_contain_text("处理的党员")
    page.screenshot(path=artifacts / f"feedback-{language}-queue.png", full_page=True)

    page.goto(portal.url + "/suggestions/statistics/")
    expect(page.get_by_test_id("total")).to_have_text("3")
    expect(page.get_by_test_id("satisfaction")).to_have_text("100%")
    visit.wait_for_chart("feedback-chart")
    page.screenshot(path=artifacts / f"feedback-{language}-statistics.png", full_page=True)
    visit.close()
    first.refresh_from_db()
    assert first.assignee == handler and first.status == "accepted"
