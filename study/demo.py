"""Demo data of the study track for `manage.py seed_demo`: the current semester's plan with
requirements in all three stages, its participants (the demo member and the seed members),
readings and activities (from `study.demo_activities`), and study entries in every status.

The demo member's stage 1 is nearly done: his readings are confirmed, he attended a branch
study session, and a reflection long enough waits in the demo reviewer's queue. Once the
reviewer approves it, every requirement is met and he can sign the stage off.

Deterministic: the same scale and seed give the same data. Idempotent: if the plan is there,
nothing changes.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import User

from .models import (
    Activity,
    ActivityKind,
    Enrollment,
    Reading,
    ReadingConfirmation,
    Registration,
    Requirement,
    Stage,
    StageSignOff,
    StudyEntry,
    StudyPlan,
)
from .practice import practice_sources

MATERIALS = {
    Stage.THEORY: [
        "《中国共产党章程》",
        "《中国共产党纪律处分条例》",
        "《中国共产党廉洁自律准则》",
        "《共产党宣言》",
        "《毛泽东选集》第一卷",
        "《邓小平文选》第三卷",
    ],
    Stage.SPEECHES: [
        "习近平总书记系列重要讲话读本",
        "在纪念五四运动100周年大会上的讲话",
        "在全国高校思想政治工作会议上的讲话",
    ],
    # Study of what a qualified member does; the practice itself is counted by the apps where
    # it happens (the practice requirement), never logged again as hours of study.
    Stage.PRACTICE: [
        "《中国共产党党员教育管理工作条例》",
        "《中国共产党支部工作条例》",
        "《关于新形势下党内政治生活的若干准则》",
    ],
}
# Stage 3's practice records, from any registered source: every participant handles
# suggestions in the demo (see feedback.demo), so each can meet it.
PRACTICE_MINIMUM = 2
# Sources that count hours rather than records: a plan asks for them in a requirement of its own.
HOURS_SOURCES = frozenset({"tutoring-hours"})
NOTES = [
    "学习了党的性质和宗旨。",
    "结合支部讨论整理了学习笔记。",
    "重点学习了党员的义务和权利。",
    "理解了民主集中制的基本原则。",
    "联系自身实际查找了差距。",
]
REFLECTION = (
    "通过第一阶段的学习 我系统学习了《中国共产党章程》和党内主要法规 对党的性质 宗旨 "
    "指导思想和奋斗目标有了更深的认识。党章是党的根本大法 是全党必须遵循的总规矩。"
    "在学习中我体会到 作为一名预备党员 首先要在思想上入党 把理想信念作为立身之本 "
    "自觉用党章规范自己的一言一行。马克思列宁主义 毛泽东思想 邓小平理论 三个代表重要思想 "
    "科学发展观是一脉相承的科学体系 只有读原著 学原文 悟原理 才能真正做到学懂弄通。"
    "在支部组织的集中学习和专题讨论中 同志们结合自身实际谈体会 找差距 使我受益匪浅。"
    "今后我要把学习成果转化为服务同学的实际行动 在学业辅导和宿舍走访中发挥党员的先锋模范作用 "
    "认真对照合格党员的标准 查找自身在学习 工作和生活中的不足 及时改正 不断提高自己的党性修养。"
    "我将继续坚持每周自学 积极参加支部活动 争取早日成为一名合格的共产党员。"
)
SIGN_OFF_COMMENT = "学习认真 各项要求均已达到 同意进入下一阶段。"
RETURN_COMMENT = "请补充学习的具体内容和体会。"


@dataclass
class StudySeedReport:
    created: bool
    plan: str
    participants: int
    entries: int


def current_semester(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The name and dates of the semester `today` falls in: autumn from August to January,
    spring from February to July."""
    if today.month >= 8 or today.month == 1:
        year = today.year if today.month >= 8 else today.year - 1
        return (
            f"{year}年秋季学期学习计划",
            datetime.date(year, 8, 1),
            datetime.date(year + 1, 1, 31),
        )
    return (
        f"{today.year}年春季学期学习计划",
        datetime.date(today.year, 2, 1),
        datetime.date(today.year, 7, 31),
    )


def _requirements(plan: StudyPlan) -> None:
    rules = [
        (Stage.THEORY, Requirement.Kind.HOURS, 6, ""),
        (Stage.THEORY, Requirement.Kind.ACTIVITIES, 1, ActivityKind.BRANCH_STUDY),
        (Stage.THEORY, Requirement.Kind.REFLECTION, 300, ""),
        (Stage.SPEECHES, Requirement.Kind.HOURS, 8, ""),
        (Stage.SPEECHES, Requirement.Kind.ACTIVITIES, 1, ActivityKind.DISCUSSION),
        (Stage.SPEECHES, Requirement.Kind.ACTIVITIES, 1, ActivityKind.VISIT),
        (Stage.SPEECHES, Requirement.Kind.REFLECTION, 500, ""),
        (Stage.PRACTICE, Requirement.Kind.HOURS, 10, ""),
        (Stage.PRACTICE, Requirement.Kind.REFLECTION, 300, ""),
    ]
    for stage, kind, minimum, activity_kind in rules:
        Requirement.objects.create(
            plan=plan, stage=stage, kind=kind, minimum=minimum, activity_kind=activity_kind
        )
    Requirement.objects.create(
        plan=plan,
        stage=Stage.PRACTICE,
        kind=Requirement.Kind.PRACTICE,
        minimum=PRACTICE_MINIMUM,
        # Records of service from any app; hours are a measure, not records to add to them.
        practice_sources=[
            source.key for source in practice_sources() if source.key not in HOURS_SOURCES
        ],
    )
    for stage in (Stage.THEORY, Stage.SPEECHES):
        readings = list(Reading.objects.filter(stage=stage).order_by("pk")[:4])
        if readings:
            requirement = Requirement.objects.create(
                plan=plan, stage=stage, kind=Requirement.Kind.READINGS, minimum=0
            )
            requirement.readings.set(readings)


def _day_in(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _seed_entries(
    rng: random.Random, enrollments: list[Enrollment], start: datetime.date, today: datetime.date
) -> int:
    """A few entries per participant in every status, reviewed by his branch secretary."""
    now = timezone.now()
    entries = []
    for enrollment in enrollments:
        person = enrollment.person
        secretary = person.branch.secretary if person.branch else None
        for _ in range(rng.randint(0, 5)):
            stage = rng.randint(1, enrollment.stage)
            status = rng.choices(list(StudyEntry.Status.values), weights=[1, 2, 1, 6], k=1)[0]
            if secretary is None and status in ("approved", "returned"):
                status = StudyEntry.Status.SUBMITTED
            kind = rng.choice(
                [StudyEntry.Kind.SELF_STUDY, StudyEntry.Kind.GROUP_STUDY, StudyEntry.Kind.READING]
            )
            submitted = status != StudyEntry.Status.DRAFT
            reviewed = status in (StudyEntry.Status.APPROVED, StudyEntry.Status.RETURNED)
            date = _day_in(rng, start, today)
            entries.append(
                StudyEntry(
                    person=person,
                    date=date,
                    stage=stage,
                    kind=kind,
                    hours=Decimal(rng.choice([1, 1.5, 2, 2.5, 3])),
                    material=rng.choice(MATERIALS[stage]),
                    notes=rng.choice(NOTES),
                    status=status,
                    submitted_at=now - datetime.timedelta(days=rng.randint(0, 8))
                    if submitted
                    else None,
                    reviewed_by=secretary if reviewed else None,
                    reviewed_at=now if reviewed else None,
                    review_comment=RETURN_COMMENT if status == StudyEntry.Status.RETURNED else "",
                )
            )
    StudyEntry.objects.bulk_create(entries)
    return len(entries)


def _advance_some(rng: random.Random, enrollments: list[Enrollment]) -> None:
    """A few participants are already further on, their stages signed off by their secretary."""
    sign_offs = []
    for enrollment in enrollments:
        secretary = enrollment.person.branch.secretary if enrollment.person.branch else None
        if secretary is None or secretary.pk == enrollment.person_id or rng.random() > 0.25:
            continue
        enrollment.stage = rng.choice([Stage.SPEECHES, Stage.SPEECHES, Stage.PRACTICE])
        for stage in range(1, enrollment.stage):
            sign_offs.append(
                StageSignOff(
                    enrollment=enrollment,
                    stage=stage,
                    signed_by=secretary,
                    comment=SIGN_OFF_COMMENT,
                )
            )
    Enrollment.objects.bulk_update(enrollments, ["stage"])
    StageSignOff.objects.bulk_create(sign_offs)


def _demo_member_nearly_done(
    member: User, reviewer: User, plan: StudyPlan, today: datetime.date
) -> int:
    """Stage 1 of the demo member: everything met but the reflection waiting for review."""
    from .services.activities import mark_attendance

    for requirement in plan.requirements.filter(stage=Stage.THEORY, kind=Requirement.Kind.READINGS):
        for reading in requirement.readings.all():
            ReadingConfirmation.objects.get_or_create(
                reading=reading, person=member, defaults={"note": "认真读完 做了笔记。"}
            )
    attended = Registration.objects.filter(
        person=member,
        attended_at__isnull=False,
        activity__stage=Stage.THEORY,
        activity__kind=ActivityKind.BRANCH_STUDY,
        activity__starts_at__date__gte=plan.starts_on,
    ).exists()
    if not attended:
        starts = timezone.now().replace(minute=0, second=0, microsecond=0)
        starts -= datetime.timedelta(days=min(10, (today - plan.starts_on).days))
        activity = Activity.objects.create(
            title="支部集中学习 党章第一章",
            kind=ActivityKind.BRANCH_STUDY,
            stage=Stage.THEORY,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="书院活动室",
            capacity=40,
            hours=Decimal(2),
            plan=plan,
            branch=member.branch,
            organiser=reviewer,
        )
        registration = Registration.objects.create(
            activity=activity, person=member, registered_at=starts - datetime.timedelta(days=2)
        )
        mark_attendance(
            actor=reviewer, registration=registration, now=starts + datetime.timedelta(hours=1)
        )
    now = timezone.now()
    days = [today - datetime.timedelta(days=n) for n in (9, 6, 3, 2, 1)]
    days = [max(day, plan.starts_on) for day in days]
    approved = {
        "status": StudyEntry.Status.APPROVED,
        "submitted_at": now - datetime.timedelta(days=5),
        "reviewed_by": reviewer,
        "reviewed_at": now - datetime.timedelta(days=4),
    }
    entries = [
        StudyEntry(
            person=member,
            date=days[0],
            stage=Stage.THEORY,
            kind=StudyEntry.Kind.SELF_STUDY,
            hours=Decimal(2),
            material=MATERIALS[Stage.THEORY][0],
            notes=NOTES[0],
            **approved,
        ),
        StudyEntry(
            person=member,
            date=days[1],
            stage=Stage.THEORY,
            kind=StudyEntry.Kind.READING,
            hours=Decimal(1),
            material=MATERIALS[Stage.THEORY][1],
            notes=NOTES[2],
            **approved,
        ),
        StudyEntry(
            person=member,
            date=days[2],
            stage=Stage.THEORY,
            kind=StudyEntry.Kind.GROUP_STUDY,
            hours=Decimal("1.5"),
            material=MATERIALS[Stage.THEORY][3],
            notes="讨论不够深入。",
            status=StudyEntry.Status.RETURNED,
            submitted_at=now - datetime.timedelta(days=3),
            reviewed_by=reviewer,
            reviewed_at=now - datetime.timedelta(days=2),
            review_comment=RETURN_COMMENT,
        ),
        StudyEntry(
            person=member,
            date=days[3],
            stage=Stage.THEORY,
            kind=StudyEntry.Kind.REFLECTION,
            hours=Decimal(2),
            material="第一阶段学习心得体会",
            notes=REFLECTION,
            status=StudyEntry.Status.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=1),
        ),
        StudyEntry(
            person=member,
            date=days[4],
            stage=Stage.THEORY,
            kind=StudyEntry.Kind.SELF_STUDY,
            hours=Decimal(1),
            material=MATERIALS[Stage.THEORY][4],
            notes="",
        ),
    ]
    for entry in entries:
        entry._history_user = entry.reviewed_by or member
        entry.save()
    return len(entries)


@transaction.atomic
def seed_study(
    *,
    scale: int = 1,
    seed: int = 2016,
    today: datetime.date,
    member: User,
    reviewer: User,
    staff: User,
) -> StudySeedReport:
    """The current semester's plan and everything around it; nothing if it is there already."""
    name, starts_on, ends_on = current_semester(today)
    existing = StudyPlan.objects.filter(name=name).first()
    if existing is not None:
        return StudySeedReport(False, name, existing.enrollments.count(), 0)
    rng = random.Random(f"study-{seed}-{scale}")  # noqa: S311 - demo data, reproducible
    plan = StudyPlan.objects.create(
        name=name,
        description="两学一做 学党章党规 学系列讲话 做合格党员",
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=staff,
    )
    people = list(
        User.objects.in_workstation()
        .filter(is_active=True)
        .select_related("branch__secretary")
        .order_by("pk")
    )
    from .demo_activities import seed_activities_and_readings

    organisers = [staff, reviewer]
    seed_activities_and_readings(
        plan=plan, organisers=organisers, people=people, rng=rng, now=timezone.now()
    )
    _requirements(plan)
    Enrollment.objects.bulk_create(
        [Enrollment(plan=plan, person=person) for person in people], ignore_conflicts=True
    )
    enrollments = list(
        plan.enrollments.exclude(person__in=[member, reviewer])
        .select_related("person__branch__secretary")
        .order_by("pk")
    )
    _advance_some(rng, enrollments)
    count = _seed_entries(rng, enrollments, starts_on, min(today, ends_on))
    count += _demo_member_nearly_done(member, reviewer, plan, today)
    return StudySeedReport(True, name, plan.enrollments.count(), count)
