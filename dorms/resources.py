"""The housing office's list of residents (楼栋, 楼层, 房间号, 床位, 学号, 姓名, 入住日期), imported
in the admin: buildings, floors, rooms and beds it names are created, and each student is moved
into his room and bed (his earlier residency kept as history).

An import is all or nothing (see `common.spreadsheet_resources`): every bad row is reported
with the row number the spreadsheet shows — an unknown student number, a room over capacity, a
bed given twice or already taken, a student in a building not of his gender — and nothing is
saved until the whole file is valid. A student already in that room and bed is left as he is,
so a file imported again changes nothing.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import fields

from common.spreadsheet_resources import SpreadsheetResource, TextWidget
from common.spreadsheets import ROW_COLUMN, cell_text, read_table, spreadsheet_formats
from members.access import in_workstation
from members.models import User

from .models import Bed, Building, Contact, Floor, Residency, Room
from .services.rooms import residency_refusal

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼号", "宿舍楼", "building", "dorm building"),
    "floor": ("楼层", "层", "floor", "storey"),
    "room": ("房间号", "房间", "宿舍号", "寝室号", "room", "room number", "room no"),
    "bed": ("床位", "床位号", "床号", "bed", "bed number"),
    "student_number": ("学号", "student number", "student no", "student id"),
    "name": ("姓名", "name", "student name"),
    "start": ("入住日期", "入住时间", "move-in date", "moved in", "start date"),
    "capacity": ("容量", "床位数", "capacity", "beds"),
}
DEFAULT_CAPACITY = 4
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def residents_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    return read_table(
        rows,
        columns={name: ResidencyResource.fields[name].column_name for name in HEADER_ALIASES},
        aliases=HEADER_ALIASES,
        key="student_number",
        max_rows=settings.ROSTER_MAX_ROWS,
        no_header=_(
            "No header row found: the first row must name the columns, e.g. "
            "楼栋, 楼层, 房间号, 床位, 学号, 姓名, 入住日期 or Building, Floor, Room, Bed, "
            "Student number, Name, Moved in."
        ),
    )


RESIDENTS_FORMATS = spreadsheet_formats("Residents", residents_dataset)


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # A workbook's date cell reads as "2026-09-01T00:00:00".
    text = cell_text(value).replace("T", " ").split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("“%(value)s” is not a date such as 2026-09-01.") % {"value": text})


def _column(label, attribute: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=label, widget=TextWidget())


class ResidencyResource(SpreadsheetResource):
    """One row per student: where he lives from when. Headers carry a context so that another
    package's catalogue never supplies them."""

    building = _column(pgettext_lazy("residents column", "Building"), "room__floor__building__name")
    floor = _column(pgettext_lazy("residents column", "Floor"), "room__floor__number")
    room = _column(pgettext_lazy("residents column", "Room"), "room__number")
    bed = _column(pgettext_lazy("residents column", "Bed"), "bed__label")
    student_number = _column(
        pgettext_lazy("residents column", "Student number"), "person__student_number"
    )
    name = _column(pgettext_lazy("residents column", "Name"), "person__name")
    start = _column(pgettext_lazy("residents column", "Moved in"), "start")
    capacity = _column(pgettext_lazy("residents column", "Capacity"), "room__capacity")

    class Meta:
        model = Residency
        name = gettext_lazy("Residents")
        fields = [
            "building",
            "floor",
            "room",
            "bed",
            "student_number",
            "name",
            "start",
            "capacity",
        ]
        import_id_fields: list[str] = []
        report_skipped = True

    # Foreign keys checked against what the import loaded or created itself.
    NOT_MODEL_CLEANED = ("person", "room", "bed")

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        return residents_dataset(rows)

    def _cell(self, row, name: str) -> str:
        return cell_text(row.get(str(self.fields[name].column_name)))

    def before_import(self, dataset, **kwargs) -> None:
        """Load once what the rows are checked against: the students, where they live now, and
        who lives in the rooms of the buildings the file names."""
        numbers = [n for n in dataset[str(self.fields["student_number"].column_name)] if n]
        self.people = {p.student_number: p for p in User.objects.filter(student_number__in=numbers)}
        self.current = {
            r.person_id: r
            for r in Residency.objects.filter(person__in=self.people.values(), until__isnull=True)
        }
        self.in_file = {person.pk for person in self.people.values()}
        # Who else lives in each room and bed now (people the file does not move).
        names = set(dataset[str(self.fields["building"].column_name)])
        staying = (
            Residency.objects.current()
            .filter(room__floor__building__name__in=names)
            .exclude(person__in=self.in_file)
        )
        self.staying_per_room = Counter(staying.values_list("room_id", flat=True))
        self.taken_beds = dict(
            staying.filter(bed__isnull=False).values_list("bed_id", "person__student_number")
        )
        self.per_room: Counter = Counter()
        self.rows_by_number: dict[str, int] = {}
        self.rows_by_bed: dict[tuple, int] = {}

    def get_instance(self, instance_loader, row):
        return None  # every row moves a student in; an unchanged one is skipped

    def import_instance(self, instance: Residency, row, **kwargs) -> None:
        errors: dict[str, ValidationError] = {}
        line = row.get(ROW_COLUMN)
        number = self._cell(row, "student_number")
        person = self.people.get(number)
        if not number:
            errors["student_number"] = ValidationError(_("Enter the student number."))
        elif person is None:
            errors["student_number"] = ValidationError(
                _("There is nobody with the student number %(number)s.") % {"number": number}
            )
        elif (first := self.rows_by_number.setdefault(number, line)) != line:
            errors["student_number"] = ValidationError(
                _("This student number is also in row %(row)s.") % {"row": first}
            )
        try:
            instance.start = parse_date(row.get(str(self.fields["start"].column_name)))
        except ValidationError as error:
            errors["start"] = error
        room = self._room(row, errors)
        if room is not None and person is not None and "student_number" not in errors:
            bed = self._bed(room, row, line, errors)
            self.per_room[room.pk] += 1
            others = self.staying_per_room[room.pk] + self.per_room[room.pk] - 1
            refusal = residency_refusal(person, room, bed, others_in_room=others)
            if refusal:
                errors["room"] = ValidationError(refusal)
            instance.person, instance.room, instance.bed = person, room, bed
        if errors:
            raise ValidationError(errors)

    def _room(self, row, errors: dict) -> Room | None:
        """The room the row names, with its building and floor, made if new."""
        name, room_number = self._cell(row, "building"), self._cell(row, "room")
        try:
            floor_number = int(float(self._cell(row, "floor")))
        except ValueError:
            errors["floor"] = ValidationError(_("Give the floor as a number."))
            return None
        if not name or len(name) > 32:
            errors["building"] = ValidationError(_("Give the building (at most 32 characters)."))
        if not room_number or len(room_number) > 16:
            errors["room"] = ValidationError(_("Give the room number (at most 16 characters)."))
        capacity_text = self._cell(row, "capacity")
        capacity = None
        if capacity_text:
            try:
                capacity = int(float(capacity_text))
            except ValueError:
                capacity = 0
            if not 1 <= capacity <= 20:
                errors["capacity"] = ValidationError(_("A room has 1 to 20 beds."))
        if errors:
            return None
        building, _created = Building.objects.get_or_create(name=name)
        floor, _created = Floor.objects.get_or_create(building=building, number=floor_number)
        room, _created = Room.objects.select_related("floor__building").get_or_create(
            floor=floor,
            number=room_number,
            defaults={"capacity": capacity or DEFAULT_CAPACITY},
        )
        if capacity and room.capacity != capacity:
            room.capacity = capacity
            room.save(update_fields=["capacity"])
        return room

    def _bed(self, room: Room, row, line, errors: dict) -> Bed | None:
        label = self._cell(row, "bed")
        if not label:
            return None
        if len(label) > 8:
            errors["bed"] = ValidationError(_("A bed is named in at most 8 characters."))
            return None
        bed, _created = Bed.objects.get_or_create(room=room, label=label)
        first = self.rows_by_bed.setdefault((room.pk, label), line)
        if first != line:
            errors["bed"] = ValidationError(
                _("Bed %(bed)s of room %(room)s is also given in row %(row)s.")
                % {"bed": label, "room": room, "row": first}
            )
        elif bed.pk in self.taken_beds:
            errors["bed"] = ValidationError(
                _("Bed %(bed)s of room %(room)s is taken by %(number)s.")
                % {"bed": label, "room": room, "number": self.taken_beds[bed.pk]}
            )
        return bed

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """A student already in this room and bed stays as he is."""
        if import_validation_errors:
            return False
        current = self.current.get(instance.person_id)
        return (
            current is not None
            and current.room_id == instance.room_id
            and current.bed_id == instance.bed_id
        )

    def save_instance(self, instance: Residency, is_create, row, **kwargs) -> None:
        """Move the student: his current residency ends the day before, kept as history."""
        current = self.current.get(instance.person_id)
        if current is not None:
            current.until = max(current.start, instance.start - datetime.timedelta(days=1))
            current.save(update_fields=["until"])
        super().save_instance(instance, is_create, row, **kwargs)


# --- members looking after rooms and floors ----------------------------------------------------

CONTACT_ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": ("学号", "党员学号", "student number", "member's student number"),
    "name": ("姓名", "党员姓名", "name"),
    "building": HEADER_ALIASES["building"],
    "floor": HEADER_ALIASES["floor"],
    "room": HEADER_ALIASES["room"],
}


def contacts_dataset(rows: Iterable[Sequence[object]]) -> tablib.Dataset:
    return read_table(
        rows,
        columns={name: ContactResource.fields[name].column_name for name in CONTACT_ALIASES},
        aliases=CONTACT_ALIASES,
        key="student_number",
        max_rows=settings.ROSTER_MAX_ROWS,
        no_header=_(
            "No header row found: the first row must name the columns, e.g. 学号, 姓名, 楼栋, "
            "楼层, 房间号 or Student number, Name, Building, Floor, Room."
        ),
    )


CONTACTS_FORMATS = spreadsheet_formats("Contacts", contacts_dataset)


class ContactResource(SpreadsheetResource):
    """One row per member and room (or whole floor, the room left blank) he looks after; the
    rooms must exist (import the residents first). A row already there is left as it is."""

    student_number = _column(
        pgettext_lazy("residents column", "Student number"), "member__student_number"
    )
    name = _column(pgettext_lazy("residents column", "Name"), "member__name")
    building = _column(pgettext_lazy("residents column", "Building"), "building_name")
    floor = _column(pgettext_lazy("residents column", "Floor"), "floor_number")
    room = _column(pgettext_lazy("residents column", "Room"), "room__number")

    class Meta:
        model = Contact
        name = gettext_lazy("Members looking after rooms")
        fields = ["student_number", "name", "building", "floor", "room"]
        import_id_fields: list[str] = []
        report_skipped = True

    NOT_MODEL_CLEANED = ("member", "room", "floor")

    def read_rows(self, rows: Iterable[Sequence[object]]) -> tablib.Dataset:
        return contacts_dataset(rows)

    def _cell(self, row, name: str) -> str:
        return cell_text(row.get(str(self.fields[name].column_name)))

    def before_import(self, dataset, **kwargs) -> None:
        numbers = [n for n in dataset[str(self.fields["student_number"].column_name)] if n]
        self.people = {p.student_number: p for p in User.objects.filter(student_number__in=numbers)}
        self.floors = {
            (f.building.name, f.number): f for f in Floor.objects.select_related("building")
        }
        self.existing = set(Contact.objects.values_list("member_id", "room_id", "floor_id"))

    def get_instance(self, instance_loader, row):
        return None

    def import_instance(self, instance: Contact, row, **kwargs) -> None:
        errors: dict[str, ValidationError] = {}
        number = self._cell(row, "student_number")
        member = self.people.get(number)
        if member is None:
            errors["student_number"] = ValidationError(
                _("There is nobody with the student number %(number)s.") % {"number": number}
            )
        elif not in_workstation(member):
            errors["student_number"] = ValidationError(
                _("%(name)s is not a workstation member (activist onward).")
                % {"name": member.display_name}
            )
        building = self._cell(row, "building")
        try:
            floor = self.floors.get((building, int(float(self._cell(row, "floor")))))
        except ValueError:
            floor = None
        if floor is None:
            errors["floor"] = ValidationError(
                _("There is no floor %(floor)s in %(building)s.")
                % {"floor": self._cell(row, "floor"), "building": building}
            )
        room_number = self._cell(row, "room")
        room = None
        if floor is not None and room_number:
            room = Room.objects.filter(floor=floor, number=room_number).first()
            if room is None:
                errors["room"] = ValidationError(
                    _("There is no room %(room)s on that floor.") % {"room": room_number}
                )
        if errors:
            raise ValidationError(errors)
        instance.member = member
        instance.room = room
        instance.floor = None if room else floor
        instance.building_name, instance.floor_number = building, floor.number

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        if import_validation_errors:
            return False
        return (instance.member_id, instance.room_id, instance.floor_id) in self.existing
