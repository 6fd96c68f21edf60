"""Key dorms (重点宿舍): the rules that make a room one after an inspection, staff making one by
hand, the assistance plan, its workflow steps, and the actions logged and confirmed.

Every step has one shape: refuse whoever may not take it (`dorms.access` through
`workflow.require`), lock the row, ask the table for the status it leads to, change it and
record the step.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import in_workstation, is_staff

from .. import access, workflow
from ..models import (
    ActionKind,
    AssistanceAction,
    Inspection,
    InspectionStatus,
    KeyDorm,
    KeyDormRule,
    KeyStatus,
    KeyStep,
    Room,
    RuleKind,
)

OPEN = "open"


def _previous_round_inspection(inspection: Inspection) -> Inspection | None:
    """The room's done inspection of the round before this one (its latest, re-inspections
    included)."""
    return (
        Inspection.objects.filter(
            room=inspection.room_id,
            status=InspectionStatus.DONE,
            round__starts__lt=inspection.round.starts,
        )
        .order_by("-round__starts", "-done_at")
        .first()
    )


def rule_fires(rule: KeyDormRule, inspection: Inspection) -> str | None:
    """Why `rule` makes the inspected room a key dorm, or None when it does not fire."""
    if rule.kind == RuleKind.SAFETY_FAILURE:
        if inspection.has_safety_failure:
            return _("A safety item failed in %(round)s.") % {"round": inspection.round.name}
        return None
    if inspection.score is None or inspection.score >= rule.threshold:
        return None
    before = _previous_round_inspection(inspection)
    if before is None or before.score is None or before.score >= rule.threshold:
        return None
    return _("Scored %(before)s in %(first)s and %(now)s in %(second)s, below %(threshold)s.") % {
        "before": before.score,
        "first": before.round.name,
        "now": inspection.score,
        "second": inspection.round.name,
        "threshold": rule.threshold,
    }


def apply_rules(inspection: Inspection) -> KeyDorm | None:
    """After a done inspection: the first active rule that fires makes the room a key dorm
    (unless it is one already), recording the rule and why."""
    if KeyDorm.objects.filter(room=inspection.room_id).exclude(status=KeyStatus.CLOSED).exists():
        return None
    for rule in KeyDormRule.objects.filter(is_active=True).order_by("kind", "pk"):
        reason = rule_fires(rule, inspection)
        if reason:
            key_dorm = KeyDorm.objects.create(
                room_id=inspection.room_id, rule=rule, reason=reason, inspection=inspection
            )
            KeyStep.objects.create(key_dorm=key_dorm, action=OPEN, note=reason)
            return key_dorm
    return None


@transaction.atomic
def open_key_dorm(*, actor, room: Room, reason: str) -> KeyDorm:
    """Staff make `room` a key dorm, saying why."""
    if not access.can_open_key_dorm(actor, room):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why this room becomes a key dorm."), code="empty")
    Room.objects.select_for_update().filter(pk=room.pk).first()
    if KeyDorm.objects.filter(room=room).exclude(status=KeyStatus.CLOSED).exists():
        raise ValidationError(_("This room is a key dorm already."), code="exists")
    key_dorm = KeyDorm.objects.create(room=room, reason=reason)
    KeyStep.objects.create(key_dorm=key_dorm, action=OPEN, actor=actor, note=reason)
    return key_dorm


def _locked_for(key_dorm: KeyDorm, actor, action: str) -> tuple[KeyDorm, str]:
    workflow.require(actor, key_dorm, action)
    key_dorm = (
        KeyDorm.objects.select_for_update(of=("self",))
        .select_related("room__floor__building")
        .get(pk=key_dorm.pk)
    )
    workflow.require(actor, key_dorm, action)  # the rule may read the status
    return key_dorm, workflow.next_status(key_dorm, action)


def _change(key_dorm: KeyDorm, action: str, *, actor, note: str = "", **fields) -> KeyStep:
    for name, value in fields.items():
        setattr(key_dorm, name, value)
    key_dorm.save(update_fields=list(fields))
    return KeyStep.objects.create(key_dorm=key_dorm, action=action, actor=actor, note=note)


@transaction.atomic
def agree_plan(
    *,
    actor,
    key_dorm: KeyDorm,
    goals: str,
    responsible,
    reviewer,
    review_date: datetime.date,
) -> KeyDorm:
    """Staff set the assistance plan: goals, the member responsible, the plan's reviewer (who
    confirms the actions) and the review date."""
    key_dorm, status = _locked_for(key_dorm, actor, workflow.AGREE_PLAN)
    goals = goals.strip()
    if not goals:
        raise ValidationError(_("Write the plan's goals."), code="empty")
    if not in_workstation(responsible):
        raise ValidationError(
            _("%(name)s is not a workstation member (activist onward).")
            % {"name": responsible.display_name},
            code="not_a_member",
        )
    if reviewer.pk == responsible.pk or not (in_workstation(reviewer) or is_staff(reviewer)):
        raise ValidationError(
            _("The plan's reviewer is staff or another workstation member."), code="reviewer"
        )
    _change(
        key_dorm,
        workflow.AGREE_PLAN,
        actor=actor,
        note=goals,
        status=status,
        goals=goals,
        responsible=responsible,
        reviewer=reviewer,
        review_date=review_date,
    )
    return key_dorm


@transaction.atomic
def take_step(*, actor, key_dorm: KeyDorm, action: str, note: str = "") -> KeyDorm:
    """Start, ask for the review, continue after it, close or reopen a key dorm."""
    if action not in (
        workflow.START,
        workflow.REQUEST_REVIEW,
        workflow.CONTINUE,
        workflow.CLOSE,
        workflow.REOPEN,
    ):
        raise ValidationError(_("Unknown action."), code="action")
    key_dorm, status = _locked_for(key_dorm, actor, action)
    fields = {"status": status}
    if action == workflow.CLOSE:
        fields["closed_at"] = timezone.now()
    if action == workflow.REOPEN:
        if (
            KeyDorm.objects.filter(room=key_dorm.room_id)
            .exclude(pk=key_dorm.pk)
            .exclude(status=KeyStatus.CLOSED)
        ):
            raise ValidationError(_("This room is a key dorm already."), code="exists")
        fields["closed_at"] = None
    _change(key_dorm, action, actor=actor, note=note.strip(), **fields)
    return key_dorm


@transaction.atomic
def log_action(
    *, actor, key_dorm: KeyDorm, date: datetime.date, kind: str, note: str
) -> AssistanceAction:
    """The responsible member (or staff) logs an assistance action: a talk, a visit, help."""
    key_dorm, _status = _locked_for(key_dorm, actor, workflow.LOG_ACTION)
    note = note.strip()
    if not note:
        raise ValidationError(_("Say what was done."), code="empty")
    if kind not in ActionKind.values:
        raise ValidationError(_("Choose the kind of action."), code="kind")
    if date > timezone.localdate():
        raise ValidationError(_("An action cannot be logged ahead of its date."), code="date")
    return AssistanceAction.objects.create(
        key_dorm=key_dorm, date=date, kind=kind, note=note, member=actor
    )


@transaction.atomic
def confirm_action(*, actor, action: AssistanceAction) -> AssistanceAction:
    """The plan's reviewer confirms an action: it then counts for study stage 3."""
    action = (
        AssistanceAction.objects.select_for_update(of=("self",))
        .select_related("key_dorm")
        .get(pk=action.pk)
    )
    if not access.can_confirm_action(actor, action):
        raise PermissionDenied
    action.confirmed_by = actor
    action.confirmed_at = timezone.now()
    action.save(update_fields=["confirmed_by", "confirmed_at"])
    return action
