"""The workflow's tables, taken through the real services for every status, action and role, and
the buttons each page shows, which are the actions `allowed_actions` allows."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from feedback import services as feedback_services
from feedback import workflow
from feedback.models import Status, Step, Suggestion
from members.models import PoliticalStatus
from tests.factories import UserFactory

from .factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

A = Step.Action
HANDLING = {A.ACCEPT, A.ASSIGN, A.START, A.ANSWER, A.CLOSE, A.DECLINE, A.MERGE}
READERS = {workflow.SUPPORT, workflow.REPORT}

# Who may take what, whatever the suggestion's state: the rule the services must keep.
MAY = {
    "student": READERS,
    "author": {A.RATE, A.REOPEN},
    "handler": HANDLING | READERS,
    "other_handler": READERS,
    "staff": HANDLING | READERS | {A.HIDE, A.RESTORE},
}
TRANSITION_ACTIONS = sorted({action for _status, action in workflow.TRANSITIONS})
# Actions in any status, each with whether it may be taken on a shown and on a hidden suggestion.
ANY_STATUS = {
    workflow.SUPPORT: {False: True, True: True},
    workflow.REPORT: {False: True, True: False},
    A.HIDE: {False: True, True: False},
    A.RESTORE: {False: False, True: True},
}


@pytest.fixture
def cast(handler, services, staff, student):
    """The suggestion's category and the people around it, by role."""
    other_handler = UserFactory(name="钱处理", political_status=PoliticalStatus.FULL)
    CategoryFactory(handlers=[other_handler])
    return {
        "student": student,
        "author": UserFactory(name="孙作者"),
        "handler": handler,
        "other_handler": other_handler,
        "staff": staff,
    }


def _take(action: str, actor, suggestion: Suggestion, *, handler) -> None:
    """Take `action` through its service, with valid input."""
    do = feedback_services
    step = {"actor": actor, "suggestion": suggestion}
    if action == A.ACCEPT:
        do.accept_suggestion(**step, assignee=handler)
    elif action == A.ASSIGN:
        do.assign_suggestions(actor=actor, suggestions=[suggestion], assignee=handler)
    elif action == A.START:
        do.start_work(**step)
    elif action == A.ANSWER:
        do.answer_suggestion(**step, answer="已安排。")
    elif action == A.CLOSE:
        do.close_suggestion(**step)
    elif action == A.DECLINE:
        do.decline_suggestion(**step, reason="不在书院职责内。")
    elif action == A.MERGE:
        do.merge_suggestion(**step, into=SuggestionFactory(category=suggestion.category))
    elif action == A.RATE:
        do.rate_answer(**step, satisfied=False)
    elif action == A.REOPEN:
        do.reopen_suggestion(**step, reason="问题依然存在。")
    elif action == A.HIDE:
        do.hide_suggestion(**step, reason="含有他人隐私。")
    elif action == A.RESTORE:
        do.restore_suggestion(**step)
    elif action == workflow.SUPPORT:
        do.toggle_support(**step)
    else:
        do.report_suggestion(**step, reason="广告")


def _state(suggestion: Suggestion) -> tuple:
    """What a step may change, read again from the database."""
    suggestion.refresh_from_db()
    return (
        suggestion.status,
        suggestion.hidden,
        suggestion.support_count,
        suggestion.report_count,
        suggestion.steps.count(),
    )


def _check(action: str, role: str, suggestion: Suggestion, cast, *, allowed_here: bool) -> None:
    """Take `action` as `role`: refused with PermissionDenied when it is not his, with a
    ValidationError when `suggestion` does not allow it, changing nothing; else taken."""
    actor, handler = cast[role], cast["handler"]
    before = _state(suggestion)
    if action not in MAY[role]:
        with pytest.raises(PermissionDenied):
            _take(action, actor, suggestion, handler=handler)
    elif not allowed_here:
        with pytest.raises(ValidationError):
            _take(action, actor, suggestion, handler=handler)
    else:
        _take(action, actor, suggestion, handler=handler)
        assert _state(suggestion) != before, role
        return
    assert _state(suggestion) == before, role


@pytest.mark.parametrize("action", TRANSITION_ACTIONS)
@pytest.mark.parametrize("status", Status.values)
def test_every_transition_by_every_role_through_the_services(status, action, cast, services):
    target = workflow.TRANSITIONS.get((status, action))
    for role in MAY:
        suggestion = SuggestionFactory(
            category=services, status=status, anonymous_by=cast["author"]
        )
        _check(action, role, suggestion, cast, allowed_here=target is not None)
        suggestion.refresh_from_db()
        if action in MAY[role] and target is not None:
            assert suggestion.status == target, role
            assert suggestion.steps.filter(action=action).count() == 1, role
        else:
            assert suggestion.status == status, role


@pytest.mark.parametrize("action", list(ANY_STATUS))
@pytest.mark.parametrize("hidden", [False, True])
def test_every_action_in_any_status_by_every_role_through_the_services(
    hidden, action, cast, services
):
    for role in MAY:
        suggestion = SuggestionFactory(
            category=services, status=Status.ACCEPTED, anonymous_by=cast["author"], hidden=hidden
        )
        _check(action, role, suggestion, cast, allowed_here=ANY_STATUS[action][hidden])
        suggestion.refresh_from_db()
        assert suggestion.status == Status.ACCEPTED


def test_a_suggestion_is_reopened_once(cast, services):
    author = cast["author"]
    suggestion = SuggestionFactory(
        category=services,
        status=Status.CLOSED,
        anonymous_by=author,
        reopened_at=timezone.now(),
    )
    assert A.REOPEN not in workflow.allowed_actions(author, suggestion)
    with translation.override("en"), pytest.raises(ValidationError, match="only once"):
        feedback_services.reopen_suggestion(actor=author, suggestion=suggestion, reason="再开")


def test_the_table_names_only_statuses_and_actions_of_the_models():
    for (status, action), target in workflow.TRANSITIONS.items():
        assert {status, target} <= set(Status.values)
        assert action in A.values
    assert set(workflow.WHO) == set(TRANSITION_ACTIONS) | set(workflow.ANY_STATUS)
    assert workflow.statuses_allowing(A.ASSIGN) == {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
    }


# --- the buttons -------------------------------------------------------------------------------


def _shown(page: str) -> set[str]:
    """The actions whose forms the page shows."""
    return set(re.findall(r'data-action="([a-z_-]+)"', page))


@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("status", Status.values)
def test_the_page_shows_the_buttons_of_the_allowed_actions(
    status, hidden, cast, services, settings
):
    settings.FEEDBACK_PUBLIC_BOARD = True
    suggestion = SuggestionFactory(
        category=services,
        status=status,
        anonymous_by=cast["author"],
        hidden=hidden,
        hidden_reason="待审核" if hidden else "",
    )
    for role, user in [*cast.items(), ("visitor", AnonymousUser())]:
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        response = client.get(suggestion.get_absolute_url())
        if hidden and role not in ("staff", "author"):
            assert response.status_code == 404, role
            continue
        allowed = set(workflow.allowed_actions(user, suggestion))
        # A new suggestion's accept form names its handler: it is the assign button as well.
        if A.ACCEPT in allowed:
            allowed.discard(A.ASSIGN)
        assert _shown(response.content.decode()) == allowed, role
        assert allowed <= MAY.get(role, set()), role
