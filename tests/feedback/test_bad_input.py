"""Hostile or broken input: a clear answer, never a server error, nothing changed."""

import pytest
from django.urls import reverse

from feedback.models import Status, Suggestion

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


@pytest.mark.parametrize(
    "url",
    [
        f"/suggestions/?category={HUGE}&status=x&sort=y&page={HUGE}",
        f"/suggestions/{HUGE}/",
        f"/suggestions/photos/{HUGE}/",
        f"/suggestions/queue/?category={HUGE}&age=zz&status=%00",
        "/suggestions/queue/?age=overdue&q=%00",
        "/suggestions/similar/?title=%00%00abc",
        "/suggestions/?q=%00",
        "/suggestions/queue/export/?status=&category=abc",
        "/suggestions/statistics/",
    ],
)
def test_odd_addresses_never_fail(staff_client, services, url):
    SuggestionFactory(category=services)
    assert staff_client.get(url).status_code in (200, 400, 404)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("merge", {"into": HUGE}),
        ("merge", {"into": "-1"}),
        ("accept", {"assignee": HUGE}),
        ("accept", {"assignee": "abc"}),
        ("answer", {"answer": "\x00"}),
        ("decline", {"decline-reason": "x" * 5000}),
    ],
)
def test_odd_handling_input_changes_nothing(staff_client, services, action, data):
    suggestion = SuggestionFactory(category=services)
    url = reverse("feedback:handle", args=[suggestion.pk, action])
    response = staff_client.post(url, data, follow=True)
    if any("\x00" in value for value in data.values()):
        assert response.status_code == 400  # refused before the view, for every page
    else:
        assert response.status_code == 200
        assert len(list(response.context["messages"])) == 1
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED


def test_odd_bulk_assignment_changes_nothing(staff_client, services):
    suggestion = SuggestionFactory(category=services)
    response = staff_client.post(
        reverse("feedback:bulk-assign"),
        {"suggestions": [HUGE, "x"], "assignee": HUGE, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:queue")
    suggestion.refresh_from_db()
    assert suggestion.assignee is None


def test_odd_submission_input_is_refused(student_client, services):
    response = student_client.post(
        reverse("feedback:submit"),
        {"title": "   ", "body": "x" * 6000, "category": HUGE, "sub_area": "abc"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"title", "body", "category", "sub_area"}
    with_nul = {"title": "a\x00b", "body": "正文", "category": services.pk}
    assert student_client.post(reverse("feedback:submit"), with_nul).status_code == 400
    assert not Suggestion.objects.exists()


def test_a_sub_area_of_another_category_is_refused(student_client, services, other_category):
    from .factories import SubAreaFactory

    area = SubAreaFactory(category=other_category)
    response = student_client.post(
        reverse("feedback:submit"),
        {"title": "t", "body": "b", "category": services.pk, "sub_area": area.pk},
    )
    assert "sub_area" in response.context["form"].errors
