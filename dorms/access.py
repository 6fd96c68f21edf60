"""Who may see or do what in the dorms.

Staff see and manage everything. A member sees the rooms he looks after (a room, or every room
of a floor) with their residents' names, classes and phones, and inspects the rooms given to
him; a resident sees his own room and its results, and comments on or disputes an item once.
A key dorm is seen only by staff, the members who look after its room, and its plan's
responsible member and reviewer: other students never learn that a room is one. A branch's
secretary reads his members' dorm work behind his branch's figures: which rooms they were given,
inspected and look after, and the assistance confirmed, without scores, residents or key dorms.

Each action has its `can_<action>(user, obj)`; the services refuse anyone else
(PermissionDenied); in which status a key-dorm action may be taken is `dorms.workflow`'s.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import get_branch_work_for_user, in_workstation, is_staff
from members.caching import cached_per_user
from members.models import Branch

from .models import (
    Answer,
    AssistanceAction,
    Contact,
    Dispute,
    DisputeStatus,
    Inspection,
    InspectionStatus,
    KeyDorm,
    KeyStatus,
    Residency,
    Room,
)


def looked_after_by(user, *, via: str = "") -> Q:
    """The filter "`user` looks after this room" (the room itself, or its floor); `via`
    reaches the room from another model, such as "room__"."""
    return Q(**{f"{via}contacts__member": user}) | Q(**{f"{via}floor__contacts__member": user})


@cached_per_user
def _looked_after_ids(user) -> set[int]:
    """The ids of the rooms `user` looks after, remembered on the user for the request."""
    if not user.is_authenticated:
        return set()
    rooms = Room.objects.filter(
        Q(pk__in=Contact.objects.filter(member=user, room__isnull=False).values("room"))
        | Q(floor__in=Contact.objects.filter(member=user, floor__isnull=False).values("floor"))
    )
    return set(rooms.values_list("pk", flat=True))


@cached_per_user
def _home_room_ids(user) -> set[int]:
    """The rooms `user` lives in now."""
    if not user.is_authenticated:
        return set()
    return set(Residency.objects.current().filter(person=user).values_list("room", flat=True))


def looks_after(user, room_id: int) -> bool:
    return room_id in _looked_after_ids(user)


def lives_in(user, room_id: int) -> bool:
    return room_id in _home_room_ids(user)


def has_home(user) -> bool:
    """Whether `user` lives in a room now."""
    return bool(_home_room_ids(user))


def rooms_visible_to(user) -> QuerySet[Room]:
    """Staff: every room; others: the rooms they look after and the room they live in."""
    if is_staff(user):
        return Room.objects.all()
    if not user.is_authenticated:
        return Room.objects.none()
    return Room.objects.filter(pk__in=_looked_after_ids(user) | _home_room_ids(user))


def can_see_room(user, room: Room) -> bool:
    return is_staff(user) or looks_after(user, room.pk) or lives_in(user, room.pk)


def can_see_residents_contact(user, room: Room) -> bool:
    """Name, class and phone of a room's residents: staff and the members looking after it."""
    return is_staff(user) or looks_after(user, room.pk)


def get_room_for_user(user, pk: int) -> Room:
    room = rooms_visible_to(user).select_related("floor__building").filter(pk=pk).first()
    if room is None:
        raise Http404
    return room


def get_branch_work_lists_for_user(user, pk: int) -> Branch:
    """The branch `pk` whose members' dorm work `user` may list: staff and its secretary, as
    its view (`members.access.can_read_branch_work`); 404 for anyone else. The lists are
    read-only and show no score, no resident and no key dorm."""
    return get_branch_work_for_user(user, pk)


# --- inspections ------------------------------------------------------------------------------


def can_manage(user) -> bool:
    """Staff schedule rounds, reassign rooms, settle disputes and keep the checklists."""
    return is_staff(user)


def can_inspect(user, inspection: Inspection) -> bool:
    """Only the inspector it is given to fills an inspection in, until it is done."""
    if not in_workstation(user):
        return False
    if inspection.inspector_id != user.pk:
        return False
    return inspection.status != InspectionStatus.DONE


def can_reassign(user, inspection: Inspection) -> bool:
    return can_manage(user) and inspection.status != InspectionStatus.DONE


def can_reinspect(user, inspection: Inspection) -> bool:
    """Staff and the members looking after the room inspect a done room again."""
    if inspection.status != InspectionStatus.DONE:
        return False
    return is_staff(user) or (in_workstation(user) and looks_after(user, inspection.room_id))


def inspections_visible_to(user) -> QuerySet[Inspection]:
    """Staff: all; a member: those he inspects and those of rooms he looks after; a resident:
    his room's done ones."""
    if is_staff(user):
        return Inspection.objects.all()
    if not user.is_authenticated:
        return Inspection.objects.none()
    return Inspection.objects.filter(
        Q(inspector=user)
        | Q(room__in=_looked_after_ids(user))
        | Q(room__in=_home_room_ids(user), status=InspectionStatus.DONE)
    )


def get_inspection_for_user(user, pk: int, *, write: bool = False) -> Inspection:
    inspection = (
        inspections_visible_to(user)
        .select_related("round__checklist", "room__floor__building", "inspector", "original")
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise Http404
    if write and not can_inspect(user, inspection):
        raise PermissionDenied
    return inspection


def get_answer_photo_for_user(user, pk: int) -> Answer:
    answer = (
        Answer.objects.filter(pk=pk, inspection__in=inspections_visible_to(user))
        .exclude(photo="")
        .only("pk", "photo", "photo_type", "inspection_id")
        .first()
    )
    if answer is None:
        raise Http404
    return answer


def can_dispute(user, answer: Answer) -> bool:
    """A resident of the room comments on or disputes a done inspection's item, once."""
    if not lives_in(user, answer.inspection.room_id):
        return False
    if answer.inspection.status != InspectionStatus.DONE:
        return False
    return not Dispute.objects.filter(answer=answer, resident=user).exists()


def can_settle(user, dispute: Dispute) -> bool:
    return can_manage(user) and dispute.status == DisputeStatus.OPEN


# --- key dorms --------------------------------------------------------------------------------


def key_dorms_visible_to(user) -> QuerySet[KeyDorm]:
    """Staff: all; members: those of rooms they look after and those they are responsible
    for or review. Never other students."""
    if is_staff(user):
        return KeyDorm.objects.all()
    if not in_workstation(user):
        return KeyDorm.objects.none()
    return KeyDorm.objects.filter(
        Q(room__in=_looked_after_ids(user)) | Q(responsible=user) | Q(reviewer=user)
    )


def get_key_dorm_for_user(user, pk: int) -> KeyDorm:
    key_dorm = (
        key_dorms_visible_to(user)
        .select_related("room__floor__building", "responsible", "reviewer", "rule")
        .filter(pk=pk)
        .first()
    )
    if key_dorm is None:
        raise Http404
    return key_dorm


def can_see_key_dorms(user) -> bool:
    return is_staff(user) or in_workstation(user)


def is_responsible(user, key_dorm: KeyDorm) -> bool:
    return bool(user.is_authenticated and key_dorm.responsible_id == user.pk)


def is_plan_reviewer(user, key_dorm: KeyDorm) -> bool:
    return bool(user.is_authenticated and key_dorm.reviewer_id == user.pk)


def can_open_key_dorm(user, room: Room) -> bool:
    """Staff make a room a key dorm by hand."""
    return can_manage(user)


def can_agree_plan(user, key_dorm: KeyDorm) -> bool:
    """Staff write the plan: goals, responsible member, reviewer, review date."""
    return can_manage(user)


def can_start(user, key_dorm: KeyDorm) -> bool:
    return can_manage(user) or is_responsible(user, key_dorm)


def can_log_action(user, key_dorm: KeyDorm) -> bool:
    return can_manage(user) or is_responsible(user, key_dorm)


def can_request_review(user, key_dorm: KeyDorm) -> bool:
    return can_manage(user) or is_responsible(user, key_dorm)


def can_continue(user, key_dorm: KeyDorm) -> bool:
    """Goals not met at the review: staff or the plan's reviewer send it back to work."""
    return can_manage(user) or is_plan_reviewer(user, key_dorm)


def can_close(user, key_dorm: KeyDorm) -> bool:
    """Staff close at any time; the plan's reviewer closes at the review, the goals met."""
    if can_manage(user):
        return True
    return is_plan_reviewer(user, key_dorm) and key_dorm.status == KeyStatus.REVIEW


def can_reopen(user, key_dorm: KeyDorm) -> bool:
    return can_manage(user)


def can_confirm_action(user, action: AssistanceAction) -> bool:
    """The plan's reviewer confirms the actions logged (not his own)."""
    if action.confirmed_at is not None:
        return False
    if action.member_id == user.pk:
        return False
    return is_plan_reviewer(user, action.key_dorm)
