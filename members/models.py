"""People and organisation: every person's profile, branches, workstation groups and roles,
and the development timeline that decides a person's political status."""

import calendar
import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from common.identifiers import (
    normalize_identifier,
    normalize_name,
    validate_identifier,
    validate_name,
)

from .validators import validate_grade, validate_mobile


class PoliticalStatus(models.TextChoices):
    """Political status (政治面貌), from the masses to full Party membership, in that order."""

    MASSES = "masses", _("Masses")
    LEAGUE = "league", _("Communist Youth League member")
    APPLICANT = "applicant", _("Party applicant")
    ACTIVIST = "activist", _("Party activist")
    CANDIDATE = "candidate", _("Development candidate")
    PROBATIONARY = "probationary", _("Probationary Party member")
    FULL = "full", _("Full Party member")


# Three meanings of "member", each with its own name:
# - in the workstation: activists onward, who study, serve and are reviewed
#   (`User.in_workstation`, `User.objects.in_workstation()`);
# - a Party member (党员), probationary or full, as against the masses (群众)
#   (`User.is_party_member`, `User.objects.party_members()`);
# - `WorkstationRole.MEMBER`: a role in the workstation's groups.
WORKSTATION_STATUSES = frozenset(
    {
        PoliticalStatus.ACTIVIST,
        PoliticalStatus.CANDIDATE,
        PoliticalStatus.PROBATIONARY,
        PoliticalStatus.FULL,
    }
)
PARTY_MEMBER_STATUSES = frozenset({PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL})


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class WorkstationRole(models.TextChoices):
    HEAD = "head", _("Head of the workstation")
    DEPUTY = "deputy", _("Deputy head of the workstation")
    LEADER = "leader", _("Group leader")
    MEMBER = "member", _("Workstation member")


# The head and his deputies oversee every group of the workstation.
OFFICERS_OVER_ALL_GROUPS = frozenset({WorkstationRole.HEAD, WorkstationRole.DEPUTY})


class UserQuerySet(models.QuerySet):
    def search(self, text: str) -> "UserQuerySet":
        """People whose name or number contains `text`."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(student_number__icontains=text)
            | models.Q(staff_number__icontains=text)
        )

    def in_workstation(self) -> "UserQuerySet":
        """Activists onward: the people who study, serve and are reviewed."""
        return self.filter(political_status__in=WORKSTATION_STATUSES)

    def party_members(self) -> "UserQuerySet":
        """Party members (党员), probationary or full."""
        return self.filter(political_status__in=PARTY_MEMBER_STATUSES)

    def probation_ending_by(self, horizon: datetime.date) -> "UserQuerySet":
        """Active probationary members whose year of probation ends by `horizon` (those past
        it and not yet confirmed included): their confirmation as full members is due."""
        return self.filter(
            is_active=True,
            political_status=PoliticalStatus.PROBATIONARY,
            milestones__kind=Milestone.Kind.PROBATIONARY,
            milestones__date__lte=latest_start_ending_by(horizon),
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("Every account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in: with his e-mail address or his student number."""

    email = models.EmailField(_("e-mail address"), unique=True)
    student_number = models.CharField(
        _("student number"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Students sign in with it; staff may leave it empty."),
    )
    staff_number = models.CharField(
        _("staff number"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("For staff without a student number."),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=64, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    college = models.CharField(_("college"), max_length=64, blank=True)
    major = models.CharField(_("major"), max_length=64, blank=True)
    class_name = models.CharField(_("class"), max_length=64, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("grade"),
        null=True,
        blank=True,
        validators=[validate_grade],
        help_text=_("The year of entry, e.g. 2023."),
    )
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[validate_mobile]
    )
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("An applicant must be at least 18 on the day of the application."),
    )
    political_status = models.CharField(
        _("political status"),
        max_length=16,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
        db_index=True,
        help_text=_("Follows the development timeline once one is recorded."),
    )
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("Party branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    workstation_role = models.CharField(
        _("workstation role"),
        max_length=8,
        choices=WorkstationRole.choices,
        blank=True,
        db_index=True,
    )
    group = models.ForeignKey(
        "members.WorkstationGroup",
        verbose_name=_("workstation group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails are written in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff may use the administration pages."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        permissions = [
            ("import_user", _("Can import rosters")),
        ]
        indexes = [
            # The directory's people with no branch, who follow those with one
            # (`common.pagination.BranchFirst`), in its order.
            models.Index(
                models.F("grade").desc(nulls_last=True),
                "student_number",
                "id",
                condition=models.Q(branch__isnull=True),
                name="members_user_no_branch_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="members_user_email_ci_unique",
                violation_error_message=_("Another account already uses this e-mail address."),
            ),
            # Who leads a group is stored once: the role of one person in it.
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(workstation_role="leader"),
                name="members_one_leader_per_group",
                violation_error_message=_("This workstation group has a leader already."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        # What the status was when loaded, to tell a change of it in `full_clean`.
        person._loaded_status = person.__dict__.get("political_status")
        return person

    def clean(self) -> None:
        """The plain form of the number and name, in the shape the college set (see
        `common.identifiers`), whichever way they come in: the roster, the admin."""
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.student_number = normalize_identifier(self.student_number or "") or None
        self.staff_number = self.staff_number.strip() or None if self.staff_number else None
        self.name = normalize_name(self.name)
        errors = {}
        try:
            if self.student_number:
                validate_identifier(self.student_number, settings.STUDENT_NUMBER_PATTERN)
        except ValidationError as error:
            errors["student_number"] = error
        try:
            validate_name(self.name)
        except ValidationError as error:
            errors["name"] = error
        refusal = self.role_refusal()
        if refusal is not None:
            # Shown with what was changed: the status when it is the status that takes him out
            # of the workstation (a roster, which has no column for the role), else the role.
            loaded = self.__dict__.get("_loaded_status")
            dropped = self.pk is not None and loaded not in (None, self.political_status)
            errors["political_status" if dropped else "workstation_role"] = refusal
        if errors:
            raise ValidationError(errors)

    def role_refusal(self) -> ValidationError | None:
        """A workstation role is for people in the workstation (activists onward), as the
        secretary of a branch is a Party member (`Branch.clean`). A status that drops later
        without passing here (a cancelled probation) leaves the role recorded; it then gives
        no rights (`members.access.holds_workstation_role`)."""
        if not self.workstation_role or self.in_workstation:
            return None
        return ValidationError(
            _(
                "The workstation role “%(role)s” is for people in the workstation, Party "
                "activists onward; %(name)s is “%(status)s”."
            ),
            code="not_in_workstation",
            params={
                "role": self.get_workstation_role_display(),
                "name": self.display_name,
                "status": self.get_political_status_display(),
            },
        )

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True) -> None:
        errors: dict = {}
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        refusal = self.status_change_refusal()
        if refusal is not None:
            # A form without the field (the admin shows it read-only) shows it above the form.
            field = NON_FIELD_ERRORS if exclude and "political_status" in exclude else None
            errors.setdefault(field or "political_status", []).append(refusal)
        if errors:
            raise ValidationError(errors)

    def status_change_refusal(self) -> ValidationError | None:
        """Once a development timeline is recorded it decides the status: any other change of
        it (a roster, the admin, a history revert) is refused; record a milestone instead.

        A roster annotates `has_timeline` on all its people at once; otherwise it is asked.
        """
        if self.pk is None:
            return None
        before = self.__dict__.get("_loaded_status")
        if before is None:
            before = User.objects.filter(pk=self.pk).values_list("political_status", flat=True)
            before = before.first()
        if before is None or before == self.political_status:
            return None
        has_timeline = getattr(self, "has_timeline", None)
        if has_timeline is None:
            has_timeline = self.milestones.exists()
        if not has_timeline:
            return None
        return ValidationError(
            _(
                "The development timeline makes this person “%(status)s”: record a "
                "milestone to change the status."
            ),
            code="follows_timeline",
            params={"status": PoliticalStatus(before).label},
        )

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def number(self) -> str:
        """The student number, or the staff number of staff without one."""
        return self.student_number or self.staff_number or ""

    @property
    def in_workstation(self) -> bool:
        """Activist onward: one of the people of the workstation's study and service."""
        return self.political_status in WORKSTATION_STATUSES

    @property
    def leads_group(self) -> bool:
        """A group leader with a group to lead."""
        return self.workstation_role == WorkstationRole.LEADER and self.group_id is not None

    @property
    def is_party_member(self) -> bool:
        """A Party member (党员), probationary or full."""
        return self.political_status in PARTY_MEMBER_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("members:person", kwargs={"pk": self.pk})

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def display_name_of(user: User) -> str:
    """How allauth's messages name a person ("signed in as 陈同学")."""
    return user.display_name


class Branch(models.Model):
    """A Party branch (党支部) with its secretary, who reviews the people in it."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    secretary = models.ForeignKey(
        User,
        verbose_name=_("secretary"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches_led",
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive branches take no new people.")
    )
    committee = models.ManyToManyField(
        User,
        verbose_name=_("branch committee"),
        blank=True,
        related_name="branch_committees",
        help_text=_(
            "Committee members (支委) besides the secretary: they record the development steps "
            "of the branch's people."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Party branch")
        verbose_name_plural = _("Party branches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:branch", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        secretary = self.secretary
        if secretary is not None and not secretary.is_party_member:
            raise ValidationError(
                {
                    "secretary": ValidationError(
                        _(
                            "The secretary must be a Party member, probationary or full; "
                            "%(name)s is “%(status)s”."
                        ),
                        code="not_a_party_member",
                        params={
                            "name": secretary,
                            "status": secretary.get_political_status_display(),
                        },
                    )
                }
            )

    @staticmethod
    def check_committee(people) -> None:
        """The committee are Party members, probationary or full, as the secretary is: they
        record the development of the branch's people. `clean` does not see a many-to-many
        field, so the form that sets it (the admin's) calls this."""
        outsiders = [person for person in people if not person.is_party_member]
        if outsiders:
            raise ValidationError(
                ngettext_lazy(
                    "The committee are Party members, probationary or full; %(names)s is not.",
                    "The committee are Party members, probationary or full; %(names)s are not.",
                    len(outsiders),
                ),
                code="not_a_party_member",
                params={
                    "names": pgettext("list separator", ", ").join(
                        f"{person} ({person.get_political_status_display()})"
                        for person in outsiders
                    )
                },
            )


class WorkstationGroup(models.Model):
    """A group (小组) inside the workstation, led by a group leader (组长): the one person of
    the group whose workstation role is `WorkstationRole.LEADER` (stored there only)."""

    name = models.CharField(_("name"), max_length=64, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workstation group")
        verbose_name_plural = _("workstation groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A dated step of a person's development (发展党员), with the people it involves.

    The steps follow 《中国共产党发展党员工作细则》; `members.procedure` holds the rules each
    step must pass and is the one door through which a step is recorded.
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application submitted")
        TALK = "talk", _("Talk with the applicant")
        ACTIVIST = "activist", _("Named a Party activist")
        RECORD = "record", _("Half-yearly assessment record")
        REVIEW = "review", _("Political review done")
        TRAINING = "training", _("Concentrated training")
        CANDIDATE = "candidate", _("Listed as a development candidate")
        INTRODUCERS = "introducers", _("Introducers named")
        PUBLICITY = "publicity", _("Public notice")
        PROBATIONARY = "probationary", _("Branch meeting admits as probationary member")
        APPROVAL = "approval", _("Approved by the Party committee above")
        OATH = "oath", _("Admission oath taken")
        EXTENSION = "extension", _("Probation extended")
        FULL = "full", _("Confirmed as a full member")
        CANCELLATION = "cancellation", _("Probationary membership cancelled")

    class Method(models.TextChoices):
        MEMBERS = "members", _("Recommended by Party members")
        LEAGUE = "league", _("Recommended by the Youth League")

    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(
        pgettext_lazy("development", "step"), max_length=16, choices=Kind.choices
    )
    date = models.DateField(_("date"))
    method = models.CharField(_("how chosen"), max_length=16, choices=Method.choices, blank=True)
    member_1 = models.ForeignKey(
        User,
        verbose_name=_("first Party member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who talked, who keeps the record, a contact person or an introducer."),
    )
    member_2 = models.ForeignKey(
        User,
        verbose_name=_("second Party member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The second contact person or introducer."),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["person", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=~models.Q(kind__in=["record", "training"]),
                name="members_milestone_once_per_person",
                violation_error_message=_("This step is already recorded."),
            ),
        ]
        # The admin's date hierarchy: its first and last step, and one step of each year.
        indexes = [models.Index(fields=["date"], name="members_milestone_date")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def status(self) -> str | None:
        """The political status this step gives, if it gives one."""
        return MILESTONE_STATUS.get(self.kind)


# The procedure in order, and the status the steps that give one give.
MILESTONE_ORDER: list[str] = list(Milestone.Kind.values)
MILESTONE_STATUS: dict[str, str] = {
    Milestone.Kind.APPLICATION: PoliticalStatus.APPLICANT,
    Milestone.Kind.ACTIVIST: PoliticalStatus.ACTIVIST,
    Milestone.Kind.CANDIDATE: PoliticalStatus.CANDIDATE,
    Milestone.Kind.APPROVAL: PoliticalStatus.PROBATIONARY,
    Milestone.Kind.FULL: PoliticalStatus.FULL,
}
# Steps recorded more than once: an activist's assessment records, training sessions.
REPEATABLE_STEPS = frozenset({Milestone.Kind.RECORD, Milestone.Kind.TRAINING})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def latest_start_ending_by(horizon: datetime.date) -> datetime.date:
    """The last day a year-long wait may begin and still end by `horizon` (the inverse of
    `one_year_after`, 29 February included)."""
    year = horizon.year - 1
    if horizon.month == 2 and horizon.day == 28 and calendar.isleap(year):
        return datetime.date(year, 2, 29)
    try:
        return horizon.replace(year=year)
    except ValueError:
        return horizon.replace(year=year, day=28)


def one_year_after(day: datetime.date) -> datetime.date:
    """The same day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
