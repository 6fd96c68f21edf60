# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Demo dorms for `manage.py seed_demo`: three buildings (men's, women's, mixed) with their
rooms, beds and residents (the demo people, and the demo student in 3号楼 301), members looking
after every floor (the demo member after 3号楼's third floor), a checklist, the key-dorm rules,
two finished rounds and one under way, and key dorms with their plans and actions.

Deterministic for a seed; made through the services (so every rule holds), once: run again it
changes nothing. The inspections of past rounds keep their rounds' dates.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.demo import DEMO_EMAIL_DOMAIN
from members.models import Gender, User

from . import services, workflow
from .models import (
    Bed,
    Building,
    BuildingGender,
    Checklist,
    ChecklistItem,
    Contact,
    Floor,
    Inspection,
    InspectionStatus,
    ItemGroup,
    KeyDorm,
    KeyDormRule,
    KeyStatus,
    Residency,
    Room,
    Scale,
)

BUILDINGS = [("1号楼", BuildingGender.MALE), ("2号楼", BuildingGender.FEMALE), ("3号楼", "mixed")]
FLOORS = (1, 2, 3)
ROOMS_PER_FLOOR = 4
# (group, text, weight, scale)
ITEMS = [
    (ItemGroup.HYGIENE, "地面整洁", 2, Scale.SCORE),
    (ItemGroup.HYGIENE, "物品摆放整齐", 1, Scale.SCORE),
    (ItemGroup.SAFETY, "无违规电器", 3, Scale.PASS_FAIL),
    (ItemGroup.SAFETY, "无吸烟", 2, Scale.PASS_FAIL),
    (ItemGroup.SAFETY, "消防通道畅通", 2, Scale.PASS_FAIL),
    (ItemGroup.SAFETY, "线路安全", 2, Scale.PASS_FAIL),
    (ItemGroup.CONDUCT, "作息文明", 1, Scale.SCORE),
    (ItemGroup.CONDUCT, "宿舍关系和谐", 1, Scale.SCORE),
]


@dataclass
class SeedReport:
    rooms: int
    inspections: int
    key_dorms: int
    created: bool


def seed_dorms(
    *, accounts: dict[str, User], scale: int = 1, seed: int = 2016, today: datetime.date
) -> SeedReport:
    if Building.objects.exists():
        return SeedReport(
            rooms=Room.objects.count(),
            inspections=Inspection.objects.filter(status=InspectionStatus.DONE).count(),
            key_dorms=KeyDorm.objects.count(),
            created=False,
        )
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    with transaction.atomic():
        staff = accounts["staff"]
        rooms = _rooms(scale)
        _residents(rooms, accounts, today)
        _contacts(accounts)
        checklist = _checklist()
        KeyDormRule.objects.create(kind="safety")
        KeyDormRule.objects.create(kind="low_twice", threshold=Decimal("70"))
        buildings = list(Building.objects.all())
        for number, (starts, ends) in enumerate([(-62, -55), (-32, -25), (-2, 5)], start=1):
            round_ = services.schedule_round(
                actor=staff,
                name=f"第{number}轮宿舍检查",
                checklist=checklist,
                starts=today + datetime.timedelta(days=starts),
                ends=today + datetime.timedelta(days=ends),
                buildings=buildings,
            )
            finished = ends < 0
            for inspection in round_.inspections.select_related("inspector", "room"):
                if not finished and (
                    rng.random() < 0.5 or inspection.inspector == accounts["member"]
                ):
                    continue
                _inspect(inspection, rng, accounts, day=round_.starts)
        _plans(accounts, staff, today)
    return SeedReport(
        rooms=Room.objects.count(),
        inspections=Inspection.objects.filter(status=InspectionStatus.DONE).count(),
        key_dorms=KeyDorm.objects.count(),
        created=True,
    )


def _rooms(scale: int) -> list[Room]:
    rooms = []
    for name, gender in BUILDINGS:
        building = Building.objects.create(name=name, gender=gender)
        for floor_number in FLOORS:
            floor = Floor.objects.create(building=building, number=floor_number)
            for index in range(1, ROOMS_PER_FLOOR * scale + 1):
                room = Room.objects.create(
                    floor=floor, number=f"{floor_number}{index:02d}", capacity=4
                )
                Bed.objects.bulk_create(Bed(room=room, label=str(n)) for n in range(1, 5))
                rooms.append(room)
    return rooms


def _residents(rooms: list[Room], accounts: dict[str, User], today: datetime.date) -> None:
    """The demo people fill the rooms of their gender's building; the demo student lives in
    3号楼 301."""
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    student = accounts["student"]
    home = next(r for r in rooms if r.floor.building.name == "3号楼" and r.number == "301")
    Residency.objects.create(person=student, room=home, bed=home.beds.get(label="1"), start=start)
    free = {room.pk: list(room.beds.order_by("label")) for room in rooms}
    free[home.pk].pop(0)
    people = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").order_by("pk")
    by_building = {
        Gender.MALE: [r for r in rooms if r.floor.building.gender == BuildingGender.MALE],
        Gender.FEMALE: [r for r in rooms if r.floor.building.gender == BuildingGender.FEMALE],
    }
    mixed = [r for r in rooms if r.floor.building.gender == "mixed" and r.pk != home.pk]
    rows = []
    for person in people:
        for room in by_building.get(person.gender, []) + mixed:
            if free[room.pk]:
                rows.append(
                    Residency(person=person, room=room, bed=free[room.pk].pop(0), start=start)
                )
                break
    Residency.objects.bulk_create(rows)


def _contacts(accounts: dict[str, User]) -> None:
    """Every floor is looked after by a workstation member; the demo member has 3号楼 3F."""
    members = list(
        User.objects.in_workstation()
        .filter(is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .order_by("pk")
    )
    floors = list(Floor.objects.select_related("building").order_by("building__name", "number"))
    for index, floor in enumerate(floors):
        if floor.building.name == "3号楼" and floor.number == 3:
            member = accounts["member"]
        elif members:
            member = members[index % len(members)]
        else:
            member = accounts["member"]
        Contact.objects.create(member=member, floor=floor)


def _checklist() -> Checklist:
    checklist = Checklist.objects.create(name="宿舍常规检查")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist, group=group, text=text, weight=weight, scale=scale, position=n
        )
        for n, (group, text, weight, scale) in enumerate(ITEMS)
    )
    return checklist


def _inspect(inspection: Inspection, rng: random.Random, accounts, *, day) -> None:
    """Fill an inspection in as its inspector would; a few rooms do badly."""
    inspector = inspection.inspector
    if inspector is None:
        return
    inspection = services.start_inspection(actor=inspector, inspection=inspection)
    poor = (
        rng.random() < 0.15
        and inspection.room.residencies.exclude(person=accounts["student"]).exists()
    )
    marks = []
    for answer in inspection.answers.all():
        if answer.scale == Scale.PASS_FAIL:
            value = 0 if poor and rng.random() < 0.3 else 1
        else:
            value = rng.choice([1, 2]) if poor else rng.choice([3, 4, 5, 5])
        marks.append(services.Mark(answer_id=answer.pk, value=value))
    services.save_answers(actor=inspector, inspection=inspection, marks=marks)
    services.submit_inspection(actor=inspector, inspection=inspection)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20)))
    Inspection.objects.filter(pk=inspection.pk).update(done_at=moment, done_on=day)


def _plans(accounts: dict[str, User], staff: User, today: datetime.date) -> None:
    """The demo member is responsible for a key dorm on his floor (made by staff) with an
    action the demo reviewer confirmed; the key dorms the rules made get plans too."""
    room = Room.objects.get(floor__building__name="3号楼", floor__number=3, number="302")
    if not KeyDorm.objects.filter(room=room).exists():
        services.open_key_dorm(actor=staff, room=room, reason="晚归较多，作息不规律，需要关心。")
    member, reviewer = accounts["member"], accounts["reviewer"]
    first = KeyDorm.objects.exclude(status=KeyStatus.CLOSED).get(room=room)
    others = KeyDorm.objects.exclude(room=room).order_by("pk")[:3]
    for index, key_dorm in enumerate([first, *others]):
        responsible = member if key_dorm.room_id == room.pk else _looker(key_dorm) or member
        services.agree_plan(
            actor=staff,
            key_dorm=key_dorm,
            goals="消除安全隐患，养成良好作息；每两周走访一次。",
            responsible=responsible,
            reviewer=reviewer if responsible != reviewer else staff,
            review_date=today + datetime.timedelta(days=14 + index),
        )
        key_dorm.refresh_from_db()
        services.take_step(actor=staff, key_dorm=key_dorm, action=workflow.START)
        action = services.log_action(
            actor=responsible,
            key_dorm=key_dorm,
            date=today - datetime.timedelta(days=3),
            kind="talk",
            note="与宿舍同学谈心，了解作息和用电情况。",
        )
        if index % 2 == 0:
            services.confirm_action(actor=key_dorm.reviewer, action=action)
    closed = KeyDorm.objects.filter(status=KeyStatus.IN_PROGRESS).exclude(room=room).last()
    if closed is not None:
        services.take_step(actor=staff, key_dorm=closed, action=workflow.CLOSE, note="目标达成。")


def _looker(key_dorm: KeyDorm) -> User | None:
    contact = Contact.objects.filter(floor=key_dorm.room.floor_id).select_related("member").first()
    return contact.member if contact else None
