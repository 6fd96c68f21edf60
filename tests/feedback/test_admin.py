"""The board's admin: categories with handlers and response targets, suggestions read-only."""

import pytest
from django.urls import reverse

from .factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(staff_client, staff, settings):
    settings.STAFF_REQUIRE_2FA = False
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    return staff_client


def _category_form(category, handlers) -> dict:
    return {
        "name": category.name,
        "name_en": category.name_en,
        "position": 0,
        "first_response_days": 2,
        "answer_days": 5,
        "handlers": [person.pk for person in handlers],
        "is_active": "on",
        "sub_areas-TOTAL_FORMS": 0,
        "sub_areas-INITIAL_FORMS": 0,
    }


def test_staff_name_member_handlers_and_targets(admin_client_, handler, staff):
    category = CategoryFactory()
    url = reverse("admin:feedback_category_change", args=[category.pk])
    response = admin_client_.post(url, _category_form(category, [handler, staff]))
    assert response.status_code == 302
    category.refresh_from_db()
    assert set(category.handlers.all()) == {handler, staff}
    assert (category.first_response_days, category.answer_days) == (2, 5)
    assert category.history.filter(history_user=staff).exists()


def test_a_plain_student_cannot_be_a_handler(admin_client_, student):
    category = CategoryFactory()
    url = reverse("admin:feedback_category_change", args=[category.pk])
    response = admin_client_.post(
        url, _category_form(category, [student]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Handlers are staff or workstation members" in response.content.decode()
    assert not category.handlers.exists()


def test_suggestions_are_read_only_in_the_admin(admin_client_, services):
    suggestion = SuggestionFactory(category=services)
    url = reverse("admin:feedback_suggestion_change", args=[suggestion.pk])
    page = admin_client_.get(url).content.decode()
    assert suggestion.title in page
    assert 'name="title"' not in page
    admin_client_.post(url, {"title": "changed"})
    suggestion.refresh_from_db()
    assert suggestion.title != "changed"
    assert admin_client_.get(reverse("admin:feedback_suggestion_add")).status_code == 403
