"""A branch secretary takes an applicant from his application to development candidate on the
person's page: steps the rules forbid are refused with the rule and accepted once right; then
the branch's development page shows him and the ledger downloads."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from members.models import PoliticalStatus
from tests.factories import BranchFactory, UserFactory

from .conftest import PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser


def test_a_secretary_develops_an_applicant_and_exports_the_ledger(
    browser: Browser, portal, artifacts
):
    branch = BranchFactory(name="本科生第一党支部")
    secretary_of(branch, student_number="20190001", language="en")
    for name in ("王联系", "赵联系"):
        UserFactory(name=name, political_status=PoliticalStatus.FULL, branch=branch)
    UserFactory(name="钱预备", political_status=PoliticalStatus.PROBATIONARY, branch=branch)
    person = UserFactory(
        name="孙申请", branch=branch, political_status=PoliticalStatus.LEAGUE, language="en"
    )
    today = timezone.localdate()
    start = today - datetime.timedelta(days=500)

    def day(offset: int) -> str:
        return (start + datetime.timedelta(days=offset)).isoformat()

    visit = Visit(browser, PHONE)
    page = visit.page
    visit.sign_in(portal, "20190001", "en")
    page.goto(f"{portal.url}/people/{person.pk}/")
    form = page.get_by_test_id("milestone-form")

    def record(kind: str, date: str, **selects: str) -> None:
        form.locator("select[name=kind]").select_option(kind)
        form.locator("input[name=date]").fill(date)
        for name, label in selects.items():
            if name in ("days", "hours"):
                form.locator(f"input[name={name}]").fill(label)
            else:
                form.locator(f"select[name={name}]").select_option(label=label)
        form.get_by_role("button").click()

    def accepted(step: str) -> None:
        expect(page.get_by_text(f"“{step}” is recorded for 孙申请")).to_be_visible()

    def refused(rule: str) -> None:
        expect(page.get_by_test_id("milestone-refused")).to_contain_text(rule)

    # An application dated tomorrow is refused; dated 500 days ago it is recorded.
    record("application", (today + datetime.timedelta(days=1)).isoformat())
    refused("cannot be in the future")
    record("application", day(0))
    accepted("Application submitted")
    expect(page.get_by_test_id("next-step")).to_contain_text("Talk with the applicant due by")

    # The talk comes within the month.
    record("talk", day(40), member_1="王联系")
    refused("within one month")
    record("talk", day(10), member_1="王联系")
    accepted("Talk with the applicant")

    # The form shows only the details the chosen step takes.
    form.locator("select[name=kind]").select_option("training")
    expect(form.locator("input[name=days]")).to_be_visible()
    expect(form.locator("select[name=member_1]")).to_be_hidden()
    expect(form.locator("input[name=end_date]")).to_be_hidden()
    form.locator("select[name=kind]").select_option("activist")
    expect(form.locator("select[name=member_2]")).to_be_visible()
    expect(form.locator("input[name=days]")).to_be_hidden()

    # A contact person who is only a probationary member is refused.
    record("activist", day(40), method="Recommended by Party members", member_1="王联系",
           member_2="钱预备")  # fmt: skip
    refused("are full Party members")
    page.screenshot(path=artifacts / "development-1-refused.png", full_page=True)
    record("activist", day(40), method="Recommended by Party members", member_1="王联系",
           member_2="赵联系")  # fmt: skip
    accepted("Named a Party activist")

    record("training", day(100), days="3")
    accepted("Concentrated training")
    record("record", day(200), member_1="王联系")
    accepted("Half-yearly assessment record")
    record("review", day(300))
    accepted("Political review done")
    record("record", day(350), member_1="赵联系")
    accepted("Half-yearly assessment record")

    # Nine months after becoming an activist is too soon for a development candidate.
    record("candidate", day(40 + 270))
    refused("at least one year")
    record("candidate", day(411))
    accepted("Listed as a development candidate")
    expect(page.get_by_test_id("political-status")).to_have_text("Development candidate")
    expect(page.get_by_test_id("timeline")).to_contain_text("With: 王联系, 赵联系")
    page.screenshot(path=artifacts / "development-2-candidate.png", full_page=True)

    # The branch's development page lists him with his next step; the ledger downloads.
    page.goto(f"{portal.url}/branches/{branch.pk}/")
    page.get_by_test_id("branch-development").click()
    row = page.get_by_test_id("development-row").filter(has_text="孙申请")
    expect(row).to_contain_text("Next: Introducers named")
    page.screenshot(path=artifacts / "development-3-branch.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("ledger-export").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.active.title == "Party development ledger"
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and rows[0][-1] == "Remarks"
    mine = next(r for r in rows if r[0] == "孙申请")
    assert mine[4] == day(0) and mine[7] == day(411) and "王联系" in mine[6]
    visit.close()
