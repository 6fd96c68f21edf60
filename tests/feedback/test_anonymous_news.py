"""The batch that tells anonymous authors of news: nothing in it, not even the order in which its
notices are recorded, ties an author to his suggestion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import services as feedback_services
from notifications.models import Notice
from notifications.services import notify
from tests.factories import UserFactory

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("older_author_wrote_first", [True, False])
def test_the_batch_is_recorded_in_the_order_of_the_authors_not_of_the_suggestions(
    handler, services, older_author_wrote_first, settings
):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 2
    older, newer = UserFactory(), UserFactory()
    writers = [older, newer] if older_author_wrote_first else [newer, older]
    for writer in writers:
        suggestion = SuggestionFactory(category=services, anonymous_by=writer)
        feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)

    assert feedback_services.deliver_anonymous_news() == 2

    batch = Notice.objects.filter(kind="feedback-anonymous-news")
    # Whichever suggestion came first, the notices (their ids and times) come in one order.
    assert [notice.recipient_id for notice in batch.order_by("pk")] == [older.pk, newer.pk]
    assert [notice.recipient_id for notice in batch.order_by("created_at")] == [older.pk, newer.pk]


def _queries(sweep) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweep()
    return len(queries)


def test_the_batch_takes_the_same_queries_for_more_authors(handler, services, settings):
    # Every run may send a batch, however few it tells.
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    settings.FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS = 0
    def grow(authors: int, suggestions_each: int) -> None:
        for author in UserFactory.create_batch(authors):
            for _ in range(suggestions_each):
                suggestion = SuggestionFactory(category=services, anonymous_by=author)
                feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)

    one_notice = _queries(
        lambda: notify(
            recipient=handler,
            kind="feedback-anonymous-news",
            key="measure-one-notice",
            link=reverse("feedback:mine"),
        )
    )
    grow(2, 1)
    first_small = _queries(feedback_services.deliver_anonymous_news)
    again_small = _queries(feedback_services.deliver_anonymous_news)
    grow(10, 2)
    first_large = _queries(feedback_services.deliver_anonymous_news)
    again_large = _queries(feedback_services.deliver_anonymous_news)
    assert again_small == again_large
    # Finding the steps and their authors does not grow with the steps or the authors; each
    # author told costs one `notify`.
    assert first_large - first_small == (10 - 2) * one_notice
