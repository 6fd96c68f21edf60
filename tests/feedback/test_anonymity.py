"""Anonymity that holds: after an anonymous suggestion has gone through its whole life, nobody
but its author can find out who wrote it, on any page, admin page, export, notice or log line;
the author still sees it as his and receives its news."""

import io
import logging
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from feedback.models import Suggestion
from feedback.services import deliver_anonymous_news
from notifications.models import Notice
from tests.factories import UserFactory

from .factories import image_bytes

pytestmark = pytest.mark.django_db

NAME = "欧阳秘密"
NUMBER = "20249876"
EMAIL = "hidden.author@example.edu.cn"
TITLE = "宿舍楼热水器经常坏"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author(db):
    return UserFactory(name=NAME, student_number=NUMBER, email=EMAIL)


@pytest.fixture
def life(author, handler, services_category, member, staff, caplog, settings):
    """An anonymous suggestion submitted, supported, reported, accepted, answered, rated,
    reopened and answered again, everything through the pages, with logging captured. (Its
    author is told in a batch of his own, which the portal never sends: see
    `test_anonymity_routes.py`; here it lets the test see what he receives.)"""
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    settings.FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS = 0
    caplog.set_level(logging.DEBUG)
    client = _client(author)
    photo = SimpleUploadedFile(f"{NAME}.jpg", image_bytes(), content_type="image/jpeg")
    client.post(
        reverse("feedback:submit"),
        {
            "title": TITLE,
            "body": "三号楼的热水器这个月坏了三次。",
            "category": services_category.pk,
            "anonymous": "on",
            "photos": [photo],
        },
    )
    suggestion = Suggestion.objects.get(title=TITLE)
    _client(member).post(reverse("feedback:support", kwargs={"pk": suggestion.pk}))
    _client(member).post(reverse("feedback:report", kwargs={"pk": suggestion.pk}), {"reason": "x"})
    handle = _client(handler)
    for action, data in [
        ("accept", {"assignee": handler.pk}),
        ("start", {}),
        ("answer", {"answer": "已报修 下周更换。"}),
    ]:
        handle.post(reverse("feedback:handle", args=[suggestion.pk, action]), data)
    deliver_anonymous_news()
    client.post(reverse("feedback:rate", args=[suggestion.pk]), {"satisfied": "no"})
    client.post(reverse("feedback:reopen", args=[suggestion.pk]), {"reopen-reason": "还没换。"})
    handle.post(reverse("feedback:handle", args=[suggestion.pk, "answer"]), {"answer": "已更换。"})
    deliver_anonymous_news()
    client.post(reverse("feedback:rate", args=[suggestion.pk]), {"satisfied": "yes"})
    suggestion.refresh_from_db()
    assert suggestion.status == "closed" and suggestion.satisfied is True
    return suggestion


@pytest.fixture
def services_category(services):
    return services


def _assert_anonymous(text: str, where: str) -> None:
    for secret in (NAME, NUMBER, EMAIL, EMAIL.split("@")[0]):
        assert secret not in text, f"{secret} shown in {where}"


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
    )


def test_nobody_else_can_learn_who_wrote_it(
    life, author, student, member, reviewer, handler, staff, settings, caplog
):
    suggestion = life
    settings.STAFF_REQUIRE_2FA = False
    settings.FEEDBACK_PUBLIC_BOARD = True
    superuser = UserFactory(staff=True, is_superuser=True, name="超级管理员")
    staff.groups.add(_staff_group())
    pages = [
        reverse("feedback:board"),
        reverse("feedback:board") + f"?q={TITLE}",
        reverse("feedback:board") + "?sort=support",
        suggestion.get_absolute_url(),
        reverse("feedback:mine"),
        reverse("feedback:similar") + f"?title={TITLE}",
        reverse("feedback:queue") + "?status=",
        reverse("feedback:statistics"),
        reverse("feedback:export") + "?status=",
        reverse("feedback:photo", args=[suggestion.photos.get().pk]),
        "/admin/feedback/suggestion/",
        f"/admin/feedback/suggestion/{suggestion.pk}/change/",
        f"/admin/feedback/suggestion/{suggestion.pk}/history/",
        f"/admin/feedback/suggestion/{suggestion.pk}/delete/",
        "/admin/feedback/report/",
        f"/admin/feedback/category/{suggestion.category_id}/change/",
        f"/admin/feedback/category/{suggestion.category_id}/history/",
        f"/admin/notifications/notice/?q={TITLE}",
        "/admin/feedback/suggestion/999999/change/",  # an error page
    ]
    about_it = [
        notice
        for notice in Notice.objects.all()
        if TITLE in notice.title + notice.body or suggestion.get_absolute_url() == notice.link
    ]
    assert about_it  # the handler, the supporter and staff were told
    pages += [f"/admin/notifications/notice/{notice.pk}/change/" for notice in about_it]
    viewers = {
        "visitor": Client(),
        **{
            role: _client(user)
            for role, user in [
                ("student", student),
                ("member", member),
                ("reviewer", reviewer),
                ("handler", handler),
                ("staff", staff),
                ("superuser", superuser),
            ]
        },
    }
    opened = 0
    for role, client in viewers.items():
        for url in pages:
            response = client.get(url)
            if response.streaming:
                content = b"".join(response.streaming_content)
            else:
                content = response.content
            if response.get("Content-Type", "").startswith("application/vnd.openxml"):
                text = _xlsx_text(content)
                assert TITLE in text  # the export does list it
                assert "Anonymous" in text or "匿名" in text
            else:
                text = content.decode("utf-8", errors="replace")
            _assert_anonymous(text, f"{url} as {role}")
            opened += response.status_code == 200
    assert opened > 60
    # Searching for him finds nothing (the search words are shown back, so look for the title).
    searches = [
        reverse("feedback:board") + "?q={}",
        reverse("feedback:queue") + "?status=&q={}",
        "/admin/feedback/suggestion/?q={}",
    ]
    for secret in (NAME, NUMBER, EMAIL):
        for url in searches:
            response = viewers["superuser"].get(url.format(secret))
            assert response.status_code == 200
            assert TITLE not in response.content.decode()
    # Notices that speak of the suggestion never go to its author, nor name him.
    for notice in about_it:
        assert notice.recipient_id != author.pk
        _assert_anonymous(f"{notice.title} {notice.body} {notice.link}", "a notice")
    # Nothing logged names him.
    _assert_anonymous(caplog.text, "the log")
    # The database row keeps no link to him.
    assert suggestion.author_id is None
    assert not suggestion.steps.filter(actor=author).exists()
    assert len(suggestion.author_token) == 64  # a keyed hash, not an id


def test_the_author_still_sees_it_as_his_and_receives_its_news(life, author, handler):
    suggestion = life
    client = _client(author)
    mine = client.get(reverse("feedback:mine")).content.decode()
    assert TITLE in mine
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="yours"' in page
    news = Notice.objects.filter(recipient=author)
    # Told in two batches (after the first answer, after the second), never naming it.
    assert news.count() == 2
    for notice in news:
        assert TITLE not in notice.title + notice.body
        assert notice.link == reverse("feedback:mine")
        assert re.fullmatch(r"feedback-anon:[0-9a-f]{64}", notice.dedup_key)


def test_other_people_do_not_see_it_as_theirs(life, student):
    page = _client(student).get(life.get_absolute_url()).content.decode()
    assert 'data-testid="yours"' not in page
    assert TITLE not in _client(student).get(reverse("feedback:mine")).content.decode()


def test_a_named_suggestion_shows_its_author(handler, services, author):
    services_obj = services
    suggestion = Suggestion.objects.create(
        title="named", body="b", category=services_obj, author=author
    )
    page = _client(handler).get(suggestion.get_absolute_url()).content.decode()
    assert NAME in page


def _staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name="College staff")
    group.permissions.set(Permission.objects.filter(content_type__app_label="feedback"))
    return group
