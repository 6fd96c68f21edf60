"""The branch view in a browser: a secretary opens it from the navigation, sees the charts
drawn, follows a figure to the list behind it (as many people as the figure says), and
downloads the semester report. In Chinese on a phone and in English on a desktop."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from members.models import PoliticalStatus
from tests.factories import BranchFactory, UserFactory
from tests.study.factories import EnrollmentFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

TEXT = {
    "zh-hans": {"branch_view": "支部概况", "sheets": ["人员", "学习", "朋辈辅导", "宿舍"]},
    "en": {"branch_view": "Branch view", "sheets": ["People", "Study", "Peer tutoring", "Dorms"]},
}


@pytest.mark.parametrize(
    ("language", "viewport", "label"), [("zh-hans", PHONE, "phone"), ("en", DESKTOP, "desktop")]
)
def test_a_secretary_follows_a_figure_and_downloads_the_report(
    browser: Browser, portal, artifacts, language, viewport, label
):
    text = TEXT[language]
    branch = BranchFactory(name="本科生第一党支部")
    secretary_of(branch, student_number="20230001", language=language)
    for number in range(3):
        person = UserFactory(
            political_status=PoliticalStatus.ACTIVIST, branch=branch, name=f"积极分子{number}"
        )
        EnrollmentFactory(person=person)
    UserFactory(political_status=PoliticalStatus.ACTIVIST, branch=BranchFactory(name="其他支部"))
    shot = f"glance-{language}-{label}"

    visit = Visit(browser, viewport)
    page = visit.sign_in(portal, "20230001", language)
    if viewport is PHONE:
        page.locator(".navbar-toggler").click()
    page.get_by_test_id("menu-manage").click()
    page.get_by_test_id("nav-branch-views").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("本科生第一党支部")
    visit.wait_for_chart("chart-members-statuses")
    visit.wait_for_chart("chart-study-bands")
    page.screenshot(path=artifacts / f"{shot}-1-branch.png", full_page=True)

    activists = page.get_by_test_id("figure-members-status-activist")
    expect(activists.get_by_test_id("value")).to_have_text("3")
    activists.click()
    expect(page.get_by_test_id("people-count")).to_contain_text("3")
    expect(page.get_by_test_id("people-count")).not_to_contain_text("4")
    page.screenshot(path=artifacts / f"{shot}-2-list.png", full_page=True)
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_test_id("report-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.startswith("semester-report-")
    with open(download.path(), "rb") as workbook:
        book = load_workbook(io.BytesIO(workbook.read()))
    assert book.sheetnames == text["sheets"]
    visit.close()
