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
    Branch,
    Gender,
    Milestone,
    PoliticalStatus,
    User,
    WorkstationGroup,
    WorkstationRole,
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
# The step each status stands on (the demo's timelines are placed around it).
ANCHOR = {
    PoliticalStatus.APPLICANT: Milestone.Kind.APPLICATION,
    PoliticalStatus.ACTIVIST: Milestone.Kind.ACTIVIST,
    PoliticalStatus.CANDIDATE: Milestone.Kind.CANDIDATE,
    PoliticalStatus.PROBATIONARY: Milestone.Kind.PROBATIONARY,
    PoliticalStatus.FULL: Milestone.Kind.FULL,
}
# A year and two days: a step due "a year after" stays so when the dates are moved by days.
A_YEAR = 367


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
    anchors: dict[str, datetime.date] = {}
    joined: dict[str, int] = {}  # people per status so far: each status spreads over the branches
    for index in range(PEOPLE_PER_SCALE * scale):
        status = rng.choices(*zip(*STATUS_SHARES, strict=True))[0]
        in_development = status in ANCHOR
        anchor = today - datetime.timedelta(days=rng.randint(100, 300))
        grade = _grade(rng, anchor if in_development else None, status, today)
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
            branch=branches[joined.get(status, 0) % len(branches)] if in_development else None,
            password=unusable,
        )
        people.append(person)
        anchors[number] = anchor
        joined[status] = joined.get(status, 0) + 1
    User.objects.bulk_create(people, batch_size=1000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=1000,
    )
    full = [p for p in people if p.political_status == PoliticalStatus.FULL]
    milestones = []
    for person in people:
        # Contact persons and introducers: full members of his branch (of the college if the
        # branch has too few), other than himself.
        members = [p for p in full if p.branch_id == person.branch_id and p.pk != person.pk]
        if len(members) < 4:
            members = [p for p in full if p.pk != person.pk]
        chosen = rng.sample(members, 4)
        birth, steps = demo_timeline(
            rng,
            person.political_status,
            anchors[person.student_number],
            today,
            (chosen[0], chosen[1]),
            (chosen[2], chosen[3]),
        )
        person.birth_date = birth
        milestones.extend(Milestone(person=person, note="", **step) for step in steps)
    User.objects.bulk_update(people, ["birth_date"], batch_size=1000)
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


def demo_timeline(
    rng: random.Random,
    status: str,
    anchor: datetime.date,
    today: datetime.date,
    contacts: tuple[User, User],
    introducers: tuple[User, User],
) -> tuple[datetime.date | None, list[dict]]:
    """A birth date and the steps that give `status`, following the procedure's rules, placed
    so that the step the status stands on falls on `anchor` (and nothing after `today`).

    Each step is a dict of `record_step`'s arguments.
    """
    if status not in ANCHOR:
        return None, []
    K = Milestone.Kind
    day = 0  # days from the application; moved to real dates at the end
    steps: list[dict] = [{"kind": K.APPLICATION, "date": 0}]

    def add(kind: str, gap: tuple[int, int], **details) -> int:
        nonlocal day
        day += rng.randint(*gap)
        steps.append({"kind": kind, "date": day, **details})
        return day

    def done() -> bool:
        return steps[-1]["kind"] == ANCHOR[status]

    if not done():
        add(K.TALK, (3, 25), member_1=contacts[0])
        activist = add(
            K.ACTIVIST,
            (30, 200),
            method=rng.choice(Milestone.Method.values),
            member_1=contacts[0],
            member_2=contacts[1],
        )
    if not done():
        candidate = activist + A_YEAR + rng.randint(0, 90)
        record = activist
        while record + 170 < candidate:
            record += rng.randint(120, 170)
            steps.append({"kind": K.RECORD, "date": record, "member_1": contacts[0]})
        steps.append({"kind": K.REVIEW, "date": activist + rng.randint(200, 330)})
        steps.append(
            {"kind": K.TRAINING, "date": activist + rng.randint(60, 190), "days": 3, "hours": 24}
        )
        steps.append({"kind": K.CANDIDATE, "date": candidate})
        day = candidate
    if not done():
        add(K.INTRODUCERS, (5, 30), member_1=introducers[0], member_2=introducers[1])
        publicity = add(K.PUBLICITY, (5, 30))
        steps[-1]["end_date"] = publicity + 9
        day = publicity + 9
        meeting = add(K.PROBATIONARY, (1, 20))
        add(K.APPROVAL, (10, 60))
        add(K.OATH, (1, 20))
    if status == PoliticalStatus.FULL:
        day = meeting + A_YEAR + rng.randint(0, 20)
        steps.append({"kind": K.FULL, "date": day})
    offset = next(step["date"] for step in steps if step["kind"] == ANCHOR[status])
    start = anchor - datetime.timedelta(days=offset)
    for step in steps:
        step["date"] = start + datetime.timedelta(days=step["date"])
        if "end_date" in step:
            step["end_date"] = start + datetime.timedelta(days=step["end_date"])
    if status == PoliticalStatus.ACTIVIST:  # assessed every half year until now
        record = steps[2]["date"]
        while record + datetime.timedelta(days=170) < today:
            record += datetime.timedelta(days=rng.randint(120, 170))
            steps.append({"kind": K.RECORD, "date": record, "member_1": contacts[0]})
    steps = [step for step in steps if step["date"] <= today]
    steps.sort(key=lambda step: step["date"])
    birth = start - datetime.timedelta(days=18 * 366 + rng.randint(30, 900))
    return birth, steps


# About how long before the step a status stands on the application came, in days.
SINCE_APPLICATION = {
    PoliticalStatus.APPLICANT: 0,
    PoliticalStatus.ACTIVIST: 120,
    PoliticalStatus.CANDIDATE: 520,
    PoliticalStatus.PROBATIONARY: 600,
    PoliticalStatus.FULL: 1000,
}


def _grade(
    rng: random.Random, anchor: datetime.date | None, status: str, today: datetime.date
) -> int:
    """An entry year around the first application, and at most four years ago for students."""
    latest = today.year if today.month >= 9 else today.year - 1
    if anchor is not None:
        first = anchor - datetime.timedelta(days=SINCE_APPLICATION[status])
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
