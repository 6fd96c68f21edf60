"""Progress through the study track: each requirement's done / needed, each stage, each plan.

Computed for many enrollments at once in a fixed number of queries per plan (one aggregate
per requirement kind the plan uses, one call per practice source), never one per person.

The rules:

- HOURS: the hours of the person's APPROVED entries of that stage dated within the plan's
  period (attending an activity writes such an entry).
- READINGS: the requirement's readings the person has confirmed (at any time), out of all.
- ACTIVITIES: activities of that stage (and of the requirement's type, when it has one) that
  began within the plan's period and that the person attended.
- REFLECTION: met by an APPROVED reflection entry of that stage within the period whose notes
  are at least `minimum` characters long; progress is the longest such text over the minimum.
- PRACTICE: the records counted by the requirement's practice sources (see `study.practice`),
  added together: a requirement naming several sources is met by records of any of them.

A stage is met when all its requirements are; a stage without requirements is met. A stage's
progress is the mean of its requirements' fractions (each capped at 1).

A plan's overall progress weighs the three stages equally: a signed-off stage counts 100%,
the current stage counts its progress, a stage not reached yet counts nothing, and a completed
participant is at 100%. He is *behind schedule* when his overall progress is more than
BEHIND_TOLERANCE (10 points) below the share of the plan's time that has passed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.names import join_names
from members.timeline import TimelineStep
from members.training import TrainingCredit

from .models import (
    ActivityKind,
    Enrollment,
    ReadingConfirmation,
    Registration,
    Requirement,
    Stage,
    StageSignOff,
    StudyEntry,
    StudyPlan,
)
from .practice import practice_counts, practice_label

BEHIND_TOLERANCE = 0.10
STAGES: tuple[int, ...] = tuple(Stage.values)
SIGN_OFF_FIELDS = (
    "enrollment_id",
    "stage",
    "signed_at",
    "comment",
    "signed_by__name",
    "signed_by__email",
)


@dataclass
class RequirementProgress:
    requirement: Requirement
    done: Decimal | int
    needed: Decimal | int
    # Readings not confirmed yet (for a reading list).
    unread: list = field(default_factory=list)

    @property
    def fraction(self) -> float:
        if not self.needed:
            return 1.0
        return min(float(self.done) / float(self.needed), 1.0)

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    @property
    def met(self) -> bool:
        return self.fraction >= 1.0

    @property
    def title(self) -> str:
        """What the requirement asks, in a few words."""
        requirement = self.requirement
        kind = requirement.kind
        if kind == Requirement.Kind.HOURS:
            return ngettext(
                "At least %(count)d approved hour of study",
                "At least %(count)d approved hours of study",
                requirement.minimum,
            ) % {"count": requirement.minimum}
        if kind == Requirement.Kind.READINGS:
            return ngettext(
                "%(count)d required reading, each confirmed",
                "%(count)d required readings, each confirmed",
                int(self.needed),
            ) % {"count": self.needed}
        if kind == Requirement.Kind.ACTIVITIES:
            if requirement.activity_kind:
                return ngettext(
                    "At least %(count)d activity attended: %(type)s",
                    "At least %(count)d activities attended: %(type)s",
                    requirement.minimum,
                ) % {
                    "count": requirement.minimum,
                    "type": ActivityKind(requirement.activity_kind).label,
                }
            return ngettext(
                "At least %(count)d activity attended",
                "At least %(count)d activities attended",
                requirement.minimum,
            ) % {"count": requirement.minimum}
        if kind == Requirement.Kind.REFLECTION:
            return _("An approved written reflection of at least %(count)d characters") % {
                "count": requirement.minimum
            }
        return _("At least %(count)d practice records: %(source)s") % {
            "count": requirement.minimum,
            "source": practice_label(requirement.practice_sources),
        }

    @property
    def next_step(self) -> tuple[str, str] | None:
        """Where the person does what is missing, as (url, label); None when met or elsewhere.

        Readings are listed one by one (`unread`), each a link of its own.
        """
        if self.met:
            return None
        kind = self.requirement.kind
        if kind == Requirement.Kind.HOURS:
            return reverse("study:entry-new"), _("Log study")
        if kind == Requirement.Kind.ACTIVITIES:
            return reverse("study:activities"), _("See the activities")
        if kind == Requirement.Kind.REFLECTION:
            query = urlencode({"kind": StudyEntry.Kind.REFLECTION, "stage": self.requirement.stage})
            return f"{reverse('study:entry-new')}?{query}", _("Write your reflection")
        return None

    @property
    def missing(self) -> str:
        """What is still missing, or an empty string when the requirement is met."""
        if self.met:
            return ""
        kind = self.requirement.kind
        if kind == Requirement.Kind.HOURS:
            left = Decimal(self.needed) - Decimal(self.done)
            return _("%(hours)s more approved hours") % {"hours": _hours(left)}
        if kind == Requirement.Kind.READINGS:
            left = len(self.unread)
            titles = join_names(self.unread)
            return ngettext(
                "%(count)d reading to confirm: %(titles)s",
                "%(count)d readings to confirm: %(titles)s",
                left,
            ) % {"count": left, "titles": titles}
        if kind == Requirement.Kind.ACTIVITIES:
            left = int(self.needed) - int(self.done)
            return ngettext(
                "%(count)d more activity to attend",
                "%(count)d more activities to attend",
                left,
            ) % {"count": left}
        if kind == Requirement.Kind.REFLECTION:
            if not self.done:
                return _("No approved reflection yet")
            return _("The longest approved reflection has %(done)d of %(needed)d characters") % {
                "done": self.done,
                "needed": self.needed,
            }
        left = int(self.needed) - int(self.done)
        return ngettext(
            "%(count)d more practice record",
            "%(count)d more practice records",
            left,
        ) % {"count": left}


@dataclass
class StageProgress:
    stage: int
    requirements: list[RequirementProgress]
    sign_off: StageSignOff | None = None

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def met(self) -> bool:
        return all(item.met for item in self.requirements)

    @cached_property
    def fraction(self) -> float:
        if not self.requirements:
            return 1.0
        return sum(item.fraction for item in self.requirements) / len(self.requirements)

    @property
    def percent(self) -> int:
        return int(self.fraction * 100)

    @property
    def signed_off(self) -> bool:
        return self.sign_off is not None


@dataclass
class EnrollmentProgress:
    enrollment: Enrollment
    stages: list[StageProgress]
    elapsed: float

    @property
    def plan(self) -> StudyPlan:
        return self.enrollment.plan

    @property
    def completed(self) -> bool:
        return self.enrollment.completed_at is not None

    @property
    def current(self) -> StageProgress:
        return self.stages[self.enrollment.stage - 1]

    @cached_property
    def overall(self) -> float:
        if self.completed:
            return 1.0
        total = 0.0
        for stage in self.stages:
            if stage.signed_off:
                total += 1.0
            elif stage.stage == self.enrollment.stage:
                total += stage.fraction
        return min(total / len(self.stages), 1.0)

    @property
    def overall_percent(self) -> int:
        return int(self.overall * 100)

    @property
    def elapsed_percent(self) -> int:
        return int(self.elapsed * 100)

    @property
    def behind(self) -> bool:
        return self.overall < self.elapsed - BEHIND_TOLERANCE

    @property
    def can_sign_off(self) -> bool:
        """The current stage's requirements are all met and it is not signed off yet."""
        return not self.completed and self.current.met and not self.current.signed_off


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _period(plan: StudyPlan) -> tuple[datetime.date, datetime.date]:
    return plan.starts_on, plan.ends_on


def _requirements_by_plan(plan_ids: Iterable[int]) -> dict[int, list[Requirement]]:
    requirements = defaultdict(list)
    for requirement in Requirement.objects.filter(plan_id__in=plan_ids).prefetch_related(
        "readings"
    ):
        requirements[requirement.plan_id].append(requirement)
    return requirements


def _plan_counts(
    plan: StudyPlan, requirements: Sequence[Requirement], person_ids: list[int]
) -> dict[str, object]:
    """The aggregates the plan's requirements need, for all its people: at most four queries
    (hours and reflections together, readings, activities, every practice source together)."""
    kinds = {requirement.kind for requirement in requirements}
    start, end = _period(plan)
    counts: dict[str, object] = {}
    if kinds & {Requirement.Kind.HOURS, Requirement.Kind.REFLECTION}:
        # Hours logged and the longest reflection, per person and stage: one query for both.
        rows = (
            StudyEntry.objects.approved()
            .filter(person_id__any_of=person_ids, date__range=(start, end))
            .values("person_id", "stage")
            .annotate(
                total=Sum("hours"),
                longest=Max(Length("notes"), filter=Q(kind=StudyEntry.Kind.REFLECTION)),
            )
            .order_by()
        )
        by_stage = {(row["person_id"], row["stage"]): row for row in rows}
        counts["hours"] = {key: row["total"] for key, row in by_stage.items()}
        counts["reflection"] = {key: row["longest"] for key, row in by_stage.items()}
    if Requirement.Kind.READINGS in kinds:
        # Each requirement's readings, listed once for all its people.
        counts["reading_lists"] = {
            requirement.pk: list(requirement.readings.all())
            for requirement in requirements
            if requirement.kind == Requirement.Kind.READINGS
        }
        reading_ids = {
            reading.pk for readings in counts["reading_lists"].values() for reading in readings
        }
        confirmed = defaultdict(set)
        for person_id, reading_id in ReadingConfirmation.objects.filter(
            person_id__any_of=person_ids, reading_id__in=reading_ids
        ).values_list("person_id", "reading_id"):
            confirmed[person_id].add(reading_id)
        counts["readings"] = confirmed
    if Requirement.Kind.ACTIVITIES in kinds:
        rows = (
            Registration.objects.filter(
                person_id__any_of=person_ids,
                attended_at__isnull=False,
                activity__starts_at__date__range=(start, end),
            )
            .values("person_id", "activity__stage", "activity__kind")
            .annotate(attended=Count("pk"))
            .order_by()
        )
        attended: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
        for row in rows:
            attended[row["person_id"], row["activity__stage"]][row["activity__kind"]] = row[
                "attended"
            ]
        counts["activities"] = attended
    if Requirement.Kind.PRACTICE in kinds:
        keys = {
            key
            for requirement in requirements
            if requirement.kind == Requirement.Kind.PRACTICE
            for key in requirement.practice_sources
        }
        counts["practice"] = practice_counts(keys, person_ids, start, end)
    return counts


def _requirement_progress(
    requirement: Requirement, person_id: int, counts: dict
) -> RequirementProgress:
    kind = requirement.kind
    stage = requirement.stage
    if kind == Requirement.Kind.HOURS:
        done = counts["hours"].get((person_id, stage)) or Decimal(0)
        return RequirementProgress(requirement, done, Decimal(requirement.minimum))
    if kind == Requirement.Kind.READINGS:
        readings = counts["reading_lists"][requirement.pk]
        confirmed = counts["readings"].get(person_id, set())
        unread = [reading for reading in readings if reading.pk not in confirmed]
        return RequirementProgress(
            requirement, len(readings) - len(unread), len(readings), unread=unread
        )
    if kind == Requirement.Kind.ACTIVITIES:
        by_kind = counts["activities"].get((person_id, stage), {})
        if requirement.activity_kind:
            done = by_kind.get(requirement.activity_kind, 0)
        else:
            done = sum(by_kind.values())
        return RequirementProgress(requirement, done, requirement.minimum)
    if kind == Requirement.Kind.REFLECTION:
        longest = counts["reflection"].get((person_id, stage)) or 0
        return RequirementProgress(requirement, longest, requirement.minimum)
    done = sum(
        counts["practice"].get(key, {}).get(person_id, 0) for key in requirement.practice_sources
    )
    return RequirementProgress(requirement, done, requirement.minimum)


def progress_of(
    enrollments: Iterable[Enrollment], *, today: datetime.date | None = None
) -> list[EnrollmentProgress]:
    """The progress of each enrollment (its plan loaded), in the same order.

    Queries: requirements (2), sign-offs (1), and per plan at most four for what its
    requirements count (`_plan_counts`); none per person.
    """
    enrollments = list(enrollments)
    if not enrollments:
        return []
    today = today or timezone.localdate()
    plans = {enrollment.plan_id: enrollment.plan for enrollment in enrollments}
    requirements = _requirements_by_plan(plans)
    by_stage = {
        (plan_id, stage): [item for item in requirements[plan_id] if item.stage == stage]
        for plan_id in plans
        for stage in STAGES
    }
    sign_offs: dict[int, dict[int, StageSignOff]] = defaultdict(dict)
    # Of the reviewer who signed, only his name is shown (`display_name`).
    for sign_off in (
        StageSignOff.objects.filter(
            enrollment__any_of=[enrollment.pk for enrollment in enrollments]
        )
        .select_related("signed_by")
        .only(*SIGN_OFF_FIELDS)
    ):
        sign_offs[sign_off.enrollment_id][sign_off.stage] = sign_off
    counts = {}
    for plan_id, plan in plans.items():
        person_ids = [e.person_id for e in enrollments if e.plan_id == plan_id]
        counts[plan_id] = _plan_counts(plan, requirements[plan_id], person_ids)
    result = []
    for enrollment in enrollments:
        plan_counts = counts[enrollment.plan_id]
        stages = [
            StageProgress(
                stage=stage,
                requirements=[
                    _requirement_progress(requirement, enrollment.person_id, plan_counts)
                    for requirement in by_stage[enrollment.plan_id, stage]
                ],
                sign_off=sign_offs[enrollment.pk].get(stage),
            )
            for stage in STAGES
        ]
        result.append(
            EnrollmentProgress(
                enrollment=enrollment,
                stages=stages,
                elapsed=enrollment.plan.elapsed_share(today),
            )
        )
    return result


def reflection_minimums(person) -> dict[int, int]:
    """Per stage, the length a reflection must reach to meet the plans `person` follows now.

    One query; a stage whose plans ask for no reflection is absent.
    """
    rows = (
        Requirement.objects.filter(
            kind=Requirement.Kind.REFLECTION,
            plan__enrollments__person=person,
            plan__enrollments__completed_at__isnull=True,
        )
        .values("stage")
        .annotate(longest=Max("minimum"))
        .order_by("stage")
    )
    return {row["stage"]: row["longest"] for row in rows}


def progress_of_one(
    enrollment: Enrollment, *, today: datetime.date | None = None
) -> EnrollmentProgress:
    return progress_of([enrollment], today=today)[0]


def sign_off_timeline(person) -> list[TimelineStep]:
    """The person's stage sign-offs as steps of his development timeline (one query)."""
    sign_offs = StageSignOff.objects.filter(enrollment__person=person).select_related(
        "enrollment__plan", "signed_by"
    )
    return [
        TimelineStep(
            date=timezone.localdate(sign_off.signed_at),
            label=_("Signed off: %(stage)s") % {"stage": sign_off.get_stage_display()},
            detail=_("%(plan)s · %(name)s: %(comment)s")
            % {
                "plan": sign_off.enrollment.plan.name,
                "name": sign_off.signed_by.display_name,
                "comment": sign_off.comment,
            },
        )
        for sign_off in sign_offs
    ]


# The activities that count as concentrated training (集中培训) of an activist.
TRAINING_KINDS = (ActivityKind.LECTURE, ActivityKind.BRANCH_STUDY)


def training_hours(person, since: datetime.date, until: datetime.date) -> list[TrainingCredit]:
    """The lectures and branch study sessions `person` attended between two days, with their
    hours, for the development candidate's training rule (one query)."""
    attended = (
        Registration.objects.filter(
            person=person,
            attended_at__isnull=False,
            activity__kind__in=TRAINING_KINDS,
            activity__starts_at__date__gte=since,
            activity__starts_at__date__lte=until,
        )
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    return [
        TrainingCredit(
            date=timezone.localdate(registration.activity.starts_at),
            title=registration.activity.title,
            hours=registration.activity.hours,
        )
        for registration in attended
    ]
