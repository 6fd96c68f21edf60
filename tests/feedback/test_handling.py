"""Handling a suggestion: every transition allowed or refused, by role and by status; the author's
rating and reopening; notices to the author and supporters; moderation and reports."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from feedback import tasks
from feedback.models import Status, Step, Suggestion, Support
from members.models import PoliticalStatus
from notifications.models import Notice
from tests.factories import UserFactory

from .factories import CategoryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db

OPEN = {Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS}
# action -> (statuses it may start from, the status it leads to)
TRANSITIONS = {
    "accept": ({Status.SUBMITTED}, Status.ACCEPTED),
    "start": ({Status.ACCEPTED}, Status.IN_PROGRESS),
    "answer": (OPEN, Status.ANSWERED),
    "close": ({Status.ANSWERED}, Status.CLOSED),
    "decline": (OPEN, Status.DECLINED),
    "merge": (OPEN, Status.MERGED),
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_action(client, suggestion, action, original=None, handler=None):
    data = {
        "accept": {"assignee": handler.pk if handler else ""},
        "answer": {"answer": "已与后勤处沟通 下周起延长到晚上十点。"},
        "decline": {"decline-reason": "不属于书院职责范围。"},
        "merge": {"into": original.pk if original else ""},
    }.get(action, {})
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": action})
    return client.post(url, data)


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", list(Status.values))
def test_each_transition_is_allowed_only_from_its_statuses(
    action, status, handler, services, student
):
    suggestion = SuggestionFactory(category=services, status=status, author=student)
    original = SuggestionFactory(category=services)
    response = _post_action(_client(handler), suggestion, action, original, handler)
    assert response.status_code == 302
    suggestion.refresh_from_db()
    allowed_from, target = TRANSITIONS[action]
    if status in allowed_from:
        assert suggestion.status == target
        assert Step.objects.filter(suggestion=suggestion, actor=handler).exists()
    else:
        assert suggestion.status == status
        assert not Step.objects.filter(suggestion=suggestion).exists()


@pytest.mark.parametrize("role", ["student", "member", "reviewer", "author", "other_handler"])
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_only_handlers_and_staff_handle(role, action, request, services, handler):
    author = UserFactory(name="作者")
    other_handler = UserFactory(political_status=PoliticalStatus.FULL)
    CategoryFactory(handlers=[other_handler])
    users = {"author": author, "other_handler": other_handler}
    user = users.get(role) or request.getfixturevalue(role)
    start = (
        next(iter(TRANSITIONS[action][0] - {Status.ANSWERED})) if action != "close" else "answered"
    )
    suggestion = SuggestionFactory(category=services, status=start, author=author)
    original = SuggestionFactory(category=services)
    response = _post_action(_client(user), suggestion, action, original, handler)
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == start


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_staff_handle_every_category(action, staff, staff_client, other_category):
    start = {"start": "accepted", "close": "answered"}.get(action, "submitted")
    suggestion = SuggestionFactory(category=other_category, status=start)
    original = SuggestionFactory(category=other_category)
    _post_action(staff_client, suggestion, action, original, staff)
    suggestion.refresh_from_db()
    assert suggestion.status == TRANSITIONS[action][1]


def test_accepting_assigns_and_records_the_first_response(handler, services, staff, staff_client):
    suggestion = SuggestionFactory(category=services)
    _post_action(staff_client, suggestion, "accept", handler=handler)
    suggestion.refresh_from_db()
    assert suggestion.assignee == handler
    assert suggestion.first_response_at is not None
    assert Notice.objects.filter(recipient=handler, kind="feedback-assigned").exists()


def test_a_member_who_is_no_handler_cannot_be_assigned(handler, services, member):
    suggestion = SuggestionFactory(category=services)
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "accept"})
    response = _client(handler).post(url, {"assignee": member.pk}, follow=True)
    assert "请从列表中选择处理人。" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED


def test_an_empty_answer_or_reason_changes_nothing(handler, services):
    suggestion = SuggestionFactory(category=services, status=Status.ACCEPTED)
    client = _client(handler)
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "answer"})
    response = client.post(url, {"answer": "   "}, follow=True)
    assert "请填写答复" in response.content.decode()
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "decline"})
    client.post(url, {"decline-reason": ""})
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ACCEPTED


def test_an_unknown_action_is_not_found(handler, services):
    suggestion = SuggestionFactory(category=services)
    url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "explode"})
    assert _client(handler).post(url).status_code == 404


def test_merging_into_itself_or_a_missing_one_is_refused(handler, services):
    suggestion = SuggestionFactory(category=services)
    client = _client(handler)
    for into in [suggestion.pk, 999999]:
        url = reverse("feedback:handle", kwargs={"pk": suggestion.pk, "action": "merge"})
        client.post(url, {"into": into})
    suggestion.refresh_from_db()
    assert suggestion.status == Status.SUBMITTED


def test_merging_carries_the_supporters_over(handler, services, member, reviewer):
    original = SuggestionFactory(category=services)
    duplicate = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)
    feedback_services.toggle_support(actor=reviewer, suggestion=duplicate)
    feedback_services.toggle_support(actor=reviewer, suggestion=original)
    feedback_services.merge_suggestion(actor=handler, suggestion=duplicate, into=original)
    original.refresh_from_db()
    assert original.support_count == 2
    assert Support.objects.filter(suggestion=original).count() == 2


def test_a_named_author_does_not_come_to_support_his_own_suggestion_by_a_merge(
    handler, services, student, member
):
    original = SuggestionFactory(category=services, author=student)
    duplicate = SuggestionFactory(category=services)
    feedback_services.toggle_support(actor=student, suggestion=duplicate)
    feedback_services.toggle_support(actor=member, suggestion=duplicate)
    feedback_services.merge_suggestion(actor=handler, suggestion=duplicate, into=original)
    original.refresh_from_db()
    assert original.support_count == 1
    assert list(
        Support.objects.filter(suggestion=original).values_list("supporter", flat=True)
    ) == [member.pk]


# --- the author is told; supporters are told of the answer ------------------------------------


def test_the_author_is_told_of_every_step_and_supporters_of_the_answer(
    handler, services, student, member
):
    suggestion = SuggestionFactory(category=services, author=student)
    feedback_services.toggle_support(actor=member, suggestion=suggestion)
    feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)
    feedback_services.start_work(actor=handler, suggestion=suggestion)
    feedback_services.answer_suggestion(actor=handler, suggestion=suggestion, answer="已安排。")
    told = Notice.objects.filter(recipient=student, kind="feedback-status")
    assert told.count() == 3
    assert any("已安排。" in notice.body for notice in told)
    assert Notice.objects.filter(recipient=member, kind="feedback-answered").count() == 1
    assert suggestion.title in Notice.objects.get(recipient=member).title


def test_the_anonymous_author_is_told_later_in_a_batch_without_naming_the_suggestion(
    handler, services, student, member, settings
):
    # Batches of one author, every time they are run: only to see what each author gets (the
    # portal's own rules on batches are in test_anonymity_routes.py).
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1
    settings.FEEDBACK_ANONYMOUS_NEWS_EVERY_HOURS = 0
    suggestion = SuggestionFactory(category=services, anonymous_by=student)
    other = SuggestionFactory(category=services, anonymous_by=member)
    feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)
    feedback_services.answer_suggestion(actor=handler, suggestion=suggestion, answer="好的。")
    feedback_services.accept_suggestion(actor=handler, suggestion=other)
    # Not at the moment of the step: its time would point at the suggestion.
    assert not Notice.objects.filter(recipient__in=[student, member]).exists()
    assert tasks.deliver_anonymous_news() == 2
    assert tasks.deliver_anonymous_news() == 0
    # One notice per author per batch, however many steps.
    notices = Notice.objects.filter(recipient=student)
    assert notices.count() == 1
    assert Notice.objects.filter(recipient=member).count() == 1
    assert notices.get().created_at >= Step.objects.latest("created_at").created_at
    feedback_services.start_work(actor=handler, suggestion=other)
    assert feedback_services.deliver_anonymous_news() == 1
    assert Notice.objects.filter(recipient=member).count() == 2
    for notice in notices:
        assert notice.kind == "feedback-anonymous-news"
        assert suggestion.title not in notice.title + notice.body
        assert re.fullmatch(r"feedback-anon:[0-9a-f]{64}", notice.dedup_key)
        assert notice.link == reverse("feedback:mine")


# --- the author's rating and reopening --------------------------------------------------------


def test_the_author_marks_the_answer_satisfying_and_it_closes(handler, services, student):
    suggestion = SuggestionFactory(category=services, author=student, answered=True)
    response = _client(student).post(
        reverse("feedback:rate", kwargs={"pk": suggestion.pk}), {"satisfied": "yes"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.satisfied is True
    assert suggestion.status == Status.CLOSED
    page = _client(handler).get(suggestion.get_absolute_url()).content.decode()
    assert "提交人对这条答复满意。" in page


def test_not_satisfied_keeps_it_answered(services, student):
    suggestion = SuggestionFactory(category=services, anonymous_by=student, answered=True)
    _client(student).post(
        reverse("feedback:rate", kwargs={"pk": suggestion.pk}), {"satisfied": "no"}
    )
    suggestion.refresh_from_db()
    assert suggestion.satisfied is False
    assert suggestion.status == Status.ANSWERED
    assert Step.objects.get(suggestion=suggestion, action="rate").actor is None


@pytest.mark.parametrize("role", ["member", "reviewer", "staff", "handler"])
def test_only_the_author_rates_and_reopens(role, request, services, student):
    user = request.getfixturevalue(role)
    suggestion = SuggestionFactory(category=services, anonymous_by=student, answered=True)
    client = _client(user)
    rate = client.post(reverse("feedback:rate", kwargs={"pk": suggestion.pk}), {"satisfied": "yes"})
    reopen = client.post(
        reverse("feedback:reopen", kwargs={"pk": suggestion.pk}), {"reopen-reason": "没解决"}
    )
    assert rate.status_code == reopen.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED and suggestion.satisfied is None


def test_rating_before_an_answer_is_refused(services, student):
    suggestion = SuggestionFactory(category=services, author=student)
    response = _client(student).post(
        reverse("feedback:rate", kwargs={"pk": suggestion.pk}), {"satisfied": "yes"}, follow=True
    )
    assert "不能进行此操作" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.satisfied is None


def test_the_author_reopens_once_with_a_reason(handler, services, student):
    suggestion = SuggestionFactory(
        category=services, anonymous_by=student, answered=True, assignee=handler
    )
    client = _client(student)
    url = reverse("feedback:reopen", kwargs={"pk": suggestion.pk})
    client.post(url, {"reopen-reason": ""})
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED
    client.post(url, {"reopen-reason": "问题依然存在。"})
    suggestion.refresh_from_db()
    assert suggestion.status == Status.IN_PROGRESS
    assert Notice.objects.filter(recipient=handler, kind="feedback-reopened").exists()
    feedback_services.answer_suggestion(actor=handler, suggestion=suggestion, answer="再次处理。")
    response = client.post(url, {"reopen-reason": "还是不行。"}, follow=True)
    assert "只能重新打开一次" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ANSWERED


# --- moderation --------------------------------------------------------------------------------


def test_staff_hide_with_a_reason_the_author_reads(staff_client, services, student, member_client):
    suggestion = SuggestionFactory(category=services, anonymous_by=student)
    url = reverse("feedback:moderate", kwargs={"pk": suggestion.pk})
    staff_client.post(url, {"op": "hide", "hide-reason": ""})
    suggestion.refresh_from_db()
    assert not suggestion.hidden
    staff_client.post(url, {"op": "hide", "hide-reason": "含有他人隐私信息。"})
    suggestion.refresh_from_db()
    assert suggestion.hidden
    assert member_client.get(suggestion.get_absolute_url()).status_code == 404
    assert suggestion.title not in member_client.get(reverse("feedback:board")).content.decode()
    author_page = _client(student).get(suggestion.get_absolute_url()).content.decode()
    assert "含有他人隐私信息。" in author_page
    staff_client.post(url, {"op": "restore"})
    suggestion.refresh_from_db()
    assert not suggestion.hidden
    assert member_client.get(suggestion.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ["student", "member", "reviewer", "handler"])
def test_only_staff_moderate(role, request, services):
    suggestion = SuggestionFactory(category=services)
    client = _client(request.getfixturevalue(role))
    url = reverse("feedback:moderate", kwargs={"pk": suggestion.pk})
    assert client.post(url, {"op": "hide", "hide-reason": "x"}).status_code == 403
    suggestion.refresh_from_db()
    assert not suggestion.hidden


def test_enough_reports_hide_a_suggestion_pending_review(services, settings, staff):
    settings.FEEDBACK_REPORTS_TO_HIDE = 2
    suggestion = SuggestionFactory(category=services)
    first, second = UserFactory(), UserFactory()
    url = reverse("feedback:report", kwargs={"pk": suggestion.pk})
    _client(first).post(url, {"reason": "广告"})
    again = _client(first).post(url, {"reason": "广告"}, follow=True)
    assert "已经举报过" in again.content.decode()
    suggestion.refresh_from_db()
    assert not suggestion.hidden and suggestion.report_count == 1
    _client(second).post(url, {"reason": "辱骂"})
    suggestion.refresh_from_db()
    assert suggestion.hidden
    assert "被举报 2 次" in suggestion.hidden_reason
    assert Notice.objects.filter(recipient=staff, kind="feedback-reported").count() == 1


def test_an_author_whose_account_is_gone_is_not_told(handler, services, student, settings):
    settings.FEEDBACK_ANONYMOUS_NEWS_MIN_AUTHORS = 1  # the batch goes with his news alone
    suggestion = SuggestionFactory(category=services, anonymous_by=student)
    feedback_services.accept_suggestion(actor=handler, suggestion=suggestion)
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert feedback_services.deliver_anonymous_news() == 0
    assert not Step.objects.filter(author_told=False, by_author=False).exists()


def test_the_author_cannot_report_or_support_his_own(services, student):
    suggestion = SuggestionFactory(category=services, anonymous_by=student)
    client = _client(student)
    client.post(reverse("feedback:report", kwargs={"pk": suggestion.pk}))
    client.post(reverse("feedback:support", kwargs={"pk": suggestion.pk}))
    suggestion.refresh_from_db()
    assert suggestion.report_count == 0 and suggestion.support_count == 0
    assert Suggestion.objects.get(pk=suggestion.pk).supports.count() == 0


def test_a_handler_given_a_suggestion_back_is_told_again_in_the_same_second(
    handler, services, staff, monkeypatch
):
    """Each assignment is its own event: even with a clock that stands still (two assignments
    in one second), the handler who gets the suggestion back is told again."""
    second = UserFactory(political_status=PoliticalStatus.FULL)
    services.handlers.add(second)
    suggestion = SuggestionFactory(category=services)
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    for assignee in (handler, second, handler):
        feedback_services.assign_suggestions(
            actor=staff, suggestions=[suggestion], assignee=assignee
        )
    told = Notice.objects.filter(kind="feedback-assigned")
    assert told.filter(recipient=handler).count() == 2
    assert told.filter(recipient=second).count() == 1


def _answer_queries(handler, services, supporters: int) -> tuple[int, int]:
    suggestion = SuggestionFactory(category=services)
    for person in UserFactory.create_batch(supporters):
        Support.objects.create(suggestion=suggestion, supporter=person)
    actor = type(handler).objects.get(pk=handler.pk)  # as a new request loads him
    with CaptureQueriesContext(connection) as queries:
        feedback_services.answer_suggestion(actor=actor, suggestion=suggestion, answer="已处理")
    told = Notice.objects.filter(kind="feedback-answered", link=suggestion.get_absolute_url())
    return len(queries), told.count()


@pytest.mark.django_db
def test_answering_a_much_supported_suggestion_asks_as_often_as_a_little_supported_one(
    handler, services
):
    few, few_told = _answer_queries(handler, services, 2)
    many, many_told = _answer_queries(handler, services, 20)
    assert (few_told, many_told) == (2, 20)  # every supporter
    assert few == many
