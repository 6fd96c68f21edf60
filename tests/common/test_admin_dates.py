"""The admin's date hierarchy lists the years that have rows without a `DISTINCT` over every row,
and shows what Django's own would."""

import datetime

import pytest
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MilestoneFactory, UserFactory
from tests.feedback.factories import SuggestionFactory


@pytest.fixture
def superuser_client(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _choices(response) -> list[str]:
    return [choice["title"] for choice in response.context["choices"]]


@pytest.mark.django_db
def test_the_years_with_steps_are_listed_and_an_empty_year_between_is_not(superuser_client):
    for year in (2021, 2021, 2023, 2025):
        MilestoneFactory(date=datetime.date(year, 6, 1), kind="record")
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get("/admin/members/milestone/")
    assert _choices(response) == ["2021", "2023", "2025"]
    assert '<a href="?date__year=2023">2023</a>' in response.content.decode()
    assert not any("DISTINCT" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_the_years_follow_the_lists_filter(superuser_client):
    MilestoneFactory(date=datetime.date(2021, 6, 1), kind="record")
    MilestoneFactory(date=datetime.date(2022, 6, 1), kind="training")
    MilestoneFactory(date=datetime.date(2024, 6, 1), kind="training")
    response = superuser_client.get("/admin/members/milestone/", {"kind__exact": "training"})
    assert _choices(response) == ["2022", "2024"]


def _as_django_shows_it(response) -> dict:
    shown = date_hierarchy(response.context["cl"])
    return {"back": shown["back"], "choices": shown["choices"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "dates",
    [
        [datetime.date(2024, 3, 1), datetime.date(2024, 9, 1)],  # one year: its months
        [datetime.date(2024, 3, 1), datetime.date(2024, 3, 9)],  # one month: its days
    ],
    ids=["one year", "one month"],
)
def test_one_year_or_month_drills_down_as_django_does_asking_its_span_once(superuser_client, dates):
    for date in dates:
        MilestoneFactory(date=date, kind="record")
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get("/admin/members/milestone/")
    assert {"back": response.context["back"], "choices": response.context["choices"]} == (
        _as_django_shows_it(response)
    )
    assert len(_choices(response)) == 2
    spans = [
        query for query in queries.captured_queries if 'MIN("members_milestone"' in query["sql"]
    ]
    assert len(spans) == 1


@pytest.mark.django_db
def test_a_picked_year_drills_down_to_months_as_before(superuser_client):
    MilestoneFactory(date=datetime.date(2024, 3, 1), kind="record")
    MilestoneFactory(date=datetime.date(2024, 9, 1), kind="record")
    MilestoneFactory(date=datetime.date(2025, 1, 1), kind="record")
    picked = superuser_client.get("/admin/members/milestone/", {"date__year": "2024"})
    assert len(_choices(picked)) == 2
    assert picked.context["back"]["link"] == "?"


@pytest.mark.django_db
def test_a_moments_year_is_the_colleges(superuser_client):
    """A suggestion sent on New Year's Eve at 20:00 UTC was sent in the new year in Beijing."""
    SuggestionFactory(created_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC))
    SuggestionFactory(created_at=datetime.datetime(2025, 12, 31, 20, tzinfo=datetime.UTC))
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    response = superuser_client.get("/admin/feedback/suggestion/")
    assert _choices(response) == ["2024", "2026"]


@pytest.mark.django_db
def test_rows_up_to_the_last_year_a_date_can_have_list_their_years(superuser_client):
    MilestoneFactory(date=datetime.date(9998, 1, 1), kind="record")
    MilestoneFactory(date=datetime.date(9999, 12, 31), kind="record")
    response = superuser_client.get("/admin/members/milestone/")
    assert response.status_code == 200
    assert _choices(response) == ["9998", "9999"]
