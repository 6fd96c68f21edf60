"""Factories of the dorms: only the required fields."""

import factory

from dorms.models import (
    Bed,
    Building,
    Checklist,
    ChecklistItem,
    Contact,
    Floor,
    Inspection,
    KeyDormRule,
    Residency,
    Room,
    Round,
)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    name = factory.Sequence(lambda n: f"{n + 1}号楼")


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Floor

    building = factory.SubFactory(BuildingFactory)
    number = factory.Sequence(lambda n: n % 20 + 1)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    floor = factory.SubFactory(FloorFactory)
    number = factory.Sequence(lambda n: f"{n + 101}")
    capacity = 4


class BedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bed

    room = factory.SubFactory(RoomFactory)
    label = factory.Sequence(lambda n: str(n % 4 + 1))


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency

    room = factory.SubFactory(RoomFactory)
    start = factory.Faker("date_between", start_date="-300d", end_date="-30d")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact


class ChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checklist

    name = factory.Sequence(lambda n: f"宿舍检查表{n}")


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    checklist = factory.SubFactory(ChecklistFactory)
    group = "hygiene"
    text = factory.Sequence(lambda n: f"检查项{n}")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    name = factory.Sequence(lambda n: f"第{n + 1}轮")
    checklist = factory.SubFactory(ChecklistFactory)
    starts = factory.Faker("date_between", start_date="-3d", end_date="-1d")
    ends = factory.Faker("date_between", start_date="+3d", end_date="+6d")


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    round = factory.SubFactory(RoundFactory)
    room = factory.SubFactory(RoomFactory)


class KeyDormRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyDormRule

    kind = "safety"
