"""The board: who reads it, search, filters, sorting, pagination, the +1 toggled without a
reload, and queries that do not grow with the number of suggestions."""

import pytest
from django.urls import reverse

from feedback.models import Status, Support

from .factories import CategoryFactory, PhotoFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("feedback:board")


def test_visitors_are_sent_to_sign_in(visitor_client, services):
    suggestion = SuggestionFactory(category=services)
    for url in [BOARD, suggestion.get_absolute_url()]:
        response = visitor_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_public_board_is_read_only_to_visitors(visitor_client, services, settings):
    settings.FEEDBACK_PUBLIC_BOARD = True
    suggestion = SuggestionFactory(category=services, title="公开可见的建议")
    assert "公开可见的建议" in visitor_client.get(BOARD).content.decode()
    page = visitor_client.get(suggestion.get_absolute_url()).content.decode()
    assert "公开可见的建议" in page
    assert 'data-testid="support-button"' not in page
    response = visitor_client.post(reverse("feedback:support", args=[suggestion.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert visitor_client.get(reverse("feedback:submit")).status_code == 302


def test_search_filter_and_sort(student_client, services, other_category):
    old = SuggestionFactory(
        category=services, title="自习室空调太冷", created_at="2026-01-01T08:00+08:00"
    )
    popular = SuggestionFactory(category=other_category, title="增加选修课", support_count=9)
    done = SuggestionFactory(category=services, title="食堂增加窗口", status=Status.CLOSED)

    def titles(**params) -> list[str]:
        response = student_client.get(BOARD, params)
        return [s.title for s in response.context["page"]]

    assert titles(q="空调") == [old.title]
    assert set(titles(category=services.pk)) == {old.title, done.title}
    assert titles(status="closed") == [done.title]
    assert titles(sort="support")[0] == popular.title
    assert titles(sort="new")[-1] == old.title
    # Longest waiting: open ones, the oldest first.
    assert titles(sort="waiting") == [old.title, popular.title]
    # Bad filters are ignored, never an error.
    assert len(titles(category="nope", status="x", sort="y")) == 3


def test_the_board_is_paginated(student_client, services):
    SuggestionFactory.create_batch(25, category=services)
    first = student_client.get(BOARD)
    assert len(first.context["page"]) == 20
    second = student_client.get(BOARD, {"page": 2})
    assert len(second.context["page"]) == 5
    assert student_client.get(BOARD, {"page": "zzz"}).status_code == 200


def _fill(count: int, categories) -> None:
    for n in range(count):
        suggestion = SuggestionFactory(category=categories[n % len(categories)])
        PhotoFactory(suggestion=suggestion)


@pytest.mark.parametrize("count", [3, 30])
def test_the_board_asks_the_database_as_often_for_many(
    student_client, services, django_assert_max_num_queries, count
):
    _fill(count, [services, CategoryFactory()])
    with django_assert_max_num_queries(12):
        response = student_client.get(BOARD, {"sort": "support"})
    assert response.status_code == 200


@pytest.mark.parametrize("supporters", [1, 20])
def test_the_suggestion_page_asks_as_often_for_many_supporters(
    member_client, services, django_assert_max_num_queries, supporters
):
    from tests.factories import UserFactory

    suggestion = SuggestionFactory(category=services, support_count=supporters)
    for _ in range(supporters):
        Support.objects.create(suggestion=suggestion, supporter=UserFactory())
    for _ in range(3):
        PhotoFactory(suggestion=suggestion)
    with django_assert_max_num_queries(14):
        assert member_client.get(suggestion.get_absolute_url()).status_code == 200


def test_support_is_toggled_without_a_reload_and_counted_once(member, member_client, services):
    suggestion = SuggestionFactory(category=services)
    url = reverse("feedback:support", args=[suggestion.pk])
    response = member_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-testid="supporters">1 ' in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.support_count == 1
    # A second press takes the +1 back; never two rows for one person.
    response = member_client.post(url, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.support_count == 0
    member_client.post(url)
    member_client.post(url, headers={"HX-Request": "true"})
    member_client.post(url, headers={"HX-Request": "true"})
    assert Support.objects.filter(suggestion=suggestion, supporter=member).count() == 1
    suggestion.refresh_from_db()
    assert suggestion.support_count == 1


def test_support_needs_post(member_client, services):
    suggestion = SuggestionFactory(category=services)
    assert member_client.get(reverse("feedback:support", args=[suggestion.pk])).status_code == 405


def test_a_hidden_suggestion_is_not_found_by_others(member_client, services):
    suggestion = SuggestionFactory(category=services, hidden=True, hidden_reason="x")
    assert member_client.get(suggestion.get_absolute_url()).status_code == 404
    photo = PhotoFactory(suggestion=suggestion)
    assert member_client.get(photo.get_absolute_url()).status_code == 404
    assert member_client.post(reverse("feedback:support", args=[suggestion.pk])).status_code == 404


def test_a_missing_photo_file_is_not_found(member_client, services):
    photo = PhotoFactory(suggestion=SuggestionFactory(category=services))
    photo.image.storage.delete(photo.image.name)
    assert member_client.get(photo.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", BOARD),
        ("post", reverse("feedback:mine")),
        ("put", reverse("feedback:submit")),
        ("post", reverse("feedback:queue")),
        ("post", reverse("feedback:statistics")),
        ("post", reverse("feedback:export")),
    ],
)
def test_the_wrong_method_is_refused(staff_client, method, url):
    assert getattr(staff_client, method)(url).status_code == 405
