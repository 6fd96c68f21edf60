"""The roster's admin pages as staff meet them: the export page in their language with a working
"Select all", and the import's list of bad rows readable on a desktop and on a phone."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Browser, Page, expect

from tests.factories import BranchFactory, UserFactory

from .conftest import DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent.parent / "data"
TEXT = {
    "zh-hans": {
        "select_all": "全选",
        "number": "学号",
        "import": "导入",
        "submit": "提交",
        "failed": "部分行未通过校验",
    },
    "en": {
        "select_all": "Select all",
        "number": "Student number",
        "import": "Import",
        "submit": "Submit",
        "failed": "Some rows failed to validate",
    },
}
CASES = [("zh-hans", DESKTOP, "desktop"), ("en", PHONE, "phone")]


def staff_member(language: str) -> None:
    staff = UserFactory(staff=True, email="teacher@example.edu.cn", language=language)
    group = Group.objects.create(name="College staff")
    group.permissions.set(Permission.objects.filter(content_type__app_label="members"))
    staff.groups.add(group)


def column_boxes(page: Page):
    return page.locator('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)')


@pytest.mark.parametrize(("language", "viewport", "label"), CASES)
def test_the_export_page_speaks_the_staffs_language_and_selects_all(
    browser: Browser, portal, artifacts, settings, language, viewport, label
):
    settings.STAFF_REQUIRE_2FA = False
    text = TEXT[language]
    staff_member(language)
    visit = Visit(browser, viewport)
    page = visit.sign_in(
        portal, "teacher@example.edu.cn", language, next_url="/admin/members/user/export/"
    )
    form = page.locator("#content form")
    # Each column is named by its header in the file, in the reader's language.
    expect(form.get_by_text(text["number"], exact=True)).to_be_visible()
    expect(form).not_to_contain_text("Student Number (")
    select_all = page.get_by_label(text["select_all"])
    columns = column_boxes(page)
    assert columns.count() >= 10
    page.screenshot(path=artifacts / f"roster-export-{language}-{label}.png", full_page=True)

    select_all.uncheck()
    for index in range(columns.count()):
        expect(columns.nth(index)).not_to_be_checked()
    columns.first.check()
    select_all.check()
    for index in range(columns.count()):
        expect(columns.nth(index)).to_be_checked()
    columns.nth(1).uncheck()
    expect(select_all).not_to_be_checked()
    visit.close()


@pytest.mark.parametrize(("language", "viewport", "label"), CASES)
def test_the_list_of_bad_rows_stays_inside_the_page(
    browser: Browser, portal, artifacts, settings, language, viewport, label
):
    settings.STAFF_REQUIRE_2FA = False
    text = TEXT[language]
    BranchFactory(name="本科生第一党支部")
    BranchFactory(name="本科生第二党支部")
    UserFactory(email="taken@example.edu.cn")
    staff_member(language)
    visit = Visit(browser, viewport)
    page = visit.sign_in(
        portal, "teacher@example.edu.cn", language, next_url="/admin/members/user/import/"
    )
    page.locator("input[name=import_file]").set_input_files(DATA / "roster-bad.xlsx")
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_role("heading", name=text["failed"])).to_be_visible()
    page.screenshot(path=artifacts / f"roster-bad-rows-{language}-{label}.png", full_page=True)

    # The page does not scroll sideways; the table scrolls inside its own box.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= viewport["width"]
    table = page.locator("table.import-preview")
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    # Short cells (a name, a student number) keep to one line; the reasons wrap.
    lines = page.evaluate(
        """() => Array.from(document.querySelectorAll("table.import-preview tbody td"))
            .filter(td => !td.classList.contains("errors") && td.textContent.trim())
            .map(td => {
                const range = document.createRange();
                range.selectNodeContents(td);
                const rects = Array.from(range.getClientRects());
                const tops = new Set(rects.map(r => Math.round(r.top)));
                return [td.textContent.trim(), tops.size];
            })"""
    )
    assert lines, "no cells measured"
    assert [cell for cell, count in lines if count > 1] == []
    reasons_width = page.locator("table.import-preview td.errors").first.bounding_box()["width"]
    assert reasons_width < 700
    visit.close()
