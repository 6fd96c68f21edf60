"""Demo people for `manage.py seed_demo`: branches, students and members with plausible
Chinese names, majors, classes, grades and development timelines that obey the rules, their
secretaries and the workstation's officers and groups.

Deterministic: the same scale and seed give the same people, numbers, names and statuses; the
dates of the timelines are counted back from today, so they stay current.
"""

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import (
    MILESTONE_ORDER,
    MILESTONE_STATUS,
    Branch,
    Gender,
    Milestone,
    PoliticalStatus,
    User,
    WorkstationGroup,
    WorkstationRole,
    one_year_after,
)

DEMO_EMAIL_DOMAIN = "stu.demo.edu.cn"
PEOPLE_PER_SCALE = 200
BRANCHES_PER_SCALE = 4
GROUPS = ["学业辅导组", "宿舍督查组", "议事服务组", "宣传实践组"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬浩宇轩然子涵欣怡梓萱思雨晨阳博文一诺"
    "佳琪雅婷俊熙嘉豪天佑睿泽若汐雨桐子墨瑾瑜承志书瑶"
)
# college -> [(major, class abbreviation)]
COLLEGES: dict[str, list[tuple[str, str]]] = {
    "计算机科学与技术学院": [
        ("计算机科学与技术", "计科"),
        ("软件工程", "软工"),
        ("人工智能", "智能"),
    ],
    "经济管理学院": [("会计学", "会计"), ("金融学", "金融"), ("工商管理", "工管")],
    "外国语学院": [("英语", "英语"), ("日语", "日语")],
    "机械工程学院": [("机械设计制造及其自动化", "机制"), ("车辆工程", "车辆")],
    "数学与统计学院": [("数学与应用数学", "数学"), ("统计学", "统计")],
}
# How a cohort is spread over the statuses, in percent.
STATUS_SHARES: list[tuple[str, int]] = [
    (PoliticalStatus.MASSES, 12),
    (PoliticalStatus.LEAGUE, 43),
    (PoliticalStatus.APPLICANT, 15),
    (PoliticalStatus.ACTIVIST, 12),
    (PoliticalStatus.CANDIDATE, 6),
    (PoliticalStatus.PROBATIONARY, 6),
    (PoliticalStatus.FULL, 6),
]
# The gap, in days, between a step and the one before it: (least, most).
GAPS: dict[str, tuple[int, int]] = {
    Milestone.Kind.ACTIVIST: (60, 240),
    Milestone.Kind.CANDIDATE: (366, 480),
    Milestone.Kind.PROBATIONARY: (60, 200),
    Milestone.Kind.FULL: (366, 400),
}
STATUS_STEPS = {
    status: MILESTONE_ORDER.index(kind) + 1 for kind, status in MILESTONE_STATUS.items()
}


@dataclass
class SeedReport:
    branches: int
    people: int
    milestones: int
    created: bool


def demo_people_exist() -> bool:
    return User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()


@transaction.atomic
def seed_people(*, scale: int = 1, seed: int = 2016, today: datetime.date) -> SeedReport:
    """Create the demo organisation once; a second run finds it and changes nothing."""
    if demo_people_exist():
        return SeedReport(
            branches=Branch.objects.count(),
            people=User.objects.count(),
            milestones=Milestone.objects.count(),
            created=False,
        )
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    branches = _branches(scale)
    unusable = make_password(None)
    people: list[User] = []
    timelines: dict[str, list[tuple[str, datetime.date]]] = {}
    joined: dict[str, int] = {}  # people per status so far: each status spreads over the branches
    for index in range(PEOPLE_PER_SCALE * scale):
        status = rng.choices(*zip(*STATUS_SHARES, strict=True))[0]
        timeline = _timeline(rng, STATUS_STEPS.get(status, 0), today)
        grade = _grade(rng, timeline, today)
        college_index = rng.randrange(len(COLLEGES))
        college = list(COLLEGES)[college_index]
        major, abbreviation = rng.choice(COLLEGES[college])
        number = f"{grade}{college_index + 1:02d}{index + 1:05d}"
        person = User(
            email=f"{number}@{DEMO_EMAIL_DOMAIN}",
            student_number=number,
            name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2, 2]))),
            gender=rng.choice([Gender.MALE, Gender.FEMALE]),
            college=college,
            major=major,
            class_name=f"{abbreviation}{grade % 100:02d}{rng.randint(1, 4):02d}",
            grade=grade,
            phone=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            political_status=status,
            branch=branches[joined.get(status, 0) % len(branches)] if timeline else None,
            password=unusable,
        )
        people.append(person)
        timelines[number] = timeline
        joined[status] = joined.get(status, 0) + 1
    User.objects.bulk_create(people, batch_size=1000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=1000,
    )
    milestones = [
        Milestone(person=person, kind=kind, date=date, note="")
        for person in people
        for kind, date in timelines[person.student_number]
    ]
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    _officers(rng, people, branches)
    return SeedReport(
        branches=len(branches), people=len(people), milestones=len(milestones), created=True
    )


def _branches(scale: int) -> list[Branch]:
    numerals = "一二三四五六七八九十"
    names = [
        f"本科生第{numerals[n] if n < 10 else n + 1}党支部"
        for n in range(BRANCHES_PER_SCALE * scale - 1)
    ] + ["研究生党支部"]
    return [Branch.objects.get_or_create(name=name)[0] for name in names]


def _timeline(
    rng: random.Random, steps: int, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    """`steps` milestones counted back from a recent date, each gap within the rules."""
    if not steps:
        return []
    kinds = MILESTONE_ORDER[:steps]
    date = today - datetime.timedelta(days=rng.randint(5, 300))
    dated = [(kinds[-1], date)]
    for kind, earlier in zip(reversed(kinds[1:]), reversed(kinds[:-1]), strict=True):
        least, most = GAPS[kind]
        date = date - datetime.timedelta(days=rng.randint(least, most))
        if kind in (Milestone.Kind.CANDIDATE, Milestone.Kind.FULL):
            while one_year_after(date) > dated[-1][1]:  # leap years
                date -= datetime.timedelta(days=1)
        dated.append((earlier, date))
    return list(reversed(dated))


def _grade(
    rng: random.Random, timeline: list[tuple[str, datetime.date]], today: datetime.date
) -> int:
    """An entry year before the first application, and at most four years ago for students."""
    latest = today.year if today.month >= 9 else today.year - 1
    if timeline:
        first = timeline[0][1]
        latest = min(latest, first.year if first.month >= 9 else first.year - 1)
    return rng.randint(latest - 3, latest)


def _officers(rng: random.Random, people: list[User], branches: list[Branch]) -> None:
    """Secretaries for the branches; the head, deputies, group leaders and members."""
    full = [p for p in people if p.political_status == PoliticalStatus.FULL]
    in_workstation = [
        p
        for p in people
        if p.political_status in (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)
    ]
    for branch in branches:
        candidates = [p for p in full if p.branch_id == branch.pk]
        if candidates and branch.secretary_id is None:
            branch.secretary = rng.choice(candidates)
            branch.save(update_fields=["secretary"])
    groups = [WorkstationGroup.objects.get_or_create(name=name)[0] for name in GROUPS]
    officers = rng.sample(full, min(len(full), 3 + len(groups)))
    for person in in_workstation:
        person.workstation_role = WorkstationRole.MEMBER
        person.group = rng.choice(groups)
    for role, person in zip(
        [WorkstationRole.HEAD, WorkstationRole.DEPUTY, WorkstationRole.DEPUTY],
        officers,
        strict=False,
    ):
        person.workstation_role = role
        person.group = None
    for group, person in zip(groups, officers[3:], strict=False):
        person.workstation_role = WorkstationRole.LEADER
        person.group = group
    User.objects.bulk_update(in_workstation, ["workstation_role", "group"], batch_size=1000)
