"""The handlers' queue with bulk assignment, the statistics and the Excel export."""

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Status
from members.models import PoliticalStatus
from tests.factories import UserFactory

from .factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("feedback:queue")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_handler_sees_the_queue_of_his_categories_only(handler, services, other_category):
    mine = SuggestionFactory(category=services, title="归我处理")
    SuggestionFactory(category=other_category, title="别人的类别")
    response = _client(handler).get(QUEUE)
    assert [s.title for s in response.context["page"]] == [mine.title]
    # He is offered the queue in the navigation.
    assert 'data-testid="nav-queue"' in response.content.decode()


@pytest.mark.parametrize("role", ["student", "member", "reviewer"])
def test_people_who_handle_nothing_have_no_queue(role, request, services):
    client = _client(request.getfixturevalue(role))
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert 'data-testid="nav-queue"' not in client.get(reverse("feedback:board")).content.decode()


def test_the_queue_filters_by_status_age_and_category(staff_client, services, other_category):
    now = timezone.now()
    old = SuggestionFactory(category=services, created_at=now - datetime.timedelta(days=10))
    SuggestionFactory(category=other_category, status=Status.ACCEPTED)
    SuggestionFactory(category=services, status=Status.CLOSED)

    def numbers(**params) -> set[int]:
        return {s.pk for s in staff_client.get(QUEUE, params).context["page"]}

    assert len(numbers()) == 2  # waiting ones by default
    assert len(numbers(status="")) == 3
    assert numbers(age="7") == {old.pk}
    assert numbers(age="overdue") == {old.pk}
    assert len(numbers(category=other_category.pk)) == 1
    assert len(numbers(status="bogus", age="x")) == 2


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_asks_the_database_as_often_for_many(
    staff_client, services, django_assert_max_num_queries, count, handler
):
    for n in range(count):
        SuggestionFactory(category=services if n % 2 else CategoryFactory(), assignee=handler)
    with django_assert_max_num_queries(12):
        response = staff_client.get(QUEUE)
    assert response.status_code == 200


def test_bulk_assignment(handler, services, staff, staff_client):
    first, second = SuggestionFactory.create_batch(2, category=services)
    response = staff_client.post(
        reverse("feedback:bulk-assign"),
        {"suggestions": [first.pk, second.pk], "assignee": handler.pk},
        follow=True,
    )
    assert "已将 2 条建议分派给" in response.content.decode()
    for suggestion in (first, second):
        suggestion.refresh_from_db()
        assert suggestion.assignee == handler
        assert suggestion.status == Status.ACCEPTED


def _many_handlers(category, count: int) -> None:
    people = UserFactory.create_batch(
        count, political_status=PoliticalStatus.FULL, verified_email=False
    )
    category.handlers.add(*people)


def test_the_queue_names_no_more_people_when_more_may_handle(
    handler, services, staff, staff_client
):
    """The bulk assignment's select holds the person choosing; everyone else is searched for,
    so the page stays the same size and asks the same queries however many may handle."""
    SuggestionFactory.create_batch(2, category=services)

    def look() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = staff_client.get(QUEUE).content.decode()
        return page, len(queries)

    _many_handlers(services, 3)
    few, few_queries = look()
    _many_handlers(services, 40)
    many, many_queries = look()
    assert many_queries == few_queries
    assert len(many) == len(few)
    start = many.index('name="assignee"')
    select = many[start : many.index("</select>", start)]
    assert select.count("<option") == 2  # the empty choice and the staff member himself
    assert staff.display_name in select and handler.name not in select
    assert 'data-testid="handler-search"' in many


def test_a_handler_is_found_by_name_or_number_and_given_the_suggestions(
    handler, services, staff_client
):
    first, second = SuggestionFactory.create_batch(2, category=services)
    UserFactory(name="赵同名")  # a student: not someone suggestions are given to
    found = staff_client.get(reverse("feedback:assignees"), {"q": "赵"}).content.decode()
    assert handler.name in found and "赵同名" not in found
    value = re.search(r'<option value="(\d+)">赵处理', found).group(1)
    by_number = staff_client.get(
        reverse("feedback:assignees"), {"q": handler.student_number}
    ).content.decode()
    assert f'<option value="{value}">' in by_number and by_number.count("<option") == 1
    response = staff_client.post(
        reverse("feedback:bulk-assign"),
        {"suggestions": [first.pk, second.pk], "assignee": value},
        follow=True,
    )
    assert "已将 2 条建议分派给赵处理" in response.content.decode()
    first.refresh_from_db()
    assert first.assignee == handler


def test_the_handler_search_keeps_to_the_category_and_to_a_few(
    handler, services, other_category, staff_client
):
    stranger = UserFactory(name="赵别类", political_status=PoliticalStatus.FULL)
    other_category.handlers.add(stranger)
    url = reverse("feedback:assignees")
    anywhere = staff_client.get(url, {"q": "赵"}).content.decode()
    assert "赵别类" in anywhere and "赵处理" in anywhere
    here = staff_client.get(url, {"q": "赵", "category": services.pk}).content.decode()
    assert "赵处理" in here and "赵别类" not in here
    assert "没有找到" in staff_client.get(url, {"q": "无此人"}).content.decode()
    _many_handlers(services, 25)
    crowd = staff_client.get(url, {"q": "同学", "category": services.pk}).content.decode()
    assert crowd.count("<option") == 21  # the hint and the first twenty


def test_only_handlers_search_for_handlers(handler, services, other_category, student):
    url = reverse("feedback:assignees")
    assert _client(student).get(url, {"q": "赵"}).status_code == 403
    # A handler searches his own categories, not another's.
    mine = _client(handler).get(url, {"q": "赵", "category": services.pk})
    assert "赵处理" in mine.content.decode()
    assert _client(handler).get(url, {"category": other_category.pk}).status_code == 404
    assert _client(handler).get(url, {"category": "x"}).status_code == 404


def test_a_suggestion_page_offers_its_handler_and_a_search(handler, services, staff_client):
    suggestion = SuggestionFactory(category=services, assignee=handler, status=Status.ACCEPTED)
    _many_handlers(services, 5)
    page = staff_client.get(suggestion.get_absolute_url()).content.decode()
    start = page.index('name="assignee"')
    select = page[start : page.index("</select>", start)]
    assert select.count("<option") == 2
    assert "selected>赵处理" in select
    assert f"category={services.pk}" in page


def test_one_suggestion_assigned_is_said_in_the_singular(handler, services, staff_client):
    one = SuggestionFactory(category=services)
    response = staff_client.post(
        reverse("feedback:bulk-assign"),
        {"suggestions": [one.pk], "assignee": handler.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 suggestion assigned to 赵处理." in response.content.decode()


def test_bulk_assignment_is_all_or_nothing(handler, services, other_category, staff_client):
    ours = SuggestionFactory(category=services)
    theirs = SuggestionFactory(category=other_category)  # the handler does not handle it
    response = staff_client.post(
        reverse("feedback:bulk-assign"),
        {"suggestions": [ours.pk, theirs.pk], "assignee": handler.pk},
        follow=True,
    )
    assert "不负责" in response.content.decode()
    ours.refresh_from_db()
    assert ours.assignee is None and ours.status == Status.SUBMITTED


def test_bulk_assignment_without_a_choice_says_so(staff_client, handler):
    response = staff_client.post(
        reverse("feedback:bulk-assign"), {"assignee": handler.pk}, follow=True
    )
    assert "请至少勾选一条建议。" in response.content.decode()


def test_a_handler_cannot_bulk_assign_outside_his_categories(handler, other_category):
    theirs = SuggestionFactory(category=other_category)
    _client(handler).post(
        reverse("feedback:bulk-assign"), {"suggestions": [theirs.pk], "assignee": handler.pk}
    )
    theirs.refresh_from_db()
    assert theirs.assignee is None


def test_statistics(staff_client, services, handler, other_category):
    now = timezone.now()
    a = SuggestionFactory(category=services, created_at=now - datetime.timedelta(hours=10))
    feedback_services.answer_suggestion(actor=handler, suggestion=a, answer="好。")
    b = SuggestionFactory(category=services, created_at=now - datetime.timedelta(hours=30))
    feedback_services.answer_suggestion(actor=handler, suggestion=b, answer="好。")
    a.refresh_from_db()
    a.satisfied = True
    a.save(update_fields=["satisfied"])
    b.refresh_from_db()
    b.satisfied = False
    b.save(update_fields=["satisfied"])
    SuggestionFactory(category=other_category, created_at=now - datetime.timedelta(days=9))
    response = staff_client.get(reverse("feedback:statistics"))
    report = response.context["report"]
    assert report["total"] == 3
    assert report["overdue"] == 1
    assert report["satisfaction_rate"] == 50
    assert 19 <= report["median_first_response"] <= 21  # median of 10 h and 30 h
    row = next(r for r in report["by_category"] if r["category"] == services.name)
    assert row["counts"]["answered"] == 2
    page = response.content.decode()
    assert 'id="feedback-chart-data"' in page and "vendor/chartjs/chart.umd.min" in page


@pytest.mark.parametrize("role", ["student", "member", "reviewer", "handler"])
def test_statistics_and_export_are_for_staff(role, request, services):
    client = _client(request.getfixturevalue(role))
    assert client.get(reverse("feedback:statistics")).status_code == 403
    assert client.get(reverse("feedback:export")).status_code == 403


def test_the_export_is_formula_safe(staff_client, services, student):
    SuggestionFactory(category=services, title='=HYPERLINK("http://evil")', author=student)
    SuggestionFactory(category=services, title="+1 食堂", anonymous_by=student)
    response = staff_client.get(reverse("feedback:export"), {"status": ""})
    assert response["Content-Disposition"].startswith('attachment; filename="suggestions-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert "'+1 食堂" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)
    assert student.name in values  # the named one shows its author
    rows = list(sheet.iter_rows(values_only=True))
    anonymous_row = next(row for row in rows if row[1] == "'+1 食堂")
    assert student.name not in anonymous_row


def test_a_hidden_suggestion_leaves_the_handlers_queue_until_staff_review_it(
    handler, services, staff_client
):
    hidden = SuggestionFactory(category=services, hidden=True, hidden_reason="x")
    assert hidden not in _client(handler).get(QUEUE).context["page"]
    assert hidden in staff_client.get(QUEUE).context["page"]
