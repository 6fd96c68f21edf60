"""The three-stage study track (两学一做): plans and their requirements, readings, activities
with sign-up and sign-in, the study log with its review, and the reviewers' stage sign-offs."""

import datetime
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .practice import practice_source_choices


class Stage(models.IntegerChoices):
    """The three stages, each building on the last."""

    THEORY = 1, _("Stage 1 · Study the Party Constitution and rules")
    SPEECHES = 2, _("Stage 2 · Study the series of important speeches")
    PRACTICE = 3, _("Stage 3 · Be a qualified Party member")


class StudyPlan(models.Model):
    """A cohort's study for a period (e.g. a semester): its requirements and who follows it."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="study_plan_ends_after_start",
                violation_error_message=_("A plan must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def elapsed_share(self, today: datetime.date) -> float:
        """How much of the plan's period has passed on `today`, from 0 to 1."""
        total = (self.ends_on - self.starts_on).days
        passed = (today - self.starts_on).days
        return min(max(passed / total, 0.0), 1.0)


class Enrollment(models.Model):
    """A person following a plan, and the stage he has reached in it."""

    plan = models.ForeignKey(
        StudyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    stage = models.PositiveSmallIntegerField(
        _("current stage"), choices=Stage.choices, default=Stage.THEORY
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    # The day the behind-schedule sweep last computed this participation's progress: a second
    # run that day leaves it out (`services.track.remind_behind_schedule`). Not history.
    behind_checked_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["behind_checked_on"])

    class Meta:
        verbose_name = _("plan participant")
        verbose_name_plural = _("plan participants")
        ordering = ["plan", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person"],
                name="study_enrollment_once_per_plan",
                violation_error_message=_("This person already follows this plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.plan}"


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("Expert lecture")
    BRANCH_STUDY = "branch_study", _("Branch study session")
    DISCUSSION = "discussion", _("Themed discussion")
    VISIT = "visit", _("Visit to a patriotic-education base")
    OTHER = "other", _("Other")


class Requirement(models.Model):
    """What a stage of a plan asks for. `minimum` reads by kind: hours, activities attended,
    characters of the reflection, or practice records; a reading list asks for all its readings.
    """

    class Kind(models.TextChoices):
        HOURS = "hours", _("Approved study hours")
        READINGS = "readings", _("Required readings")
        ACTIVITIES = "activities", _("Activities attended")
        REFLECTION = "reflection", _("Written reflection")
        PRACTICE = "practice", _("Practice records")

    plan = models.ForeignKey(
        StudyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="requirements"
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    minimum = models.PositiveIntegerField(
        _("minimum"),
        default=0,
        help_text=_(
            "Hours, activities, characters of the reflection or practice records; "
            "not used for a reading list."
        ),
    )
    activity_kind = models.CharField(
        _("activity type"),
        max_length=16,
        blank=True,
        choices=ActivityKind.choices,
        help_text=_("For activities: the type that counts; empty counts every type."),
    )
    # Keys of `study.practice` sources; records from any of them count, added together.
    practice_sources = ArrayField(
        models.CharField(max_length=32, choices=practice_source_choices),
        verbose_name=_("practice"),
        default=list,
        blank=True,
        help_text=_(
            "For practice records: where they come from. Records from any of the sources "
            "chosen count, added together."
        ),
    )
    readings = models.ManyToManyField(
        "Reading", verbose_name=_("readings"), blank=True, related_name="requirements"
    )

    history = HistoricalRecords(m2m_fields=[readings])

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["plan", "stage", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="practice") | ~Q(practice_sources=[]),
                name="study_practice_requirement_has_sources",
                violation_error_message=_("Choose where the practice records come from."),
            ),
            # Practice is what stage 3 (做合格党员) is about; the stages before it are study.
            models.CheckConstraint(
                condition=~Q(kind="practice") | Q(stage=Stage.PRACTICE),
                name="study_practice_requirement_in_stage_three",
                violation_error_message=_("Practice records are asked for in stage 3 only."),
            ),
            models.CheckConstraint(
                condition=Q(kind="readings") | Q(minimum__gt=0),
                name="study_requirement_minimum_positive",
                violation_error_message=_("The minimum must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_kind_display()}"

    def clean(self) -> None:
        """A detail belongs to the one kind it describes (the readings: `check_readings`)."""
        super().clean()
        errors = {}
        if self.activity_kind and self.kind != self.Kind.ACTIVITIES:
            errors["activity_kind"] = _("An activity type is only for activities.")
        if self.practice_sources and self.kind != self.Kind.PRACTICE:
            errors["practice_sources"] = _("A practice source is only for practice.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def check_readings(cls, kind: str, readings) -> None:
        """A reading list names its readings, and only a reading list names any: the one rule
        for the readings of a requirement, which are saved after the requirement itself."""
        if readings and kind != cls.Kind.READINGS:
            raise ValidationError(
                {"readings": _("Readings are only for a reading list.")}, code="not_a_list"
            )
        if kind == cls.Kind.READINGS and not readings:
            raise ValidationError(
                {"readings": _("Choose the readings of the list.")}, code="no_readings"
            )


class Reading(models.Model):
    """A text to read: the Constitution, a set of rules, a speech."""

    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("E.g. 《中国共产党章程》 or a speech.")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    text = models.TextField(
        pgettext_lazy("reading", "text"),
        blank=True,
        help_text=_("The text itself, to read in the portal; or give a link or a PDF."),
    )
    url = models.URLField(_("link"), blank=True)
    document = models.FileField(
        _("PDF"),
        upload_to="study/readings/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["stage", "title"]
        permissions = [("import_reading", _("Can import readings"))]
        constraints = [
            # Something to open: a reading a member cannot read cannot be confirmed honestly.
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(url="") | ~Q(document=""),
                name="study_reading_has_something_to_read",
                violation_error_message=_("Give the reading its text, a link or a PDF."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReadingConfirmation(models.Model):
    """A person's word that he has read a reading, with a short note."""

    reading = models.ForeignKey(
        Reading, verbose_name=_("reading"), on_delete=models.CASCADE, related_name="confirmations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reading_confirmations",
    )
    note = models.TextField(_("note"))
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("reading confirmation")
        verbose_name_plural = _("reading confirmations")
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "person"],
                name="study_reading_confirmed_once",
                violation_error_message=_("You have already confirmed this reading."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.reading}"


# Letters and digits that cannot be mistaken for one another when read off a screen.
SIGN_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SIGN_IN_CODE_LENGTH = 6


def new_sign_in_code() -> str:
    return "".join(secrets.choice(SIGN_IN_ALPHABET) for _ in range(SIGN_IN_CODE_LENGTH))


class ActivityQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime | None = None) -> "ActivityQuerySet":
        """Activities that have not ended yet (those under way first), soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")


class Activity(models.Model):
    """A scheduled lecture, study session, discussion or visit, with sign-up and sign-in.

    The audience is the plan's participants, narrowed to a branch when one is given; with
    neither, every member may come.
    """

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(
        pgettext_lazy("activity", "capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("Places to sign up for."),
    )
    hours = models.DecimalField(
        _("hours credited"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    plan = models.ForeignKey(
        StudyPlan,
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("branch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="activities_organised",
    )
    sign_in_code = models.CharField(
        _("sign-in code"), max_length=SIGN_IN_CODE_LENGTH, default=new_sign_in_code
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="study_activity_ends_after_start",
                violation_error_message=_("An activity must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_under_way(self, now: datetime.datetime | None = None) -> bool:
        """Begun and not yet ended."""
        now = now or timezone.now()
        return self.starts_at <= now <= self.ends_at

    @property
    def under_way(self) -> bool:
        return self.is_under_way()


class Registration(models.Model):
    """A person's place at an activity (or on its waiting list), and his attendance."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Signed up")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the person signed in with the code himself."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity registration")
        verbose_name_plural = _("activity registrations")
        ordering = ["activity", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                name="study_registration_once_per_activity",
                violation_error_message=_("You are already on this activity's list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class EntryQuerySet(models.QuerySet):
    def approved(self) -> "EntryQuerySet":
        return self.filter(status=StudyEntry.Status.APPROVED)

    def awaiting_review(self) -> "EntryQuerySet":
        return self.filter(status=StudyEntry.Status.SUBMITTED)


class StudyEntry(models.Model):
    """A piece of study a member logs. Drafts stay his; a submitted entry goes to his reviewer,
    who approves or returns it. Attending an activity writes an approved entry for its hours."""

    class Kind(models.TextChoices):
        SELF_STUDY = "self_study", _("Self-study")
        GROUP_STUDY = "group_study", _("Group study")
        READING = "reading", _("Reading")
        REFLECTION = "reflection", _("Reflection")
        ACTIVITY = "activity", _("Activity attended")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="study_entries",
    )
    date = models.DateField(_("date"))
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)]
    )
    material = models.CharField(_("material"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study entry")
        verbose_name_plural = _("study entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "activity"],
                condition=Q(activity__isnull=False),
                name="study_entry_once_per_activity",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status", "stage", "date"]),
            # The admin's list, newest first, a hundred at a time: read from the index rather
            # than sorting every entry of a university.
            models.Index(fields=["-date", "-id"], name="study_entry_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.date} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("study:entry", kwargs={"pk": self.pk})


class StageSignOff(models.Model):
    """A reviewer's word that a participant has met a stage's requirements."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed off at"), default=timezone.now)
    comment = models.TextField(_("comment"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage sign-off")
        verbose_name_plural = _("stage sign-offs")
        ordering = ["enrollment", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "stage"],
                name="study_stage_signed_off_once",
                violation_error_message=_("This stage is already signed off."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.get_stage_display()}"
