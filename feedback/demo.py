# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Demo suggestions for `manage.py seed_demo`: handlers for each category and realistic
suggestions in every state, some anonymous, some overdue.

Deterministic: the same scale and seed give the same suggestions; their dates are counted back
from now, so they stay current. Written straight to the tables (with their history steps), so
that seeding does not flood the demo accounts' inboxes with notices.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from members.demo import DEMO_EMAIL_DOMAIN
from members.models import User

from .anonymity import author_token
from .models import Category, Status, Step, SubArea, Suggestion, Support
from .services import add_handlers

SUGGESTIONS_PER_SCALE = 24

# (category, sub-area, title, details)
IDEAS: list[tuple[str, str, str, str]] = [
    (
        "服务",
        "食堂",
        "二食堂晚餐窗口开得太少",
        "晚上六点后只剩两个窗口，排队经常超过二十分钟，希望增开窗口或延长营业。",
    ),
    (
        "服务",
        "食堂",
        "希望食堂提供更多清真和素食选择",
        "少数民族同学和素食同学选择很少，菜品长期不变。",
    ),
    (
        "服务",
        "宿舍",
        "三号楼热水供应时间太短",
        "热水只在晚上九点到十一点供应，做实验回来常常已经没有热水了。",
    ),
    ("服务", "宿舍", "宿舍洗衣机经常故障", "五号楼一层的两台洗衣机坏了两周还没有修好。"),
    (
        "服务",
        "自习室",
        "期末周自习室延长开放到零点",
        "期末周自习室十点关门，很多同学只能回宿舍复习，影响室友休息。",
    ),
    ("服务", "自习室", "自习室插座不够用", "每排只有一个插座，笔记本电脑没电只能离开座位。"),
    (
        "服务",
        "图书馆",
        "图书馆占座现象严重",
        "早上八点就有大量座位被书包占着，人却一直不来，希望设立暂离制度。",
    ),
    (
        "服务",
        "图书馆",
        "增加专业外文期刊的订阅",
        "本专业常用的几种期刊图书馆没有订阅，查文献很不方便。",
    ),
    ("服务", "网络", "宿舍晚上网络很卡", "晚上九点以后校园网速度明显变慢，上网课经常掉线。"),
    ("服务", "网络", "教学楼无线网络覆盖不全", "二号教学楼三层以上几乎连不上无线网。"),
    ("服务", "体育设施", "篮球场夜间照明不足", "篮球场只有一半的灯亮着，晚上打球容易受伤。"),
    (
        "管理",
        "宿舍管理",
        "宿舍门禁时间能否调整",
        "社团活动经常结束得较晚，希望门禁时间延后半小时。",
    ),
    ("管理", "安全", "东门外人行横道没有红绿灯", "上下课高峰期车多人多，过马路很危险。"),
    (
        "管理",
        "评优评奖",
        "奖学金评定细则公示时间太短",
        "细则只公示了两天，很多同学还没看到就截止了。",
    ),
    (
        "管理",
        "学生事务",
        "请假审批流程太繁琐",
        "病假需要找三个人签字，生病时来回跑很不方便，希望能线上审批。",
    ),
    (
        "教育教学",
        "课程",
        "希望增加编程类公共选修课",
        "非计算机专业的同学也想学习编程，现有选修课名额很少。",
    ),
    ("教育教学", "考试", "期末考试安排过于集中", "本学期有四门考试排在同两天，复习时间不够。"),
    (
        "教育教学",
        "实验实训",
        "实验室开放时间太短",
        "实验课的课后作业需要用实验室设备，但实验室只在上课时开放。",
    ),
    (
        "教育教学",
        "学业指导",
        "希望开设考研经验分享会",
        "低年级同学对考研规划缺乏了解，希望请学长学姐分享经验。",
    ),
    (
        "教育教学",
        "课程",
        "体育课选课系统经常崩溃",
        "选课开始的几分钟系统打不开，很多同学选不上想上的课。",
    ),
]

# The categories and sub-areas (with their English names) the demo needs; created when missing.
CATEGORIES: dict[str, tuple[str, dict[str, str]]] = {
    "教育教学": (
        "Teaching and learning",
        {"课程": "Courses", "考试": "Exams", "实验实训": "Labs", "学业指导": "Advising"},
    ),
    "管理": (
        "Management",
        {
            "宿舍管理": "Dormitory rules",
            "安全": "Safety",
            "评优评奖": "Awards",
            "学生事务": "Student affairs",
        },
    ),
    "服务": (
        "Services",
        {
            "宿舍": "Dormitories",
            "食堂": "Canteens",
            "自习室": "Study rooms",
            "图书馆": "Library",
            "网络": "Network",
            "体育设施": "Sports facilities",
        },
    ),
}

ANSWERS = [
    "已与后勤处沟通，自下周一起调整，感谢你的建议。",
    "相关部门已经安排维修，预计本周内完成。",
    "已反馈给教务处，下学期将按建议调整。",
    "书院将在本月召开专题会议讨论，结果会在这里公布。",
]
DECLINE_REASONS = ["该事项属于学校统一规定，书院无权调整，已向学校相关部门转达。"]
# How the demo suggestions are spread over the states, in percent.
STATE_SHARES: list[tuple[str, int]] = [
    (Status.SUBMITTED, 25),
    (Status.ACCEPTED, 15),
    (Status.IN_PROGRESS, 15),
    (Status.ANSWERED, 20),
    (Status.CLOSED, 20),
    (Status.DECLINED, 5),
]
# Demo people (from activist onward) handling each category, besides the accounts below.
DEMO_HANDLERS_PER_CATEGORY = 20
# category -> which demo accounts handle it
HANDLERS = {"服务": ["member"], "管理": ["reviewer"], "教育教学": ["reviewer", "member"]}


@dataclass
class SeedReport:
    suggestions: int
    created: bool


def seed_suggestions(*, accounts: dict[str, User], scale: int = 1, seed: int = 2016) -> SeedReport:
    """Give each category its demo handlers and, once, the demo suggestions."""
    with transaction.atomic():
        categories = _categories()
        for name, roles in HANDLERS.items():
            add_handlers(category=categories[name], people=[accounts[role] for role in roles])
        _every_member_handles(categories)
        if Suggestion.objects.exists():
            return SeedReport(suggestions=Suggestion.objects.count(), created=False)
        return SeedReport(
            suggestions=_create(accounts, categories, scale=scale, seed=seed), created=True
        )


def _every_member_handles(categories: dict[str, Category]) -> None:
    """Demo people from activist onward handle a category, in turn, so that they can answer
    suggestions (stage 3 of the study track counts the answers as practice): at most
    DEMO_HANDLERS_PER_CATEGORY each, as a college lists a few handlers on a category, however
    many people the demo holds."""
    members = (
        User.objects.in_workstation()
        .filter(is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
        .order_by("pk")
    )
    ordered = [categories[name] for name in sorted(categories)]
    share: dict[int, list[User]] = {category.pk: [] for category in ordered}
    for number, person in enumerate(members[: DEMO_HANDLERS_PER_CATEGORY * len(ordered)]):
        share[ordered[number % len(ordered)].pk].append(person)
    for category in ordered:
        category.handlers.add(*share[category.pk])


def _categories() -> dict[str, Category]:
    """The demo's categories and sub-areas, created when missing, kept when staff edited them."""
    categories = {}
    for position, (name, (name_en, areas)) in enumerate(CATEGORIES.items()):
        category, _ = Category.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "position": position}
        )
        for area_position, (area, area_en) in enumerate(areas.items()):
            SubArea.objects.get_or_create(
                category=category,
                name=area,
                defaults={"name_en": area_en, "position": area_position},
            )
        categories[name] = category
    return categories


def _create(accounts: dict[str, User], categories: dict[str, Category], *, scale, seed) -> int:
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    now = timezone.now()
    areas = {(area.category.name, area.name): area for area in SubArea.objects.all()}
    students = list(
        User.objects.filter(email__endswith="@stu.demo.edu.cn")
        .exclude(political_status__in=["activist", "candidate", "probationary", "full"])
        .order_by("student_number")[:300]
    ) or [accounts["student"]]
    supporters = students[:60]
    handlers = {name: [accounts[role] for role in roles] for name, roles in HANDLERS.items()}
    states = [state for state, share in STATE_SHARES for _ in range(share)]
    count = 0
    for number in range(SUGGESTIONS_PER_SCALE * scale):
        category_name, area_name, title, body = IDEAS[number % len(IDEAS)]
        category = categories.get(category_name)
        if category is None:
            continue
        # The demo student's own: one anonymous and answered (to rate), one named and new.
        if number == 0:
            author, anonymous, state = accounts["student"], True, Status.ANSWERED
        elif number == 1:
            author, anonymous, state = accounts["student"], False, Status.SUBMITTED
        else:
            author, anonymous, state = rng.choice(students), rng.random() < 0.3, rng.choice(states)
        created = now - datetime.timedelta(days=rng.uniform(0.2, 20), minutes=number)
        handler = rng.choice(handlers.get(category_name) or [accounts["staff"]])
        suggestion = Suggestion(
            title=title,
            body=body,
            category=category,
            sub_area=areas.get((category_name, area_name)),
            is_anonymous=anonymous,
            author=None if anonymous else author,
            author_token=author_token(author) if anonymous else "",
            status=state,
            created_at=created,
        )
        steps = [(Step.Action.SUBMIT, Status.SUBMITTED, None, created, "")]
        if state != Status.SUBMITTED:
            first = created + datetime.timedelta(hours=rng.uniform(2, 60))
            first = min(first, now)
            suggestion.first_response_at = first
            suggestion.assignee = handler
            steps.append((Step.Action.ACCEPT, Status.ACCEPTED, handler, first, ""))
        if state in (Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED):
            steps.append((Step.Action.START, Status.IN_PROGRESS, handler, first, ""))
        if state in (Status.ANSWERED, Status.CLOSED):
            answered = min(first + datetime.timedelta(hours=rng.uniform(4, 100)), now)
            suggestion.answer = rng.choice(ANSWERS)
            suggestion.answered_by = handler
            suggestion.answered_at = answered
            steps.append((Step.Action.ANSWER, Status.ANSWERED, handler, answered, ""))
        if state == Status.CLOSED:
            suggestion.satisfied = rng.random() < 0.8
            suggestion.closed_at = suggestion.answered_at
            steps.append((Step.Action.CLOSE, Status.CLOSED, handler, suggestion.closed_at, ""))
        if state == Status.DECLINED:
            suggestion.decline_reason = DECLINE_REASONS[0]
            suggestion.closed_at = suggestion.first_response_at
            steps.append(
                (Step.Action.DECLINE, state, handler, suggestion.closed_at, DECLINE_REASONS[0])
            )
        suggestion.save()
        Step.objects.bulk_create(
            Step(
                suggestion=suggestion,
                action=action,
                status=status,
                actor=actor if action != Step.Action.SUBMIT or not anonymous else None,
                by_author=action == Step.Action.SUBMIT,
                note=note,
                created_at=when,
                author_told=True,
            )
            for action, status, actor, when, note in steps
        )
        backers = rng.sample(supporters, k=min(len(supporters), rng.randint(0, 12)))
        backers = [person for person in backers if person.pk != author.pk]
        Support.objects.bulk_create(
            Support(suggestion=suggestion, supporter=person) for person in backers
        )
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=len(backers))
        count += 1
    return count
