# ruff: noqa: RUF001 - the demo is written in Chinese, with its punctuation
"""Demo readings and activities, so that `make run` shows the activities as they are used: past
ones with their attendance, one under way that the demo reviewer organises (to try the sign-in
screen), and upcoming ones with places, one of them full with a waiting list.

Everything goes through the services with the time each step would have happened, so the demo
obeys the same rules as real use (places, waiting list, sign-in window, credited hours).
Deterministic under the given random generator; a second run adds nothing, except a new
session under way when the demo's has ended.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.models import User

from .models import (
    Activity,
    ActivityKind,
    Enrollment,
    Reading,
    ReadingConfirmation,
    Stage,
    StudyPlan,
)
from .services import activities as services

# stage -> (title, source, link, what to look for). Each demo reading carries a study guide as its
# text (where the original is found and what to read it for), and the first two a link too.
READINGS: dict[int, list[tuple[str, str, str, str]]] = {
    Stage.THEORY: [
        (
            "中国共产党章程",
            "《中国共产党章程》",
            "https://www.12371.cn/",
            "总纲和第一章“党员”：党员的八项义务和八项权利",
        ),
        (
            "中国共产党纪律处分条例",
            "《中国共产党纪律处分条例》",
            "https://www.12371.cn/",
            "六项纪律各自管什么，学生党员最容易忽视的是哪些",
        ),
        ("关于新形势下党内政治生活的若干准则", "党内法规", "", "批评和自我批评、组织生活制度"),
        ("中国共产党廉洁自律准则", "党内法规", "", "党员廉洁自律规范的四条要求"),
        ("共产党宣言", "《马克思恩格斯选集》第一卷", "", "第一章和第二章的主要论点"),
        ("为人民服务", "《毛泽东选集》第三卷", "", "“为人民服务”在书院生活中可以怎样做"),
        (
            "解放思想 实事求是 团结一致向前看",
            "《邓小平文选》第二卷",
            "",
            "解放思想与实事求是的关系",
        ),
    ],
    Stage.SPEECHES: [
        (
            "在庆祝中国共产党成立100周年大会上的讲话",
            "习近平总书记系列重要讲话",
            "",
            "对青年一代的希望",
        ),
        ("在北京大学师生座谈会上的讲话", "习近平总书记系列重要讲话", "", "青年的价值取向"),
        ("在纪念五四运动100周年大会上的讲话", "习近平总书记系列重要讲话", "", "五四精神的内涵"),
        (
            "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗",
            "党的二十大报告",
            "",
            "关于教育、科技、人才的论述",
        ),
    ],
    Stage.PRACTICE: [
        ("中国共产党党员教育管理工作条例", "党内法规", "", "党员日常管理的要求"),
        ("中国共产党支部工作条例（试行）", "党内法规", "", "支部的基本任务和组织生活"),
    ],
}


def study_guide(title: str, source: str, focus: str) -> str:
    """The text of a demo reading: where to find the original and what to read it for."""
    where = source if source.startswith("《") else f"《{title}》（{source}）"
    return (
        f"学习提示：请通读{where}原文，可在图书馆或共产党员网（www.12371.cn）查阅。\n"
        f"阅读重点：{focus}。\n"
        "读完后在本页确认已读，并写下一两句体会（不少于 10 个字）。"
    )


NOTES = [
    "通读全文，重点学习了党员的义务和权利，对照检查了自己的不足。",
    "结合书院生活谈体会：党员要在学习和服务同学中起带头作用。",
    "认真学习原文，摘抄了重要论述，并在支部学习会上作了交流。",
]

# (title, type, stage, days from now the activity starts, hour, hours long, place, capacity)
PAST = [
    ("党章专题辅导讲座", ActivityKind.LECTURE, Stage.THEORY, -21, 19, 2, "书院报告厅", 80),
    (
        "《纪律处分条例》支部学习会",
        ActivityKind.BRANCH_STUDY,
        Stage.THEORY,
        -10,
        19,
        2,
        "书院活动室",
        40,
    ),
    ("参观革命历史纪念馆", ActivityKind.VISIT, Stage.SPEECHES, -4, 9, 4, "市革命历史纪念馆", 30),
]
UPCOMING = [
    (
        "主题讨论 纪念建党 不忘初心",
        ActivityKind.DISCUSSION,
        Stage.SPEECHES,
        2,
        19,
        2,
        "书院研讨室",
        6,
    ),
    (
        "专家讲座 学习党的二十大精神",
        ActivityKind.LECTURE,
        Stage.SPEECHES,
        6,
        14,
        2,
        "图书馆报告厅",
        120,
    ),
    ("朋辈辅导经验交流会", ActivityKind.OTHER, Stage.PRACTICE, 9, 19, 1.5, "书院活动室", 30),
    (
        "支部学习会 学习《中国共产党支部工作条例》",
        ActivityKind.BRANCH_STUDY,
        Stage.PRACTICE,
        13,
        16,
        1,
        "书院会议室",
        40,
    ),
]
RUNNING_TITLE = "支部学习会 学习《关于新形势下党内政治生活的若干准则》"


@dataclass
class ActivitiesReport:
    readings: dict[int, list[Reading]] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    created: bool = False


def seed_readings() -> dict[int, list[Reading]]:
    """The demo's readings by stage, created once."""
    readings: dict[int, list[Reading]] = {}
    for stage, items in READINGS.items():
        for title, source, url, focus in items:
            reading, _ = Reading.objects.get_or_create(
                title=title,
                defaults={
                    "source": source,
                    "stage": stage,
                    "url": url,
                    "text": study_guide(title, source, focus),
                },
            )
            readings.setdefault(reading.stage, []).append(reading)
    return readings


def seed_activities_and_readings(
    *,
    plan: StudyPlan,
    organisers: Sequence[User],
    people: Sequence[User],
    rng: random.Random,
    now: datetime.datetime,
) -> ActivitiesReport:
    """Readings for every stage and the plan's activities with sign-ups and attendance.

    The first organiser who is not staff (the demo reviewer) organises the activity under way
    now, so that his sign-in screen can be tried; the organisers take the rest in turn. `people`
    follow the plan (they are enrolled here if they are not yet) and sign up, attend and confirm
    readings.
    """
    report = ActivitiesReport(readings=seed_readings())
    runner = next((o for o in organisers if not o.is_staff), organisers[0])
    if Activity.objects.filter(plan=plan).exists():
        # A later `make run` still finds a session under way, to try the sign-in screen.
        if not Activity.objects.filter(plan=plan, title=RUNNING_TITLE, ends_at__gt=now).exists():
            _schedule_running(plan, runner, now, rng)
        report.activities = list(Activity.objects.filter(plan=plan))
        return report
    report.created = True
    people = list(people)
    # Only the plan's participants may come to its activities.
    Enrollment.objects.bulk_create(
        [Enrollment(plan=plan, person=person) for person in people], ignore_conflicts=True
    )
    _confirm_readings(report.readings, people, rng, now)
    for number, spec in enumerate(PAST):
        organiser = organisers[number % len(organisers)]
        activity = _schedule(plan, organiser, spec, now, rng)
        signed_up = _sign_up(activity, rng.sample(people, min(len(people), rng.randint(8, 20))))
        for index, registration in enumerate(signed_up):
            if rng.random() < 0.15:
                continue  # did not come
            when = activity.starts_at + datetime.timedelta(minutes=rng.randint(-10, 20))
            if index % 5 == 0:
                services.mark_attendance(actor=organiser, registration=registration, now=when)
            else:
                services.sign_in_to_activity(
                    actor=registration.person,
                    activity=activity,
                    code=activity.sign_in_code,
                    now=when,
                )
        report.activities.append(activity)

    running = _schedule_running(plan, runner, now, rng)
    early = _sign_up(running, people[: min(len(people), 12)])
    for registration in early[len(early) // 2 :]:
        services.sign_in_to_activity(
            actor=registration.person,
            activity=running,
            code=running.sign_in_code,
            now=running.starts_at + datetime.timedelta(minutes=rng.randint(0, 25)),
        )
    report.activities.append(running)

    for number, spec in enumerate(UPCOMING):
        organiser = organisers[(number + 1) % len(organisers)]
        activity = _schedule(plan, organiser, spec, now, rng)
        # The first (six places) fills up and has a waiting list.
        count = activity.capacity + 3 if activity.capacity < 10 else rng.randint(3, 15)
        _sign_up(activity, rng.sample(people, min(len(people), count)), now=now)
        report.activities.append(activity)
    return report


def _schedule_running(plan, runner, now, rng) -> Activity:
    """The branch study session under way now, begun half an hour ago, run by `runner`."""
    return _schedule(
        plan,
        runner,
        (RUNNING_TITLE, ActivityKind.BRANCH_STUDY, Stage.THEORY, 0, 0, 2, "书院活动室", 50),
        now,
        rng,
        starts_at=now - datetime.timedelta(minutes=30),
        branch=runner.branch,
    )


def _schedule(plan, organiser, spec, now, rng, *, starts_at=None, branch=None) -> Activity:
    title, kind, stage, days, hour, hours, place, capacity = spec
    if starts_at is None:
        day = timezone.localtime(now + datetime.timedelta(days=days))
        starts_at = day.replace(hour=hour, minute=0, second=0, microsecond=0)
    details = services.ActivityDetails(
        title=title,
        kind=kind,
        stage=stage,
        description=_description(kind),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        place=place,
        capacity=capacity,
        hours=Decimal(str(hours)),
        plan=plan,
        # A reviewer schedules for his branch, as the page asks of him; staff for everyone.
        branch=branch if branch is not None or organiser.is_staff else organiser.branch,
    )
    return services.schedule_activity(actor=organiser, details=details)


def _description(kind: str) -> str:
    return {
        ActivityKind.LECTURE: "邀请马克思主义学院专家作专题辅导，会后交流提问。",
        ActivityKind.BRANCH_STUDY: "支部集体学习原文，每位同志结合实际谈体会。",
        ActivityKind.DISCUSSION: "围绕主题分组讨论，各组推选代表发言。",
        ActivityKind.VISIT: "集体乘车前往，请提前十分钟在书院门口集合。",
    }.get(kind, "请准时参加。")


def _sign_up(activity: Activity, people: Sequence[User], *, now=None) -> list:
    """Sign `people` up, in order, a few days before the activity; those refused are left out."""
    when = now or activity.starts_at - datetime.timedelta(days=3)
    registrations = []
    for person in people:
        try:
            registration = services.sign_up_for_activity(actor=person, activity=activity, now=when)
        except ValidationError:
            continue
        if registration.status == registration.Status.REGISTERED:
            registrations.append(registration)
    return registrations


def _confirm_readings(readings, people, rng, now) -> None:
    first_stage = readings.get(Stage.THEORY, [])
    for person in people:
        for reading in first_stage[: rng.randint(0, len(first_stage))]:
            if ReadingConfirmation.objects.filter(reading=reading, person=person).exists():
                continue
            confirmation = services.confirm_reading(
                actor=person, reading=reading, note=rng.choice(NOTES)
            )
            confirmation.confirmed_at = now - datetime.timedelta(days=rng.randint(1, 25))
            confirmation.save(update_fields=["confirmed_at"])
