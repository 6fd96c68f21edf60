"""Whom a handler's step is refused, whichever door it comes through: a hidden suggestion is
handled by staff only, a duplicate is merged only into a suggestion its handler handles too, and
nobody handles a named suggestion of his own (an answer is practice credit); the author of an
anonymous one handles it as any other, so that nobody learns who wrote it."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from feedback import services as feedback_services
from feedback.models import Status, Suggestion, Support
from feedback.practice import suggestions_answered
from members.models import PoliticalStatus
from tests.factories import UserFactory
from tests.practice import counts_of

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db

# action -> (the status it is taken from here, the status it leads to)
STEPS = {
    "accept": (Status.SUBMITTED, Status.ACCEPTED),
    "assign": (Status.SUBMITTED, Status.ACCEPTED),
    "start": (Status.ACCEPTED, Status.IN_PROGRESS),
    "answer": (Status.ACCEPTED, Status.ANSWERED),
    "close": (Status.ANSWERED, Status.CLOSED),
    "decline": (Status.SUBMITTED, Status.DECLINED),
    "merge": (Status.SUBMITTED, Status.MERGED),
}
NO_SUCH_NUMBER = "没有你可处理的这个编号的建议。"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _take(action: str, actor, suggestion: Suggestion, *, into: Suggestion | None = None) -> None:
    """Take `action` as `actor` through its service, with valid input (given to the actor)."""
    do = feedback_services
    step = {"actor": actor, "suggestion": suggestion}
    if action == "accept":
        do.accept_suggestion(**step)
    elif action == "assign":
        do.assign_suggestions(actor=actor, suggestions=[suggestion], assignee=actor)
    elif action == "start":
        do.start_work(**step)
    elif action == "answer":
        do.answer_suggestion(**step, answer="已安排。")
    elif action == "close":
        do.close_suggestion(**step)
    elif action == "decline":
        do.decline_suggestion(**step, reason="不在书院职责内。")
    else:
        do.merge_suggestion(**step, into=into or SuggestionFactory(category=suggestion.category))


def _state(suggestion: Suggestion) -> tuple:
    """What a handler's step may change, read again from the database."""
    suggestion.refresh_from_db()
    return (
        suggestion.status,
        suggestion.assignee_id,
        suggestion.answer,
        suggestion.answered_by_id,
        suggestion.decline_reason,
        suggestion.merged_into_id,
        suggestion.support_count,
        suggestion.steps.count(),
    )


def _refused(action: str, actor, suggestion: Suggestion, **options) -> None:
    """The step is refused as not his (PermissionDenied), and nothing of it is saved."""
    before = _state(suggestion)
    with pytest.raises(PermissionDenied):
        _take(action, actor, suggestion, **options)
    assert _state(suggestion) == before


def _handle_url(suggestion: Suggestion, action: str) -> str:
    return reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": action})


def _shown_actions(page: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_-]+)"', page))


@pytest.fixture
def second_handler(services):
    """Another workstation member who handles `services`."""
    person = UserFactory(name="钱处理", political_status=PoliticalStatus.FULL)
    services.handlers.add(person)
    return person


# --- a hidden suggestion waits for staff --------------------------------------------------------


@pytest.mark.parametrize("action", list(STEPS))
def test_a_handler_does_not_act_on_a_hidden_suggestion_of_his_category(action, handler, services):
    suggestion = SuggestionFactory(
        category=services, status=STEPS[action][0], hidden=True, hidden_reason="待审核"
    )
    _refused(action, handler, suggestion)
    client = _client(handler)
    assert client.get(suggestion.get_absolute_url()).status_code == 404
    assert client.post(_handle_url(suggestion, action)).status_code == 404
    assert _state(suggestion)[0] == STEPS[action][0]


@pytest.mark.parametrize("action", list(STEPS))
def test_staff_still_handle_a_hidden_suggestion(action, staff, services):
    suggestion = SuggestionFactory(category=services, status=STEPS[action][0], hidden=True)
    _take(action, staff, suggestion)
    suggestion.refresh_from_db()
    assert suggestion.status == STEPS[action][1]
    assert suggestion.hidden


def test_a_hidden_suggestion_is_given_to_staff_only_until_it_is_shown_again(
    handler, services, staff
):
    suggestion = SuggestionFactory(category=services, hidden=True, hidden_reason="待审核")
    before = _state(suggestion)
    with translation.override("en"), pytest.raises(ValidationError, match="hidden suggestion"):
        feedback_services.assign_suggestions(
            actor=staff, suggestions=[suggestion], assignee=handler
        )
    assert _state(suggestion) == before
    feedback_services.restore_suggestion(actor=staff, suggestion=suggestion)
    feedback_services.assign_suggestions(actor=staff, suggestions=[suggestion], assignee=handler)
    # Shown again, it is his: he answers it through its page.
    response = _client(handler).post(_handle_url(suggestion, "answer"), {"answer": "已安排。"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    assert suggestion.answered_by == handler


# --- a duplicate goes only into a suggestion its handler handles too ---------------------------


@pytest.fixture
def targets(handler, services, other_category):
    """Suggestions a handler of `services` may not merge a duplicate into, by why not."""
    return {
        "hidden": lambda: SuggestionFactory(category=services, hidden=True),
        "other_category": lambda: SuggestionFactory(category=other_category),
        "hidden_elsewhere": lambda: SuggestionFactory(category=other_category, hidden=True),
        "his_own": lambda: SuggestionFactory(category=services, author=handler),
    }


@pytest.mark.parametrize("target", ["hidden", "other_category", "hidden_elsewhere", "his_own"])
def test_a_duplicate_is_not_merged_into_a_suggestion_its_handler_may_not_handle(
    target, targets, handler, services, member
):
    into = targets[target]()
    duplicate = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)
    before = _state(into)
    _refused("merge", handler, duplicate, into=into)
    assert _state(into) == before
    assert not Support.objects.filter(suggestion=into).exists()


@pytest.mark.parametrize("target", ["hidden", "other_category", "hidden_elsewhere", "his_own"])
def test_the_merge_form_finds_no_suggestion_the_handler_may_not_merge_into(
    target, targets, handler, services
):
    into = targets[target]()
    duplicate = SuggestionFactory(category=services)
    response = _client(handler).post(
        _handle_url(duplicate, "merge"), {"into": into.pk}, follow=True
    )
    assert NO_SUCH_NUMBER in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED
    assert _state(into)[0] == Status.SUBMITTED


def test_a_handler_merges_a_duplicate_into_a_suggestion_of_his_category(handler, services, member):
    into = SuggestionFactory(category=services)
    duplicate = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)
    response = _client(handler).post(_handle_url(duplicate, "merge"), {"into": into.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    into.refresh_from_db()
    assert duplicate.merged_into == into
    assert into.support_count == 1


def test_staff_merge_a_duplicate_into_a_hidden_suggestion(staff, staff_client, services, member):
    into = SuggestionFactory(category=services, hidden=True, hidden_reason="待审核")
    duplicate = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)
    staff_client.post(_handle_url(duplicate, "merge"), {"into": into.pk})
    duplicate.refresh_from_db()
    into.refresh_from_db()
    assert duplicate.merged_into == into
    assert into.support_count == 1


# --- nobody handles a named suggestion of his own ---------------------------------------------


@pytest.mark.parametrize("action", list(STEPS))
def test_a_handler_does_not_handle_his_own_suggestion(action, handler, services):
    suggestion = SuggestionFactory(category=services, status=STEPS[action][0], author=handler)
    _refused(action, handler, suggestion)


@pytest.mark.parametrize("action", ["accept", "answer", "decline", "merge"])
def test_staff_do_not_handle_their_own_suggestion(action, staff, services):
    suggestion = SuggestionFactory(category=services, status=STEPS[action][0], author=staff)
    _refused(action, staff, suggestion)


def test_answering_his_own_suggestion_earns_no_practice_credit(handler, second_handler, services):
    suggestion = SuggestionFactory(category=services, author=handler)
    client = _client(handler)
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert 'data-testid="handle"' not in page
    assert not _shown_actions(page) & set(STEPS)
    response = client.post(_handle_url(suggestion, "answer"), {"answer": "我自己答复。"})
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED and suggestion.answer == ""
    # Another handler of the category answers it, and the credit is his.
    _client(second_handler).post(_handle_url(suggestion, "answer"), {"answer": "已安排。"})
    today = timezone.localdate()
    counted = counts_of(suggestions_answered, [handler.pk, second_handler.pk], today, today)
    assert counted == {second_handler.pk: 1}


def test_nobody_else_can_tell_that_a_handler_wrote_an_anonymous_suggestion(
    handler, second_handler, services, student, staff, staff_client
):
    his = SuggestionFactory(category=services, anonymous_by=handler, title="他匿名提的")
    theirs = SuggestionFactory(category=services, anonymous_by=student, title="别人匿名提的")
    # Staff give both to him alike: no refusal names him as the author of either.
    for suggestion in (his, theirs):
        response = staff_client.post(_handle_url(suggestion, "accept"), {"assignee": handler.pk})
        assert response.status_code == 302
        suggestion.refresh_from_db()
        assert suggestion.assignee == handler
    # Another handler, and staff, see the same buttons on both pages.
    for viewer in (_client(second_handler), staff_client):
        shown = [
            _shown_actions(viewer.get(s.get_absolute_url()).content.decode()) for s in (his, theirs)
        ]
        assert shown[0] == shown[1] != set()
    # His queue, as anyone's, still lists the suggestions of his category, his own too.
    listed = {s.pk for s in _client(handler).get(reverse("feedback:queue")).context["page"]}
    assert {his.pk, theirs.pk} <= listed
    # And he answers both alike: a refusal on his own would tell staff he wrote it.
    for suggestion in (his, theirs):
        response = _client(handler).post(_handle_url(suggestion, "answer"), {"answer": "已安排。"})
        assert response.status_code == 302
        suggestion.refresh_from_db()
        assert suggestion.status == Status.ANSWERED
