import pytest
from django.urls import reverse

from notifications.models import Notice
from tests.factories import NoticeFactory

INBOX = "/notifications/"


@pytest.mark.django_db
def test_inbox_lists_my_notices_only(student_client, student):
    NoticeFactory(recipient=student, title="For me")
    NoticeFactory(title="For someone else")
    page = student_client.get(INBOX).content.decode()
    assert "For me" in page
    assert "For someone else" not in page


@pytest.mark.django_db
def test_inbox_search_and_unread_filter(student_client, student):
    NoticeFactory(recipient=student, title="宿舍检查提醒")
    NoticeFactory(recipient=student, title="Tutoring session", read_at="2026-01-01T00:00:00Z")
    page = student_client.get(INBOX, {"q": "宿舍"}).content.decode()
    assert "宿舍检查提醒" in page and "Tutoring session" not in page
    page = student_client.get(INBOX, {"show": "unread"}).content.decode()
    assert "宿舍检查提醒" in page and "Tutoring session" not in page


@pytest.mark.django_db
def test_inbox_is_paginated(student_client, student):
    NoticeFactory.create_batch(25, recipient=student)
    first = student_client.get(INBOX)
    assert len(first.context["page"]) == 20
    second = student_client.get(INBOX, {"page": 2})
    assert len(second.context["page"]) == 5
    assert student_client.get(INBOX, {"page": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_unread_count_shows_in_the_navigation(student_client, student):
    NoticeFactory.create_batch(3, recipient=student)
    page = student_client.get("/").content.decode()
    assert 'data-testid="unread-count-nav">3<' in page


@pytest.mark.django_db
def test_opening_a_notice_marks_it_read_and_follows_its_link(student_client, student):
    notice = NoticeFactory(recipient=student, link="/notifications/?show=all")
    response = student_client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/notifications/?show=all"
    notice.refresh_from_db()
    assert notice.is_read


@pytest.mark.django_db
def test_an_offsite_link_is_not_followed(student_client, student):
    notice = NoticeFactory(recipient=student, link="https://evil.example.com/")
    response = student_client.post(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == INBOX


@pytest.mark.django_db
def test_marking_read_with_htmx_redraws_the_row(student_client, student):
    notice = NoticeFactory(recipient=student, title="Row title")
    response = student_client.post(
        reverse("notifications:open", args=[notice.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Row title" in response.content.decode()
    assert "notice-unread" not in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert "unread-count-nav" not in response.content.decode()  # none left: badge cleared


@pytest.mark.django_db
def test_mark_all_read(student_client, student):
    NoticeFactory.create_batch(3, recipient=student)
    other = NoticeFactory()
    response = student_client.post(reverse("notifications:read-all"), follow=True)
    assert "已将 3 条通知标为已读。" in response.content.decode()
    assert not Notice.objects.filter(recipient=student, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert not other.is_read


@pytest.mark.django_db
def test_it_rejects_outsiders(student_client):
    notice = NoticeFactory()
    response = student_client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert not notice.is_read


@pytest.mark.django_db
def test_it_rejects_the_wrong_method(student_client, student):
    notice = NoticeFactory(recipient=student)
    assert student_client.get(reverse("notifications:open", args=[notice.pk])).status_code == 405
    assert student_client.get(reverse("notifications:read-all")).status_code == 405
    assert student_client.post(INBOX).status_code == 405
    notice.refresh_from_db()
    assert not notice.is_read


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client):
    notice = NoticeFactory()
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    notice.refresh_from_db()
    assert not notice.is_read


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", INBOX])
def test_query_count_does_not_grow_with_notices(
    student_client, student, url, django_assert_max_num_queries
):
    NoticeFactory.create_batch(3, recipient=student)
    # The home page also shows the student's suggestions and the answers he may rate, his
    # tutoring requests and sessions, his room's latest inspection, the members he may evaluate
    # and his evaluation results.
    with django_assert_max_num_queries(18) as few:
        student_client.get(url)
    NoticeFactory.create_batch(60, recipient=student)
    with django_assert_max_num_queries(len(few.captured_queries)):
        student_client.get(url)
