"""Who may evaluate whom: each relation of the practice apps is a source of evaluators.

Each function takes the evaluated people's ids and the campaign's period and returns the pairs
(evaluator id, evaluated id) it finds, in one query, for any number of people:

- tutees: the students of tutoring pairings the member was the tutor of, active at some time in
  the period;
- residents: the people who lived, at some time in the period, in a room the member looks after
  (the room itself or its floor);
- authors: the named authors of suggestions the member answered in the period. An anonymous
  suggestion never makes its author an evaluator: the eligibility itself would name him;
- group and branch: the other active Party members of the member's workstation group or branch
  (for the group, anyone of the workstation);
- self: the member himself.

Nobody evaluates himself but through the self-evaluation, and only active accounts evaluate.
"""

import datetime
from collections.abc import Callable, Collection, Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from dorms.models import Contact, Residency
from feedback.models import Suggestion
from tutoring.models import Pairing

from .models import Relation

Pairs = set[tuple[int, int]]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def tutees(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    after_end = _day_start(end + datetime.timedelta(days=1))
    rows = Pairing.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=_day_start(start)),
        tutor_id__in=person_ids,
        accepted_at__isnull=False,
        accepted_at__lt=after_end,
    ).values_list("tutee_id", "tutor_id")
    return set(rows)


def residents(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    contacts = list(
        Contact.objects.filter(member_id__in=person_ids).values_list(
            "member_id", "room_id", "floor_id"
        )
    )
    if not contacts:
        return set()
    room_ids = {room for _, room, _ in contacts if room}
    floor_ids = {floor for _, _, floor in contacts if floor}
    living = Residency.objects.filter(
        Q(room_id__in=room_ids) | Q(room__floor_id__in=floor_ids),
        Q(until__isnull=True) | Q(until__gte=start),
        start__lte=end,
    ).values_list("person_id", "room_id", "room__floor_id")
    by_room: dict[int, set[int]] = {}
    by_floor: dict[int, set[int]] = {}
    for member, room, floor in contacts:
        if room:
            by_room.setdefault(room, set()).add(member)
        else:
            by_floor.setdefault(floor, set()).add(member)
    pairs: Pairs = set()
    for resident, room, floor in living:
        for member in by_room.get(room, set()) | by_floor.get(floor, set()):
            pairs.add((resident, member))
    return pairs


def authors(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    rows = Suggestion.objects.filter(
        answered_by_id__in=person_ids,
        answered_at__gte=_day_start(start),
        answered_at__lt=_day_start(end + datetime.timedelta(days=1)),
        is_anonymous=False,
        author__isnull=False,
    ).values_list("author_id", "answered_by_id")
    return set(rows)


def _fellows(field: str, person_ids: Collection[int], party_only: bool) -> Pairs:
    User = get_user_model()
    evaluated = dict(
        User.objects.filter(pk__in=person_ids, **{f"{field}__isnull": False}).values_list(
            "pk", field
        )
    )
    if not evaluated:
        return set()
    fellows = User.objects.filter(is_active=True, **{f"{field}__in": set(evaluated.values())})
    fellows = fellows.party_members() if party_only else fellows
    by_unit: dict[int, list[int]] = {}
    for pk, unit in fellows.values_list("pk", field):
        by_unit.setdefault(unit, []).append(pk)
    return {
        (fellow, person) for person, unit in evaluated.items() for fellow in by_unit.get(unit, [])
    }


def group(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    return _fellows("group_id", person_ids, party_only=False)


def branch(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    return _fellows("branch_id", person_ids, party_only=True)


def yourself(person_ids: Collection[int], start: datetime.date, end: datetime.date) -> Pairs:
    return {(pk, pk) for pk in person_ids}


SOURCES: dict[str, Callable[[Collection[int], datetime.date, datetime.date], Pairs]] = {
    Relation.SELF: yourself,
    Relation.TUTEE: tutees,
    Relation.RESIDENT: residents,
    Relation.AUTHOR: authors,
    Relation.GROUP: group,
    Relation.BRANCH: branch,
}


def eligible_pairs(
    relations: Iterable[str], person_ids: Collection[int], start: datetime.date, end: datetime.date
) -> dict[str, Pairs]:
    """For each relation, the (evaluator, evaluated) pairs it gives; only active evaluators, and
    nobody evaluates himself but in the self-evaluation."""
    found = {relation: SOURCES[relation](person_ids, start, end) for relation in relations}
    everyone = {evaluator for pairs in found.values() for evaluator, _ in pairs}
    active = set(
        get_user_model()
        .objects.filter(pk__in=everyone, is_active=True)
        .values_list("pk", flat=True)
    )
    return {
        relation: {
            (evaluator, evaluated)
            for evaluator, evaluated in pairs
            if evaluator in active and (evaluator != evaluated) == (relation != Relation.SELF)
        }
        for relation, pairs in found.items()
    }
