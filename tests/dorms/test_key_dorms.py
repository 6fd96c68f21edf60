"""Key dorms: each rule fires, and does not one step short; staff make one by hand; the
workflow's table, taken through the real services for every status, action and role; and a
key dorm is never shown to other students."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dorms import services, workflow
from dorms.models import AssistanceAction, Inspection, KeyDorm, KeyStatus
from dorms.services.inspections import assign_round_rooms
from tests.factories import UserFactory

from .factories import KeyDormRuleFactory, RoundFactory

TODAY = timezone.localdate()


def inspect(member, inspection, marks):
    inspection = services.start_inspection(actor=member, inspection=inspection)
    for answer in inspection.answers.all():
        services.save_answer(
            actor=member, inspection=inspection, answer_id=answer.pk, value=marks[answer.text]
        )
    return services.submit_inspection(actor=member, inspection=inspection)


def round_before(checklist, building, room, days_ago: int):
    earlier = RoundFactory(
        checklist=checklist,
        starts=TODAY - datetime.timedelta(days=days_ago),
        ends=TODAY - datetime.timedelta(days=days_ago - 2),
    )
    earlier.buildings.set([building])
    assign_round_rooms(earlier)
    return Inspection.objects.get(round=earlier, room=room)


# 地面整洁 weight 2 (0-5), 无违规电器 weight 3 (pass/fail), 作息文明 weight 1 (0-5).
LOW = {"地面整洁": 1, "无违规电器": 1, "作息文明": 1}  # 2*0.2 + 3 + 1*0.2 = 3.6/6 → 60.0
GOOD = {"地面整洁": 5, "无违规电器": 1, "作息文明": 5}  # 100.0
UNSAFE = {"地面整洁": 5, "无违规电器": 0, "作息文明": 5}  # 50.0, a safety failure


def test_the_score_rule_fires_after_two_low_rounds(member, checklist, building, room, inspection):
    rule = KeyDormRuleFactory(kind="low_twice", threshold=Decimal("70"))
    first = inspect(member, round_before(checklist, building, room, 30), LOW)
    assert first.score == Decimal("60.0")
    assert not KeyDorm.objects.exists()  # one low round is one step short
    inspect(member, inspection, LOW)
    key_dorm = KeyDorm.objects.get()
    assert key_dorm.room == room and key_dorm.rule == rule
    assert key_dorm.status == KeyStatus.OPENED
    assert "60.0" in key_dorm.reason and "70" in key_dorm.reason


def test_the_score_rule_does_not_fire_at_the_threshold(
    member, checklist, building, room, inspection
):
    KeyDormRuleFactory(kind="low_twice", threshold=Decimal("60.0"))
    inspect(member, round_before(checklist, building, room, 30), LOW)
    inspect(member, inspection, LOW)  # 60.0 is not below 60.0
    assert not KeyDorm.objects.exists()


def test_the_score_rule_needs_consecutive_low_rounds(member, checklist, building, room, inspection):
    KeyDormRuleFactory(kind="low_twice", threshold=Decimal("70"))
    inspect(member, round_before(checklist, building, room, 60), LOW)
    inspect(member, round_before(checklist, building, room, 30), GOOD)
    inspect(member, inspection, LOW)
    assert not KeyDorm.objects.exists()


def test_the_safety_rule_fires_on_any_safety_failure(member, room, inspection):
    rule = KeyDormRuleFactory(kind="safety")
    inspect(member, inspection, UNSAFE)
    assert KeyDorm.objects.get().rule == rule


def test_the_safety_rule_does_not_fire_without_one(member, room, inspection):
    KeyDormRuleFactory(kind="safety")
    inspect(member, inspection, {"地面整洁": 0, "无违规电器": 1, "作息文明": 0})
    assert not KeyDorm.objects.exists()


def test_an_inactive_rule_never_fires(member, room, inspection):
    KeyDormRuleFactory(kind="safety", is_active=False)
    inspect(member, inspection, UNSAFE)
    assert not KeyDorm.objects.exists()


def test_staff_make_a_room_a_key_dorm_and_only_once(staff, member, room):
    with pytest.raises(PermissionDenied):
        services.open_key_dorm(actor=member, room=room, reason="多次晚归")
    key_dorm = services.open_key_dorm(actor=staff, room=room, reason="多次晚归")
    assert key_dorm.rule is None and key_dorm.steps.get().actor == staff
    with pytest.raises(ValidationError):
        services.open_key_dorm(actor=staff, room=room, reason="再来一次")
    assert KeyDorm.objects.count() == 1


# --- the workflow per role --------------------------------------------------------------------


@pytest.fixture
def cast(staff, member, reviewer, student, room, other_member):
    """`member` looks after the room and is responsible for the plan; `reviewer` reviews it."""
    return {
        "staff": staff,
        "responsible": member,
        "plan_reviewer": reviewer,
        "other_member": other_member,
        "student": student,
    }


def key_dorm_in(status: str, cast, room) -> KeyDorm:
    key_dorm = KeyDorm.objects.create(
        room=room,
        reason="测试",
        status=status,
        goals="保持整洁",
        responsible=cast["responsible"],
        reviewer=cast["plan_reviewer"],
        review_date=TODAY,
    )
    return key_dorm


MAY = {
    "staff": set(workflow.WHO),
    "responsible": {workflow.START, workflow.LOG_ACTION, workflow.REQUEST_REVIEW},
    "plan_reviewer": {workflow.CONTINUE, workflow.CLOSE},
    "other_member": set(),
    "student": set(),
}


def take(action, actor, key_dorm, cast):
    if action == workflow.AGREE_PLAN:
        return services.agree_plan(
            actor=actor,
            key_dorm=key_dorm,
            goals="每周打扫",
            responsible=cast["responsible"],
            reviewer=cast["plan_reviewer"],
            review_date=TODAY,
        )
    if action == workflow.LOG_ACTION:
        return services.log_action(
            actor=actor, key_dorm=key_dorm, date=TODAY, kind="talk", note="谈心"
        )
    return services.take_step(actor=actor, key_dorm=key_dorm, action=action)


@pytest.mark.parametrize("status", KeyStatus.values)
@pytest.mark.parametrize("role", sorted(MAY))
def test_the_workflow_table_per_role(status, role, cast, room):
    key_dorm = key_dorm_in(status, cast, room)
    actor = cast[role]
    for action in sorted(workflow.WHO):
        allowed = (status, action) in workflow.TRANSITIONS
        may = action in MAY[role]
        if role == "plan_reviewer" and action == workflow.CLOSE:
            may = status == KeyStatus.REVIEW
        key_dorm.refresh_from_db()
        key_dorm.status = status
        key_dorm.save(update_fields=["status"])
        assert workflow.may_take(actor, key_dorm, action) == (allowed and may), (role, action)
        if not may:
            with pytest.raises(PermissionDenied):
                take(action, actor, key_dorm, cast)
        elif not allowed:
            with pytest.raises(ValidationError):
                take(action, actor, key_dorm, cast)
        else:
            take(action, actor, key_dorm, cast)
            key_dorm.refresh_from_db()
            if action != workflow.LOG_ACTION:
                assert key_dorm.status == workflow.TRANSITIONS[status, action]
                assert key_dorm.steps.filter(action=action, actor=actor).exists()


def test_the_plan_reviewer_confirms_actions_but_not_his_own(cast, room):
    key_dorm = key_dorm_in(KeyStatus.IN_PROGRESS, cast, room)
    action = take(workflow.LOG_ACTION, cast["responsible"], key_dorm, cast)
    for outsider in (cast["responsible"], cast["other_member"], cast["student"]):
        with pytest.raises(PermissionDenied):
            services.confirm_action(actor=outsider, action=action)
    services.confirm_action(actor=cast["plan_reviewer"], action=action)
    action.refresh_from_db()
    assert action.confirmed_by == cast["plan_reviewer"]
    with pytest.raises(PermissionDenied):  # once
        services.confirm_action(actor=cast["plan_reviewer"], action=action)


def test_an_action_ahead_of_its_date_is_refused(cast, room):
    key_dorm = key_dorm_in(KeyStatus.IN_PROGRESS, cast, room)
    with pytest.raises(ValidationError):
        services.log_action(
            actor=cast["responsible"],
            key_dorm=key_dorm,
            date=TODAY + datetime.timedelta(days=1),
            kind="visit",
            note="走访",
        )
    assert not AssistanceAction.objects.exists()


def test_the_plan_needs_a_workstation_member_responsible(cast, room, student):
    key_dorm = key_dorm_in(KeyStatus.OPENED, cast, room)
    with pytest.raises(ValidationError):
        services.agree_plan(
            actor=cast["staff"],
            key_dorm=key_dorm,
            goals="目标",
            responsible=student,
            reviewer=cast["plan_reviewer"],
            review_date=TODAY,
        )
    key_dorm.refresh_from_db()
    assert key_dorm.status == KeyStatus.OPENED


def test_a_key_dorm_is_never_shown_to_other_students(cast, room, client, student):
    key_dorm = key_dorm_in(KeyStatus.IN_PROGRESS, cast, room)
    neighbour = UserFactory(name="邻居")
    # The resident sees his room, without the key-dorm mark; others do not see it at all.
    client.force_login(student)
    page = client.get(room.get_absolute_url()).content.decode()
    assert 'data-testid="key-dorm-badge"' not in page
    assert client.get(key_dorm.get_absolute_url()).status_code == 404
    assert client.get("/dorms/key-dorms/").status_code == 403
    client.force_login(neighbour)
    assert client.get(room.get_absolute_url()).status_code == 404
    assert client.get(key_dorm.get_absolute_url()).status_code == 404
    client.force_login(cast["responsible"])
    page = client.get(room.get_absolute_url()).content.decode()
    assert 'data-testid="key-dorm-badge"' in page
