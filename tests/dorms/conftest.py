"""The dorms' cast: a building with a room the member looks after and the student lives in, a
checklist of three items (hygiene 0-5 weight 2, safety pass/fail weight 3, conduct 0-5 weight
1), and a round under way with that room given to the member."""

import pytest

from dorms.models import Checklist, Inspection, ItemGroup, Scale
from dorms.services.inspections import assign_round_rooms

from ..factories import UserFactory
from .factories import (
    BedFactory,
    BuildingFactory,
    ChecklistFactory,
    ChecklistItemFactory,
    ContactFactory,
    FloorFactory,
    ResidencyFactory,
    RoomFactory,
    RoundFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def building(db):
    return BuildingFactory(name="1号楼", gender="mixed")


@pytest.fixture
def floor(building):
    return FloorFactory(building=building, number=3)


@pytest.fixture
def room(floor, member, student):
    room = RoomFactory(floor=floor, number="301", capacity=4)
    bed = BedFactory(room=room, label="1")
    ResidencyFactory(person=student, room=room, bed=bed)
    ContactFactory(member=member, room=room)
    return room


@pytest.fixture
def checklist(db) -> Checklist:
    checklist = ChecklistFactory(name="常规检查")
    ChecklistItemFactory(
        checklist=checklist, group=ItemGroup.HYGIENE, text="地面整洁", weight=2, position=1
    )
    ChecklistItemFactory(
        checklist=checklist,
        group=ItemGroup.SAFETY,
        text="无违规电器",
        weight=3,
        scale=Scale.PASS_FAIL,
        position=2,
    )
    ChecklistItemFactory(
        checklist=checklist, group=ItemGroup.CONDUCT, text="作息文明", weight=1, position=3
    )
    return checklist


@pytest.fixture
def round_(checklist, room, building):
    round_ = RoundFactory(name="十一月检查", checklist=checklist)
    round_.buildings.set([building])
    assign_round_rooms(round_)
    return round_


@pytest.fixture
def inspection(round_, room) -> Inspection:
    return Inspection.objects.get(round=round_, room=room)


@pytest.fixture
def other_member(db):
    return UserFactory(name="孙党员", political_status="probationary")
