# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""The words people read: one English word with two meanings gets two translations, filters say
what the page shows, search boxes say what they search, and the Chinese speaks one way."""

import gettext as gettext_module
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from feedback.models import Status
from tests.feedback.factories import CategoryFactory, SuggestionFactory
from tests.study.factories import StudyPlanFactory
from workstation import third_party_strings

pytestmark = pytest.mark.django_db

QUEUE = reverse("feedback:queue")


class FormReader(HTMLParser):
    """What a browser sends from a page's GET form unchanged, the first option of each status
    select, and every search box with its placeholder and label."""

    def __init__(self, form_testid: str | None = None) -> None:
        super().__init__()
        self.form_testid = form_testid
        self.in_form = form_testid is None
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: dict[str, str] = {}
        self.option: tuple[str, str] | None = None
        self.option_text: dict[str, str] = {}
        self.searches: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self.label_for: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and attrs.get("data-testid") == self.form_testid:
            self.in_form = True
        if tag == "label" and "for" in attrs:
            self.label_for = (attrs["for"], attrs.get("class", ""))
        if tag == "input" and attrs.get("type") == "search":
            self.searches.append(attrs)
        if not self.in_form:
            return
        if tag == "input" and attrs.get("type") in ("search", "text"):
            self.values[attrs["name"]] = attrs.get("value", "")
        if tag == "select":
            self.select = attrs["name"]
        if tag == "option" and self.select:
            self.values.setdefault(self.select, attrs["value"])
            if "selected" in attrs:
                self.values[self.select] = attrs["value"]
            self.option = (self.select, attrs["value"])

    def handle_data(self, data: str) -> None:
        if self.option and self.option not in self.option_text:
            self.option_text[self.option] = data.strip()
            self.first_option.setdefault(self.option[0], data.strip())
        if self.label_for:
            self.labels[self.label_for[0]] = self.label_for[1]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_testid is not None:
            self.in_form = False
        if tag == "select":
            self.select = None
        if tag == "option":
            self.option = None
        if tag == "label":
            self.label_for = None


def read(response, form_testid: str | None = None) -> FormReader:
    reader = FormReader(form_testid)
    reader.feed(response.content.decode())
    return reader


# --- one word, two meanings -------------------------------------------------------------------


def test_the_suggestion_status_filters_speak_of_statuses_not_political_status(
    student_client, staff_client
):
    CategoryFactory()
    board = read(student_client.get(reverse("feedback:board")))
    assert board.option_text[("status", "")] == "全部状态"
    queue = read(staff_client.get(QUEUE), "queue-filters")
    assert queue.option_text[("status", "")] == "全部状态"
    directory = read(staff_client.get(reverse("members:directory")))
    assert directory.option_text[("status", "")] == "全部政治面貌"


def test_closing_a_suggestion_is_not_dismissing_a_message(staff_client, student):
    suggestion = SuggestionFactory(author=student, status=Status.ANSWERED, answer="已处理。")
    page = staff_client.get(suggestion.get_absolute_url()).content.decode()
    assert ">办结</button>" in page


def test_a_periodic_tasks_name_is_a_task_name_in_the_admin(staff_client, staff, settings):
    settings.STAFF_REQUIRE_2FA = False
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    page = staff_client.get("/admin/django_celery_beat/periodictask/add/").content.decode()
    assert "任务名" in page
    assert ">姓名" not in page


# --- the staff queue: the filter says what the page shows -----------------------------------


def test_the_queue_filter_shows_what_the_queue_shows(staff_client):
    category = CategoryFactory()
    SuggestionFactory.create_batch(2, category=category, status=Status.SUBMITTED)
    SuggestionFactory(category=category, status=Status.IN_PROGRESS)
    SuggestionFactory.create_batch(3, category=category, status=Status.CLOSED)

    first = staff_client.get(QUEUE)
    form = read(first, "queue-filters")
    assert form.values["status"] == "open"
    assert first.context["page"].paginator.count == 3
    # Pressing "Filter" without changing anything shows the same suggestions.
    again = staff_client.get(QUEUE, form.values)
    assert again.context["page"].paginator.count == 3
    # Choosing "all statuses" shows all, and the filter keeps showing that choice.
    everything = staff_client.get(QUEUE, form.values | {"status": ""})
    assert everything.context["page"].paginator.count == 6
    assert read(everything, "queue-filters").values["status"] == ""


# --- search boxes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("student", "feedback:board"),
        ("staff", "feedback:queue"),
        ("staff", "members:directory"),
        ("staff", "members:branches"),
        ("reviewer", "study:review"),
        ("member", "study:activities"),
        ("student", "notifications:inbox"),
        ("staff", "study:participants"),
        ("staff", "tutoring:overview"),
    ],
)
def test_every_search_box_says_what_it_searches(request, role, url):
    user = request.getfixturevalue(role)
    request.getfixturevalue(f"{role}_client")
    client = request.getfixturevalue(f"{role}_client")
    args = [StudyPlanFactory().pk] if url == "study:participants" else []
    CategoryFactory()
    page = read(client.get(reverse(url, args=args)))
    assert page.searches, f"no search box on {url} for {user}"
    for box in page.searches:
        visible_label = box.get("id") in page.labels and "visually-hidden" not in page.labels.get(
            box.get("id"), ""
        )
        assert box.get("placeholder") or visible_label, box


# --- one voice in Chinese, the portal's and the packages' -------------------------------------

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PACKAGES = Path(django.__file__).resolve().parents[1]
PACKAGE_CATALOGUES = [
    "django/conf",
    "django/contrib/admin",
    "django/contrib/auth",
    "django/contrib/contenttypes",
    "django/contrib/humanize",
    "allauth",
    "import_export",
    "django_celery_beat",
    "simple_history",
]
# The portal's own words that differ from a package's translation of the same English without
# meaning anything else (so the portal's may stand in the package's pages too).
SAME_MEANING = {
    "Add",
    "Administration",
    "Created",
    "created",
    "Filter",
    "History",
    "Home",
    "Page not found",
    "Remove",
    "active",
    "name",
    "staff status",
}


def catalogue(path: Path) -> dict:
    with path.open("rb") as handle:
        return gettext_module.GNUTranslations(handle)._catalog


def portal_messages() -> dict:
    return catalogue(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo")


def test_the_chinese_says_ni_throughout():
    translations = [str(text) for text in portal_messages().values()]
    assert [text for text in translations if "您" in text] == []


def test_no_space_sits_between_a_chinese_word_and_a_name():
    spaced = re.compile(r"[\u4e00-\u9fff，。：] %\((name|user_display|plan|stage|title)\)s")
    spaced_after = re.compile(r"%\((name|user_display|plan|stage|title)\)s [\u4e00-\u9fff，。：]")
    translations = [str(text) for text in portal_messages().values()]
    assert [text for text in translations if spaced.search(text) or spaced_after.search(text)] == []


def test_the_portals_catalogue_replaces_a_packages_words_only_on_purpose():
    """The portal's catalogue wins over every package's: a plain msgid of the portal that a
    package translates otherwise must be a correction listed in third_party_strings, or mean
    the same; otherwise it needs a context (as "Name" once renamed the periodic tasks' 任务名)."""
    ours = {key: text for key, text in portal_messages().items() if isinstance(key, str)}
    deliberate = {
        message._kw["singular"] if isinstance(message, Promise) else message
        for message in third_party_strings.OVERRIDES
    }
    shadowed = set()
    for package in PACKAGE_CATALOGUES:
        theirs = catalogue(PACKAGES / package / "locale/zh_Hans/LC_MESSAGES/django.mo")
        for msgid, text in ours.items():
            if msgid and msgid in theirs and theirs[msgid] != text:
                shadowed.add(msgid)
    assert shadowed - deliberate - SAME_MEANING == set()


def test_every_correction_of_a_package_is_translated_plainly():
    with translation.override("zh-hans"):
        for message in third_party_strings.OVERRIDES:
            text = str(message) if isinstance(message, Promise) else gettext(message)
            assert not text.isascii(), message
            assert "您" not in text
            words = re.sub(r"%\(\w+\)s|\{\w+\}|<[^>]*>", "", text)
            assert not re.search(r"(?i)e-?mail|token", words), text


def test_signing_in_greets_by_name_without_stray_spaces(client, student, password):
    response = client.post(
        reverse("account_login"), {"login": student.email, "password": password}, follow=True
    )
    page = response.content.decode()
    assert "陈同学，你已成功登录。" in page
    assert "以 陈同学 成功登录" not in page


def test_the_e_mail_page_says_youxiang(student_client):
    page = student_client.get(reverse("account_email")).content.decode()
    assert "邮箱地址" in page
    assert re.findall(r">[^<]*email[^<]*<", page, re.IGNORECASE) == []


def test_the_two_factor_page_uses_the_portals_word(student_client):
    page = student_client.get(reverse("mfa_index")).content.decode()
    assert "<h1>两步验证</h1>" in page or ">两步验证<" in page
    assert "双因素" not in page
