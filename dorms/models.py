"""Dorms (宿舍): buildings, floors, rooms and beds; who lives where (residencies, kept when
people move); the members who look after rooms or whole floors (联系宿舍); inspection rounds
with their checklists, inspections, follow-up issues and residents' disputes; key dorms
(重点宿舍) with their assistance plans (帮扶) and logged actions.

A checklist is versioned by copy: each answer of an inspection keeps the item's group, wording,
weight and scale as they were, so editing a checklist never changes a past score.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# An item scored 0-5 fails below this; a pass/fail item fails when it is not passed.
PASS_MARK = 3
FULL_MARK = 5


class BuildingGender(models.TextChoices):
    MALE = "male", _("Men's building")
    FEMALE = "female", _("Women's building")
    MIXED = "mixed", _("Mixed building")


class Building(models.Model):
    name = models.CharField(pgettext_lazy("building", "name"), max_length=32, unique=True)
    gender = models.CharField(
        _("residents"), max_length=8, choices=BuildingGender.choices, default=BuildingGender.MIXED
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def admits(self, gender: str) -> bool:
        """Whether a person of `gender` may live here (unknown genders are not refused)."""
        if self.gender == BuildingGender.MIXED or not gender:
            return True
        return gender == self.gender


class Floor(models.Model):
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="floors"
    )
    number = models.SmallIntegerField(_("floor"))

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "number"],
                name="dorms_floor_unique",
                violation_error_message=_("This building has this floor already."),
            )
        ]

    def __str__(self) -> str:
        return _("%(building)s, floor %(floor)s") % {
            "building": self.building.name,
            "floor": self.number,
        }


class RoomQuerySet(models.QuerySet["Room"]):
    def search(self, text: str) -> "RoomQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(number__icontains=text) | Q(floor__building__name__icontains=text))


class Room(models.Model):
    floor = models.ForeignKey(
        Floor, verbose_name=_("floor"), on_delete=models.CASCADE, related_name="rooms"
    )
    number = models.CharField(_("room number"), max_length=16)
    capacity = models.PositiveSmallIntegerField(pgettext_lazy("room", "capacity"), default=4)

    history = HistoricalRecords()
    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["floor__building__name", "floor__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["floor", "number"],
                name="dorms_room_unique",
                violation_error_message=_("This floor has a room of this number already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.floor.building.name} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("dorms:room", kwargs={"pk": self.pk})


class Bed(models.Model):
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="beds"
    )
    label = models.CharField(_("bed"), max_length=8)

    class Meta:
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        ordering = ["room", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "label"],
                name="dorms_bed_unique",
                violation_error_message=_("This room has a bed of this label already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} - {self.label}"


class ResidencyQuerySet(models.QuerySet["Residency"]):
    def current(self, day=None) -> "ResidencyQuerySet":
        """Those in force on `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=day), start__lte=day)


class Residency(models.Model):
    """A person in a room (and bed) from a date until a date; a move ends one and starts
    another, so the rows are the history."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="residencies",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="residencies"
    )
    bed = models.ForeignKey(
        Bed,
        verbose_name=_("bed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residencies",
    )
    start = models.DateField(_("moved in"))
    until = models.DateField(_("moved out"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["room", "bed__label", "-start"]
        permissions = [("import_residency", _("Can import residents"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(until__isnull=True),
                name="dorms_one_open_residency",
                violation_error_message=_("This person lives in another room already."),
            ),
            models.UniqueConstraint(
                fields=["bed"],
                condition=Q(until__isnull=True),
                name="dorms_one_resident_per_bed",
                violation_error_message=_("Someone sleeps in this bed already."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("start")),
                name="dorms_residency_dates",
                violation_error_message=_("A residency cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.room}"


class Contact(models.Model):
    """A member looking after a room or a whole floor (联系宿舍)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("workstation member", "member"),
        on_delete=models.CASCADE,
        related_name="dorm_contacts",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    floor = models.ForeignKey(
        Floor,
        verbose_name=_("floor"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dorm contact")
        verbose_name_plural = _("dorm contacts")
        ordering = ["member", "pk"]
        permissions = [("import_contact", _("Can import the members looking after rooms"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(room__isnull=True, floor__isnull=False)
                | Q(room__isnull=False, floor__isnull=True),
                name="dorms_contact_room_or_floor",
                violation_error_message=_("Give either a room or a floor."),
            ),
            models.UniqueConstraint(
                fields=["member", "room"],
                name="dorms_contact_unique_room",
                violation_error_message=_("This member looks after this room already."),
            ),
            models.UniqueConstraint(
                fields=["member", "floor"],
                name="dorms_contact_unique_floor",
                violation_error_message=_("This member looks after this floor already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} - {self.room or self.floor}"


# --- checklists --------------------------------------------------------------------------------


class ItemGroup(models.TextChoices):
    HYGIENE = "hygiene", _("Hygiene")
    SAFETY = "safety", _("Safety")
    CONDUCT = "conduct", _("Conduct")


class Scale(models.TextChoices):
    SCORE = "score", _("0 to 5")
    PASS_FAIL = "pass_fail", _("Pass or fail")


class Checklist(models.Model):
    """A checklist template staff edit; its `version` goes up with every change of its items."""

    name = models.CharField(pgettext_lazy("checklist", "name"), max_length=64, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="items"
    )
    group = models.CharField(
        pgettext_lazy("checklist", "group"), max_length=8, choices=ItemGroup.choices
    )
    text = models.CharField(_("item"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.SCORE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="dorms_item_weight_positive",
                violation_error_message=_("A weight is at least 1."),
            )
        ]

    def __str__(self) -> str:
        return self.text


# --- rounds and inspections --------------------------------------------------------------------


class Round(models.Model):
    """An inspection round: its dates, the buildings or floors it covers and its checklist."""

    name = models.CharField(pgettext_lazy("round", "name"), max_length=64)
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="rounds"
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"))
    buildings = models.ManyToManyField(Building, verbose_name=_("buildings"), blank=True)
    floors = models.ManyToManyField(Floor, verbose_name=_("floors"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-starts", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="dorms_round_dates",
                violation_error_message=_("A round cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dorms:round", kwargs={"pk": self.pk})


class InspectionStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    DRAFT = "draft", _("Being filled in")
    DONE = "done", _("Done")


class Inspection(models.Model):
    """One room in one round, given to an inspector; a re-inspection links to its original."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="inspections"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dorm_inspections",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("re-inspection of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reinspections",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=InspectionStatus.choices,
        default=InspectionStatus.TO_DO,
        db_index=True,
    )
    checklist_version = models.PositiveIntegerField(_("checklist version"), default=0)
    score = models.DecimalField(
        pgettext_lazy("inspection", "score"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    has_safety_failure = models.BooleanField(_("safety failure"), default=False)
    note = models.TextField(_("general note"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_on = models.DateField(_("inspected on"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["room__floor__building__name", "room__floor__number", "room__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "room"],
                condition=Q(original__isnull=True),
                name="dorms_one_inspection_per_round",
                violation_error_message=_("This room is in this round already."),
            ),
            models.CheckConstraint(
                condition=Q(status="done", score__isnull=False, done_on__isnull=False)
                | ~Q(status="done"),
                name="dorms_done_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} - {self.room}"

    def get_absolute_url(self) -> str:
        return reverse("dorms:inspection", kwargs={"pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status == InspectionStatus.DONE


def photo_path(instance: "Answer", filename: str) -> str:
    """A random name: never the uploader's file name."""
    extension = {"image/png": "png", "image/webp": "webp"}.get(instance.photo_type, "jpg")
    return f"dorms/photos/{uuid.uuid4().hex}.{extension}"


class Answer(models.Model):
    """One item of an inspection, with the item as it was (group, text, weight, scale)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.CharField(
        pgettext_lazy("checklist", "group"), max_length=8, choices=ItemGroup.choices
    )
    text = models.CharField(_("item"), max_length=120)
    weight = models.PositiveSmallIntegerField(_("weight"))
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_path, blank=True)
    photo_type = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="dorms_answer_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | Q(scale="score", value__lte=FULL_MARK)
                | Q(scale="pass_fail", value__lte=1),
                name="dorms_answer_value_in_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_pass_fail(self) -> bool:
        return self.scale == Scale.PASS_FAIL

    @property
    def failed(self) -> bool:
        if self.value is None:
            return False
        if self.scale == Scale.PASS_FAIL:
            return self.value == 0
        return self.value < PASS_MARK

    @property
    def fraction(self) -> Decimal:
        """The share of the item's weight earned, 0 to 1."""
        top = 1 if self.scale == Scale.PASS_FAIL else FULL_MARK
        return Decimal(self.value or 0) / top

    def value_display(self) -> str:
        if self.value is None:
            return "—"
        if self.scale == Scale.PASS_FAIL:
            return str(_("Pass") if self.value else _("Fail"))
        return f"{self.value}/{FULL_MARK}"


class FollowUp(models.Model):
    """A failed item to put right by a date."""

    answer = models.OneToOneField(
        Answer, verbose_name=_("item"), on_delete=models.CASCADE, related_name="follow_up"
    )
    due = models.DateField(_("due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up issue")
        verbose_name_plural = _("follow-up issues")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return str(self.answer)


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Waiting for staff")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
    NOTED = "noted", _("Noted")


class Dispute(models.Model):
    """A resident's comment on, or dispute of, an item of his room's inspection: once each."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("item"), on_delete=models.CASCADE, related_name="disputes"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="dorm_disputes",
    )
    is_dispute = models.BooleanField(_("disputes the result"), default=False)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.NOTED
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    settlement = models.TextField(_("staff's answer"), blank=True)

    class Meta:
        verbose_name = _("comment or dispute")
        verbose_name_plural = _("comments and disputes")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "resident"],
                name="dorms_one_dispute_per_item",
                violation_error_message=_("You have commented on this item already."),
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


# --- key dorms ---------------------------------------------------------------------------------


class RuleKind(models.TextChoices):
    LOW_SCORE_TWICE = "low_twice", _("Score below the threshold in two consecutive rounds")
    SAFETY_FAILURE = "safety", _("Any safety item failed")


class KeyDormRule(models.Model):
    """A rule staff set that makes a room a key dorm after an inspection."""

    kind = models.CharField(_("rule"), max_length=10, choices=RuleKind.choices)
    threshold = models.DecimalField(
        _("threshold score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("For the score rule: a score below this counts as low."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key-dorm rule")
        verbose_name_plural = _("key-dorm rules")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="low_twice") | Q(threshold__isnull=False),
                name="dorms_rule_threshold",
                violation_error_message=_("The score rule needs a threshold."),
            )
        ]

    def __str__(self) -> str:
        if self.kind == RuleKind.LOW_SCORE_TWICE:
            return _("Below %(threshold)s in two consecutive rounds") % {
                "threshold": self.threshold
            }
        return str(self.get_kind_display())


class KeyStatus(models.TextChoices):
    OPENED = "opened", pgettext_lazy("key dorm", "Opened")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    IN_PROGRESS = "in_progress", pgettext_lazy("key dorm", "In progress")
    REVIEW = "review", _("Under review")
    CLOSED = "closed", pgettext_lazy("key dorm", "Closed")
    REOPENED = "reopened", pgettext_lazy("key dorm", "Reopened")


class KeyDorm(models.Model):
    """A key dorm (重点宿舍) and its assistance plan: goals, the member responsible, the plan's
    reviewer who confirms the actions, and the review date."""

    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="key_dorms"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=KeyStatus.choices,
        default=KeyStatus.OPENED,
        db_index=True,
    )
    rule = models.ForeignKey(
        KeyDormRule,
        verbose_name=_("rule that fired"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    goals = models.TextField(_("goals"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_dorms_responsible",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("plan reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_dorms_reviewed",
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key dorm")
        verbose_name_plural = _("key dorms")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"],
                condition=~Q(status="closed"),
                name="dorms_one_open_key_dorm",
                violation_error_message=_("This room is a key dorm already."),
            )
        ]

    def __str__(self) -> str:
        return str(self.room)

    def get_absolute_url(self) -> str:
        return reverse("dorms:key-dorm", kwargs={"pk": self.pk})


class KeyStep(models.Model):
    """A step of a key dorm's workflow: who did what, when."""

    key_dorm = models.ForeignKey(
        KeyDorm, verbose_name=_("key dorm"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("key-dorm step")
        verbose_name_plural = _("key-dorm steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.action


class ActionKind(models.TextChoices):
    TALK = "talk", _("Talk")
    VISIT = "visit", _("Visit")
    HELP = "help", _("Help with a specific problem")


class AssistanceAction(models.Model):
    """An assistance action logged on a key dorm's plan; counts for study once the plan's
    reviewer confirms it."""

    key_dorm = models.ForeignKey(
        KeyDorm, verbose_name=_("key dorm"), on_delete=models.CASCADE, related_name="actions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=ActionKind.choices)
    note = models.TextField(_("note"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("workstation member", "member"),
        on_delete=models.CASCADE,
        related_name="assistance_actions",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("person", "confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assistance action")
        verbose_name_plural = _("assistance actions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
