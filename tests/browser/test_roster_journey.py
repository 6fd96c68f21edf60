"""Staff import a roster in the admin; then a branch secretary finds an imported person."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Browser, expect

from tests.factories import BranchFactory, UserFactory

from .conftest import DESKTOP, PHONE, Visit, secretary_of

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parent.parent / "data"
TEXT = {
    "zh-hans": {
        "import": "导入",
        "submit": "提交",
        "confirm": "确认导入",
        "unknown_branch": "没有名为“不存在的党支部”的党支部",
        "finished": "导入成功",
        "directory": "查找人员",
        "search": "搜索",
        "activist": "入党积极分子",
        "nobody": "没有符合条件的人员",
        "several_sheets": "此工作簿中有多个工作表含有这些列",
        "sheet_read": "读取的是工作表“二班”。",
    },
    "en": {
        "import": "Import",
        "submit": "Submit",
        "confirm": "Confirm import",
        "unknown_branch": "There is no Party branch named “不存在的党支部”",
        "finished": "Import finished",
        "directory": "Find people",
        "search": "Search",
        "activist": "Party activist",
        "nobody": "Nobody matches",
        "several_sheets": "Several sheets of this workbook hold a table with these columns",
        "sheet_read": "Read from the sheet “二班”.",
    },
}


def two_class_workbook(path: Path) -> Path:
    """A workbook with a roster on each of two sheets, as a college saves its classes."""
    book = openpyxl.Workbook()
    book.active.title = "一班"
    book.active.append(["学号", "姓名", "邮箱"])
    book.active.append(["2023090901", "韩冬", "handong@example.edu.cn"])
    second = book.create_sheet("二班")
    second.append(["学号", "姓名", "邮箱"])
    second.append(["2023090902", "秦雪", "qinxue@example.edu.cn"])
    output = io.BytesIO()
    book.save(output)
    path.write_bytes(output.getvalue())
    return path


@pytest.mark.parametrize(
    ("language", "viewport", "label"), [("zh-hans", DESKTOP, "desktop"), ("en", PHONE, "phone")]
)
def test_staff_import_a_roster_and_a_secretary_finds_a_person(
    browser: Browser, portal, artifacts, settings, tmp_path, language, viewport, label
):
    settings.STAFF_REQUIRE_2FA = False
    text = TEXT[language]
    first, _second = BranchFactory(name="本科生第一党支部"), BranchFactory(name="本科生第二党支部")
    secretary_of(first, student_number="20190001", language=language)
    UserFactory(email="taken@example.edu.cn")
    staff = UserFactory(staff=True, email="teacher@example.edu.cn", language=language)
    group = Group.objects.create(name="College staff")
    group.permissions.set(Permission.objects.filter(content_type__app_label="members"))
    staff.groups.add(group)

    visit = Visit(browser, viewport)
    page = visit.page
    shot = f"roster-{language}-{label}"

    visit.sign_in(portal, "teacher@example.edu.cn", language, next_url="/admin/members/user/")
    page.get_by_role("link", name=text["import"], exact=True).click()

    # A roster with mistakes: every bad row is shown with its reason, and nothing is saved.
    page.locator("input[name=import_file]").set_input_files(DATA / "roster-bad.xlsx")
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_text(text["unknown_branch"])).to_be_visible()
    expect(page.get_by_role("button", name=text["confirm"])).to_have_count(0)
    page.screenshot(path=artifacts / f"{shot}-1-bad-file.png", full_page=True)

    # A workbook with a roster on two sheets: the staff member picks the sheet to read.
    two_classes = two_class_workbook(tmp_path / "classes.xlsx")
    page.locator("input[name=import_file]").set_input_files(two_classes)
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_text(text["several_sheets"])).to_be_visible()
    page.screenshot(path=artifacts / f"{shot}-1b-choose-sheet.png", full_page=True)
    page.locator("select[name=sheet]").select_option("二班")
    page.locator("input[name=import_file]").set_input_files(two_classes)
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_test_id("sheet-read")).to_have_text(text["sheet_read"])
    expect(page.get_by_text("秦雪").first).to_be_visible()
    expect(page.get_by_text("韩冬")).to_have_count(0)
    page.get_by_role("button", name=text["confirm"]).click()
    expect(page.get_by_text(text["finished"])).to_be_visible()
    page.get_by_role("link", name=text["import"], exact=True).click()

    # The clean roster: previewed, confirmed, saved.
    page.locator("input[name=import_file]").set_input_files(DATA / "roster-good.xlsx")
    page.get_by_role("button", name=text["submit"]).click()
    expect(page.get_by_text("李雨桐").first).to_be_visible()
    page.screenshot(path=artifacts / f"{shot}-2-preview.png", full_page=True)
    page.get_by_role("button", name=text["confirm"]).click()
    expect(page.get_by_text(text["finished"])).to_be_visible()
    page.screenshot(path=artifacts / f"{shot}-3-imported.png", full_page=True)
    visit.context.clear_cookies()

    # The secretary of the first branch finds one of his new people, and only his.
    visit.sign_in(portal, "20190001", language)
    page.locator("main").get_by_role("link", name=text["directory"]).click()
    search = page.get_by_role("searchbox")
    search.fill("陈佳怡")  # imported into the second branch: not his
    page.get_by_test_id("directory-filters").get_by_role("button", name=text["search"]).click()
    expect(page.get_by_test_id("no-people")).to_contain_text(text["nobody"])
    page.get_by_role("searchbox").fill("李雨桐")
    page.get_by_test_id("directory-filters").get_by_role("button", name=text["search"]).click()
    page.get_by_role("link", name="李雨桐").first.click()
    expect(page.get_by_test_id("political-status")).to_have_text(text["activist"])
    expect(page.get_by_test_id("profile")).to_contain_text("13812345602")
    page.screenshot(path=artifacts / f"{shot}-4-person.png", full_page=True)
    visit.close()
