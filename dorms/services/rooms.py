"""Who lives where, and who looks after which rooms.

`residency_refusal` is the one rule of a bed assignment (the room's capacity, the bed free,
the building's gender), asked by `move_in`, the admin and the import alike.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.access import in_workstation

from .. import access
from ..models import Bed, Contact, Floor, Residency, Room


def residency_refusal(person, room: Room, bed: Bed | None, *, others_in_room: int) -> str | None:
    """Why `person` may not move into `room` (and `bed`), or None. `others_in_room` is how many
    other people live there now (the import counts the file's own rows too)."""
    if bed is not None and bed.room_id != room.pk:
        return _("Bed %(bed)s is not in room %(room)s.") % {"bed": bed.label, "room": room}
    if others_in_room >= room.capacity:
        return _("Room %(room)s is full (%(capacity)d beds).") % {
            "room": room,
            "capacity": room.capacity,
        }
    if not room.floor.building.admits(person.gender):
        return _("%(name)s may not live in %(building)s (%(gender)s).") % {
            "name": person.display_name,
            "building": room.floor.building.name,
            "gender": room.floor.building.get_gender_display(),
        }
    return None


@transaction.atomic
def move_in(*, actor, person, room: Room, bed: Bed | None, start: datetime.date) -> Residency:
    """Move `person` into `room` from `start`: his current residency ends the day before (kept
    as history); refused when the room is full, the bed taken or the building not his."""
    if not access.can_manage(actor):
        raise PermissionDenied
    room = Room.objects.select_for_update().select_related("floor__building").get(pk=room.pk)
    current = Residency.objects.filter(person=person, until__isnull=True).first()
    if (
        current is not None
        and current.room_id == room.pk
        and current.bed_id == (bed.pk if bed else None)
    ):
        return current
    others = Residency.objects.current(start).filter(room=room).exclude(person=person).count()
    refusal = residency_refusal(person, room, bed, others_in_room=others)
    if refusal is None and bed is not None:
        taken = Residency.objects.filter(bed=bed, until__isnull=True).exclude(person=person)
        if taken.exists():
            refusal = _("Bed %(bed)s of room %(room)s is taken.") % {"bed": bed.label, "room": room}
    if refusal is not None:
        raise ValidationError(refusal, code="residency")
    if current is not None:
        current.until = max(current.start, start - datetime.timedelta(days=1))
        current.save(update_fields=["until"])
    return Residency.objects.create(person=person, room=room, bed=bed, start=start)


@transaction.atomic
def add_contact(*, actor, member, room: Room | None = None, floor: Floor | None = None) -> Contact:
    """Let `member` (a workstation member) look after `room` or the whole `floor`."""
    if not access.can_manage(actor):
        raise PermissionDenied
    if not in_workstation(member):
        raise ValidationError(
            _("%(name)s is not a workstation member (activist onward).")
            % {"name": member.display_name},
            code="not_a_member",
        )
    contact, _created = Contact.objects.get_or_create(member=member, room=room, floor=floor)
    return contact
