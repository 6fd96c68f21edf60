"""Rounds and inspections: scheduling a round (its rooms given to the members who look after
them), reassigning, filling an inspection in item by item (a draft kept on the server as the
inspector goes), submitting it (score, follow-up issues, the key-dorm rules), re-inspecting,
and the residents' comments and disputes with staff's settling of them."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.names import join_names
from common.photos import clean_photo
from members.access import in_workstation

from .. import access
from ..models import (
    FULL_MARK,
    Answer,
    Building,
    Checklist,
    Contact,
    Dispute,
    DisputeStatus,
    Floor,
    FollowUp,
    Inspection,
    InspectionStatus,
    ItemGroup,
    Room,
    Round,
    Scale,
)
from ..scoring import total_score
from .key_dorms import apply_rules

# A failed item is to be put right within this many days.
FOLLOW_UP_DAYS = 7


def _inspector_of(room: Room, contacts: list[Contact]):
    """Who inspects `room`: a member looking after the room itself, else one looking after its
    floor (the first recorded), else nobody yet (staff assign one)."""
    for contact in contacts:
        if contact.room_id == room.pk:
            return contact.member_id
    for contact in contacts:
        if contact.floor_id == room.floor_id:
            return contact.member_id
    return None


def check_round_scope(
    buildings: Sequence[Building] | QuerySet[Building], floors: Sequence[Floor] | QuerySet[Floor]
) -> None:
    """Refuse (ValidationError) a round that covers no building and no floor: it would have no
    room to inspect. Asked by `schedule_round` and the admin's round form."""
    if not buildings and not floors:
        raise ValidationError(_("Choose the buildings or floors to inspect."), code="empty")


@transaction.atomic
def schedule_round(
    *,
    actor,
    name: str,
    checklist: Checklist,
    starts: datetime.date,
    ends: datetime.date,
    buildings: Iterable[Building] = (),
    floors: Iterable[Floor] = (),
) -> Round:
    """Schedule a round over `buildings` and `floors`; each room goes to a member looking
    after it."""
    if not access.can_manage(actor):
        raise PermissionDenied
    if ends < starts:
        raise ValidationError(_("A round cannot end before it starts."), code="dates")
    buildings, floors = list(buildings), list(floors)
    check_round_scope(buildings, floors)
    round_ = Round.objects.create(name=name, checklist=checklist, starts=starts, ends=ends)
    round_.buildings.set(buildings)
    round_.floors.set(floors)
    assign_round_rooms(round_)
    return round_


def assign_round_rooms(round_: Round) -> int:
    """Give each room of the round without an inspection one, to a member looking after it."""
    rooms = list(
        Room.objects.filter(
            Q(floor__building__in=round_.buildings.all()) | Q(floor__in=round_.floors.all())
        )
        .exclude(inspections__round=round_)
        .distinct()
    )
    contacts = list(
        Contact.objects.filter(
            Q(room__in=rooms) | Q(floor__in={room.floor_id for room in rooms})
        ).order_by("pk")
    )
    Inspection.objects.bulk_create(
        Inspection(round=round_, room=room, inspector_id=_inspector_of(room, contacts))
        for room in rooms
    )
    return len(rooms)


@transaction.atomic
def reassign_inspection(*, actor, inspection: Inspection, inspector) -> Inspection:
    """Staff give a room of a round to another member."""
    if not access.can_reassign(actor, inspection):
        raise PermissionDenied
    if not in_workstation(inspector):
        raise ValidationError(
            _("%(name)s is not a workstation member (activist onward).")
            % {"name": inspector.display_name},
            code="not_a_member",
        )
    inspection.inspector = inspector
    inspection.save(update_fields=["inspector"])
    return inspection


def _locked(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("round__checklist", "room", "original")
        .get(pk=inspection.pk)
    )


@transaction.atomic
def start_inspection(*, actor, inspection: Inspection) -> Inspection:
    """Open the form: the checklist's items are copied as they are now (the version kept); a
    re-inspection copies its original's items, the passed ones filled in as they were."""
    if not access.can_inspect(actor, inspection):
        raise PermissionDenied
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.TO_DO:
        return inspection
    if inspection.original_id:
        answers = [
            Answer(
                inspection=inspection,
                item_id=earlier.item_id,
                group=earlier.group,
                text=earlier.text,
                weight=earlier.weight,
                scale=earlier.scale,
                position=earlier.position,
                value=None if earlier.failed else earlier.value,
            )
            for earlier in inspection.original.answers.all()
        ]
        version = inspection.original.checklist_version
    else:
        checklist = inspection.round.checklist
        answers = [
            Answer(
                inspection=inspection,
                item=item,
                group=item.group,
                text=item.text,
                weight=item.weight,
                scale=item.scale,
                position=index,
            )
            for index, item in enumerate(checklist.items.filter(is_active=True))
        ]
        version = checklist.version
    Answer.objects.bulk_create(answers)
    inspection.status = InspectionStatus.DRAFT
    inspection.checklist_version = version
    inspection.save(update_fields=["status", "checklist_version"])
    return inspection


def _checked_value(answer: Answer, value) -> int | None:
    if value in (None, ""):
        return None
    top = 1 if answer.scale == Scale.PASS_FAIL else FULL_MARK
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= top:
        raise ValidationError(
            _("“%(item)s” takes a mark from 0 to %(top)d.") % {"item": answer.text, "top": top},
            code="value",
        )
    return number


@dataclass(frozen=True)
class Mark:
    """What the inspector gives one item: its mark, note and photo."""

    answer_id: int
    value: object = None
    note: str = ""
    photo: object = None


def save_answers(*, actor, inspection: Inspection, marks: Iterable[Mark]) -> list[Answer]:
    """Keep items of the draft, each with its mark, note and photo (checked and re-encoded),
    under one lock of the inspection: the whole form without script sends every item at once.
    Every item given correctly is kept; those refused are then refused together, each with its
    reason, so that one wrong mark loses none of the others."""
    if not access.can_inspect(actor, inspection):
        raise PermissionDenied
    marks = list(marks)
    saved, refused = [], []
    with transaction.atomic():
        inspection = _locked(inspection)
        if inspection.status != InspectionStatus.DRAFT:
            raise ValidationError(_("This inspection is not being filled in."), code="status")
        answers = inspection.answers.in_bulk([mark.answer_id for mark in marks])
        for mark in marks:
            answer = answers.get(mark.answer_id)
            try:
                if answer is None:
                    raise ValidationError(
                        _("This item is not part of the inspection."), code="item"
                    )
                answer.value = _checked_value(answer, mark.value)
                answer.note = mark.note.strip()[:300]
                fields = ["value", "note"]
                if mark.photo is not None:
                    clean = clean_photo(mark.photo)
                    answer.photo_type = clean.content_type
                    answer.photo.save("photo", clean.content, save=False)
                    fields += ["photo", "photo_type"]
            except ValidationError as error:
                refused.append(error)
                continue
            answer.save(update_fields=fields)
            saved.append(answer)
    if refused:
        raise ValidationError(refused)
    return saved


def save_answer(
    *, actor, inspection: Inspection, answer_id: int, value=None, note: str = "", photo=None
) -> Answer:
    """Keep one item of the draft (as each is marked, with script)."""
    mark = Mark(answer_id=answer_id, value=value, note=note, photo=photo)
    return save_answers(actor=actor, inspection=inspection, marks=[mark])[0]


@transaction.atomic
def submit_inspection(*, actor, inspection: Inspection, note: str = "") -> Inspection:
    """Finish the inspection: every item marked, the total computed from the weights, failed
    items made follow-up issues, the original's put right closed, the key-dorm rules applied."""
    if not access.can_inspect(actor, inspection):
        raise PermissionDenied
    inspection = _locked(inspection)
    if inspection.status != InspectionStatus.DRAFT:
        raise ValidationError(_("This inspection is not being filled in."), code="status")
    answers = list(inspection.answers.all())
    missing = [answer.text for answer in answers if answer.value is None]
    if missing:
        raise ValidationError(
            _("Mark every item first; still open: %(items)s.") % {"items": join_names(missing)},
            code="incomplete",
        )
    now = timezone.now()
    inspection.score = total_score(answers)
    inspection.has_safety_failure = any(
        answer.failed and answer.group == ItemGroup.SAFETY for answer in answers
    )
    inspection.status = InspectionStatus.DONE
    inspection.note = note.strip()
    inspection.done_at = now
    inspection.done_on = timezone.localdate(now)
    inspection.save(
        update_fields=["score", "has_safety_failure", "status", "note", "done_at", "done_on"]
    )
    due = inspection.done_on + datetime.timedelta(days=FOLLOW_UP_DAYS)
    FollowUp.objects.bulk_create(
        FollowUp(answer=answer, due=due) for answer in answers if answer.failed
    )
    if inspection.original_id:
        passed_now = {answer.item_id for answer in answers if not answer.failed}
        FollowUp.objects.filter(
            answer__inspection=inspection.original_id,
            answer__item__in=passed_now,
            resolved_at__isnull=True,
        ).update(resolved_at=now)
    apply_rules(inspection)
    return inspection


@transaction.atomic
def reinspect(*, actor, inspection: Inspection) -> Inspection:
    """A re-inspection of a done room, linked to it: a member asking does it himself; staff
    give it to the original's inspector."""
    if not access.can_reinspect(actor, inspection):
        raise PermissionDenied
    inspector = actor if in_workstation(actor) else inspection.inspector
    again = Inspection.objects.create(
        round=inspection.round, room=inspection.room, inspector=inspector, original=inspection
    )
    if inspector is not None and inspector.pk == actor.pk:
        return start_inspection(actor=actor, inspection=again)
    return again


@transaction.atomic
def dispute_item(*, actor, answer: Answer, text: str, is_dispute: bool) -> Dispute:
    """A resident comments on, or disputes, an item of his room's inspection: once."""
    if not access.can_dispute(actor, answer):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Write your comment."), code="empty")
    return Dispute.objects.create(
        answer=answer,
        resident=actor,
        is_dispute=is_dispute,
        text=text,
        status=DisputeStatus.OPEN if is_dispute else DisputeStatus.NOTED,
    )


@transaction.atomic
def settle_dispute(*, actor, dispute: Dispute, upheld: bool, answer: str) -> Dispute:
    """Staff uphold or reject a dispute, with their answer to the resident."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if not access.can_settle(actor, dispute):
        raise PermissionDenied
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write your answer to the resident."), code="empty")
    dispute.status = DisputeStatus.UPHELD if upheld else DisputeStatus.REJECTED
    dispute.settlement = answer
    dispute.settled_by = actor
    dispute.settled_at = timezone.now()
    dispute.save(update_fields=["status", "settlement", "settled_by", "settled_at"])
    return dispute
