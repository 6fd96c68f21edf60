"""Notices read in the reader's language of now, and earlier notices about one thing settle."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notice
from notifications.services import notify, send_pending_emails
from tests.factories import NoticeFactory

INBOX = "/notifications/"


def _in_english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


@pytest.mark.django_db
def test_a_notice_made_in_chinese_reads_in_english_after_the_switch(student_client, student):
    notice = notify(recipient=student, kind="welcome", key="welcome:1", email=False)
    assert notice.title.startswith("欢迎")
    _in_english(student_client)
    page = student_client.get(INBOX).content.decode()
    assert "Welcome to" in page
    assert "欢迎" not in page
    home = student_client.get("/").content.decode()
    assert "Welcome to" in home


@pytest.mark.django_db
def test_the_inbox_finds_a_notice_by_the_words_of_the_readers_language(student_client, student):
    notify(recipient=student, kind="welcome", key="welcome:1", email=False)
    _in_english(student_client)
    response = student_client.get(INBOX, {"q": "Welcome"})
    assert len(response.context["page"]) == 1


@pytest.mark.django_db
def test_a_notice_recorded_before_translations_shows_its_stored_text(student_client, student):
    NoticeFactory(recipient=student, title="旧的通知", body="旧的正文")
    _in_english(student_client)
    page = student_client.get(INBOX).content.decode()
    assert "旧的通知" in page and "旧的正文" in page


@pytest.mark.django_db
def test_the_email_speaks_the_language_the_recipient_has_when_it_is_sent(student, mailoutbox):
    notify(recipient=student, kind="welcome", key="welcome:1")
    student.language = "en"
    student.save(update_fields=["language"])
    assert send_pending_emails() == 1
    assert "Welcome to" in mailoutbox[0].subject
    assert "欢迎" not in mailoutbox[0].body


def _steps_of_one_suggestion(student, link="/suggestions/42/") -> list[Notice]:
    """Four notices about one suggestion, a few seconds apart, the newest last."""
    start = timezone.now() - datetime.timedelta(minutes=1)
    notices = []
    for number, title in enumerate(["受理", "分派", "开始处理", "已答复"]):
        notice = NoticeFactory(recipient=student, title=title, link=link)
        Notice.objects.filter(pk=notice.pk).update(
            created_at=start + datetime.timedelta(seconds=10 * number)
        )
        notices.append(notice)
    return notices


@pytest.mark.django_db
def test_the_badge_counts_notices_about_one_thing_once(student_client, student):
    _steps_of_one_suggestion(student)
    NoticeFactory(recipient=student, link="/study/")
    NoticeFactory(recipient=student)  # no link: a thing of its own
    page = student_client.get("/").content.decode()
    assert 'data-testid="unread-count-nav">3<' in page


@pytest.mark.django_db
def test_opening_the_answer_settles_the_earlier_notices_about_it(student_client, student):
    *earlier, answer = _steps_of_one_suggestion(student)
    other = NoticeFactory(recipient=student, link="/suggestions/43/")
    response = student_client.post(reverse("notifications:open", args=[answer.pk]))
    assert response["Location"] == "/suggestions/42/"
    assert Notice.objects.filter(pk__in=[n.pk for n in earlier], read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert not other.is_read
    page = student_client.get("/").content.decode()
    assert 'data-testid="unread-count-nav">1<' in page


@pytest.mark.django_db
def test_opening_an_earlier_notice_leaves_the_newer_one_unread(student_client, student):
    first, *_middle, answer = _steps_of_one_suggestion(student)
    student_client.post(reverse("notifications:open", args=[first.pk]))
    answer.refresh_from_db()
    assert not answer.is_read


@pytest.mark.django_db
def test_marking_read_in_place_redraws_the_settled_rows(student_client, student):
    *earlier, answer = _steps_of_one_suggestion(student)
    response = student_client.post(
        reverse("notifications:open", args=[answer.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    for notice in earlier:
        assert f'id="notice-{notice.pk}" hx-swap-oob="true"' in html
    assert "notice-unread" not in html
    assert "unread-count-nav" not in html


@pytest.mark.django_db
def test_settling_touches_only_my_own_notices(student_client, student):
    *_earlier, answer = _steps_of_one_suggestion(student)
    someone_elses = NoticeFactory(link="/suggestions/42/")
    student_client.post(reverse("notifications:open", args=[answer.pk]))
    someone_elses.refresh_from_db()
    assert not someone_elses.is_read


@pytest.mark.django_db
def test_the_badge_takes_one_query_however_many_notices(
    student_client, student, django_assert_max_num_queries
):
    for size in (2, 20):
        for number in range(size):
            NoticeFactory(recipient=student, link=f"/suggestions/{number}/")
        with django_assert_max_num_queries(8):
            student_client.get(INBOX)
