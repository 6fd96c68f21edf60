"""Who may handle suggestions: one relation (`eligible_handlers`) that the admin, the services,
the demo and the pages all obey."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from feedback import access
from feedback import services as feedback_services
from feedback.models import Status
from members.models import PoliticalStatus
from notifications.models import Notice
from tests.factories import UserFactory

from .factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

MEMBERS = {
    PoliticalStatus.ACTIVIST,
    PoliticalStatus.CANDIDATE,
    PoliticalStatus.PROBATIONARY,
    PoliticalStatus.FULL,
}


def test_the_relation_and_the_person_in_hand_agree():
    people = [
        UserFactory(political_status=status, staff=is_staff, is_active=is_active)
        for status, is_staff, is_active in itertools.product(
            PoliticalStatus.values, [False, True], [False, True]
        )
    ]
    eligible = set(access.eligible_handlers())
    for person in people:
        expected = person.is_active and (person.is_staff or person.political_status in MEMBERS)
        assert (person in eligible) is expected, person.political_status
        assert access.is_eligible_handler(person) is expected, person.political_status


def test_the_service_lists_only_eligible_handlers(student, handler):
    category = CategoryFactory()
    with pytest.raises(ValidationError) as refused:
        feedback_services.add_handlers(category=category, people=[handler, student])
    assert student.name in " ".join(refused.value.messages)
    assert not category.handlers.exists()
    feedback_services.add_handlers(category=category, people=[handler])
    assert list(category.handlers.all()) == [handler]


@pytest.fixture
def former_handler(services):
    """Listed on the category by a write that went round the rule, and no member."""
    person = UserFactory(name="周同学", political_status=PoliticalStatus.LEAGUE)
    services.handlers.add(person)
    return person


def test_someone_listed_who_is_not_eligible_handles_nothing(former_handler, services, staff):
    suggestion = SuggestionFactory(category=services)
    client = Client()
    client.force_login(former_handler)
    assert client.get(reverse("feedback:queue")).status_code == 403
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "answer"})
    assert client.post(url, {"answer": "好。"}).status_code == 403
    assert former_handler not in access.eligible_assignees(services)
    with pytest.raises(ValidationError):
        feedback_services.accept_suggestion(
            actor=staff, suggestion=suggestion, assignee=former_handler
        )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED


def test_someone_listed_who_is_not_eligible_is_not_told(former_handler, services, handler):
    feedback_services.submit_suggestion(
        actor=UserFactory(), title="自习室太冷", body="暖气不够。", category=services
    )
    told = set(Notice.objects.filter(kind="feedback-new").values_list("recipient", flat=True))
    assert told == {handler.pk}


def test_an_inactive_handler_is_neither_offered_nor_told(handler, services, staff):
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert handler not in access.eligible_assignees(services)
    feedback_services.submit_suggestion(
        actor=UserFactory(), title="图书馆座位", body="不够用。", category=services
    )
    # The category has no handler left: staff are told instead.
    told = set(Notice.objects.filter(kind="feedback-new").values_list("recipient", flat=True))
    assert told == {staff.pk}
