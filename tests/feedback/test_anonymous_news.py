"""The batch that tells anonymous authors of news: nothing in it, not even the order in which its
notices are recorded, ties an author to his suggestion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback import services as feedback_services
from feedback.models import NewsBatch
from notifications.models import Notice
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


def _news_batch_queries(handler, category, authors: int) -> int:
    for writer in UserFactory.create_batch(authors):
        suggestion = SuggestionFactory(category=category, anonymous_by=writer)
        feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)
    NewsBatch.objects.all().delete()  # the next batch is due
    with CaptureQueriesContext(connection) as queries:
        assert feedback_services.deliver_anonymous_news() == authors
    return len(queries)


def test_a_batch_for_many_authors_asks_as_often_as_for_few(handler, services, settings):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 2
    few = _news_batch_queries(handler, services, 3)
    many = _news_batch_queries(handler, services, 15)
    assert few == many
    assert Notice.objects.filter(kind="feedback-anonymous-news").count() == 18
    # Run again: nobody is told twice.
    NewsBatch.objects.all().delete()
    assert feedback_services.deliver_anonymous_news() == 0
