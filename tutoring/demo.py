# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Demo peer tutoring for `manage.py seed_demo`: related majors, offers from the demo member, the
reviewer and other members of higher years, and requests from lower-year students in every state,
with pairings, their history, sessions (confirmed and waiting) and ratings.

Deterministic for a scale and seed; dates are counted back from today. Written straight to the
tables (with the history steps), so that seeding does not flood the demo inboxes with notices.
Run again, it changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from members.demo import DEMO_EMAIL_DOMAIN
from members.models import User

from .models import (
    EndReason,
    Offer,
    OfferCourse,
    Pairing,
    Rating,
    RelatedMajor,
    Request,
    RequestStatus,
    Session,
    Status,
    Step,
    TimeSlot,
    Topic,
)

REQUESTS_PER_SCALE = 10
RELATED = [
    ("计算机科学与技术", "软件工程"),
    ("计算机科学与技术", "人工智能"),
    ("会计学", "金融学"),
    ("数学与应用数学", "统计学"),
]
COURSES = [
    ("高等数学", "95"),
    ("线性代数", "91"),
    ("C语言程序设计", "92"),
    ("大学英语", ""),
    ("概率论与数理统计", "88"),
    ("会计学原理", "90"),
]
NEEDS = {
    Topic.STUDY_PLANNING: "刚进大学，不知道怎么安排学习时间，想请学长学姐帮忙规划一下。",
    Topic.CAREER_PLANNING: "想了解保研、考研和就业各要做哪些准备。",
    Topic.SUBJECT: "对专业方向还很迷茫，想听听高年级同学的看法。",
    Topic.COURSE: "这门课跟不上，作业经常不会做，希望有人帮我梳理重点。",
}
SESSION_TOPICS = ["梳理知识点", "讲解习题", "制定学习计划", "期中复习", "交流选课经验"]
NEXT_STEPS = ["完成第三章习题", "下周讨论错题", "整理笔记后再约", "试着做一套往年题", ""]
# The states the demo's requests go through, in turn (the pairing's status, if any).
STATES = ["open", "proposed", "active", "active", "ended", "withdrawn", "paused", "declined"]


@dataclass
class SeedReport:
    offers: int
    requests: int
    created: bool


def seed_tutoring(*, accounts: dict[str, User], scale: int = 1, seed: int = 2016) -> SeedReport:
    """Once: the related majors, the offers, the requests, pairings, sessions and ratings."""
    with transaction.atomic():
        if Offer.objects.exists() or Request.objects.exists():
            return SeedReport(Offer.objects.count(), Request.objects.count(), created=False)
        rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        for major, related in RELATED:
            RelatedMajor.objects.get_or_create(major=major, related=related)
        offers = _offers(accounts, rng, scale)
        count = _requests(accounts, offers, rng, scale)
        return SeedReport(len(offers), count, created=True)


def _offer(tutor: User, rng: random.Random, **fields) -> Offer:
    courses = fields.pop("courses", rng.sample(COURSES, 2))
    offer = Offer.objects.create(tutor=tutor, **fields)
    OfferCourse.objects.bulk_create(
        OfferCourse(offer=offer, course=course, grade_got=grade) for course, grade in courses
    )
    return offer


def _offers(accounts: dict[str, User], rng: random.Random, scale: int) -> list[Offer]:
    offers = [
        _offer(
            accounts["member"],
            rng,
            topics=[Topic.STUDY_PLANNING, Topic.COURSE],
            courses=[("高等数学", "95"), ("C语言程序设计", "92")],
            capacity=3,
            times=[TimeSlot.WEEKDAY_EVENING, TimeSlot.WEEKEND_AFTERNOON],
            note="大三，计算机专业，乐于分享学习方法。",
        ),
        _offer(
            accounts["reviewer"],
            rng,
            topics=[Topic.CAREER_PLANNING, Topic.SUBJECT],
            courses=[],
            capacity=2,
            times=[TimeSlot.WEEKEND_MORNING],
        ),
    ]
    seniors = (
        User.objects.in_workstation()
        .filter(is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}", grade__lte=2023)
        .order_by("pk")[: 6 * scale]
    )
    slots = TimeSlot.values
    for person in seniors:
        topics = rng.sample([Topic.STUDY_PLANNING, Topic.CAREER_PLANNING, Topic.SUBJECT], 2)
        offers.append(
            _offer(
                person,
                rng,
                topics=[*topics, Topic.COURSE],
                capacity=rng.choice([1, 2, 3]),
                times=rng.sample(slots, 2),
                paused=rng.random() < 0.15,
            )
        )
    return offers


def _requests(
    accounts: dict[str, User], offers: list[Offer], rng: random.Random, scale: int
) -> int:
    tutees = list(
        User.objects.filter(
            is_active=True, email__endswith=f"@{DEMO_EMAIL_DOMAIN}", grade__gte=2024
        )
        .exclude(political_status__in=["activist", "candidate", "probationary", "full"])
        .order_by("pk")[: REQUESTS_PER_SCALE * scale]
    )
    now = timezone.now()
    staff = accounts["staff"]
    # The demo student has a pairing with the demo member going on: a session to confirm and
    # one to rate; the demo member has a proposal to answer.
    _request(
        accounts["student"],
        "active",
        offers[0],
        rng,
        now,
        staff,
        topic=Topic.COURSE,
        course="高等数学",
        unconfirmed=True,
    )
    # Places taken of each offer (a declined proposal takes none): no offer goes over capacity.
    taken = {offers[0].pk: 1}
    open_offers = [offer for offer in offers if not offer.paused]
    for index, tutee in enumerate(tutees):
        state = STATES[index % len(STATES)]
        # The demo member's first proposal is his to answer; the others go round.
        if state == "proposed" and taken[offers[0].pk] == 1:
            candidates = [offers[0]]
        else:
            candidates = open_offers[index % len(open_offers) :] + open_offers
        offer = next(
            (o for o in candidates if taken.get(o.pk, 0) < o.capacity or state == "declined"),
            None,
        )
        if offer is None:
            state = "open"
        elif state not in ("open", "withdrawn", "declined"):
            taken[offer.pk] = taken.get(offer.pk, 0) + 1
        _request(tutee, state, offer, rng, now, staff)
    return 1 + len(tutees)


def _request(tutee, state, offer, rng, now, staff, *, topic=None, course="", unconfirmed=False):
    topic = topic or rng.choice(Topic.values)
    if topic == Topic.COURSE and not course:
        course = rng.choice(COURSES)[0]
    asked_at = now - datetime.timedelta(days=rng.randint(2, 60))
    request = Request.objects.create(
        tutee=tutee,
        topic=topic,
        course=course,
        major=tutee.major,
        grade=tutee.grade,
        times=rng.sample(TimeSlot.values, 2),
        description=NEEDS[topic],
        created_at=asked_at,
        waiting_since=asked_at,
        status={
            "open": RequestStatus.OPEN,
            "declined": RequestStatus.OPEN,
            "proposed": RequestStatus.PROPOSED,
            "active": RequestStatus.MATCHED,
            "paused": RequestStatus.MATCHED,
            "ended": RequestStatus.CLOSED,
            "withdrawn": RequestStatus.WITHDRAWN,
        }[state],
        withdrawn_at=asked_at + datetime.timedelta(days=1) if state == "withdrawn" else None,
    )
    if state in ("open", "withdrawn"):
        return request
    proposed_at = asked_at + datetime.timedelta(days=1)
    pairing = Pairing.objects.create(
        request=request,
        tutee=tutee,
        tutor=offer.tutor,
        status=Status.PROPOSED,
        proposed_by=staff,
        created_at=proposed_at,
    )
    _step(pairing, Step.Action.PROPOSE, staff, proposed_at)
    if state == "proposed":
        return request
    if state == "declined":
        pairing.status = Status.DECLINED
        pairing.decline_reason = "这学期课程和实习都很满，抽不出时间。"
        pairing.save(update_fields=["status", "decline_reason"])
        _step(pairing, Step.Action.DECLINE, offer.tutor, proposed_at, pairing.decline_reason)
        Request.objects.filter(pk=request.pk).update(waiting_since=proposed_at)
        return request
    accepted_at = proposed_at + datetime.timedelta(hours=20)
    pairing.status = Status.ACTIVE
    pairing.accepted_at = accepted_at
    pairing.save(update_fields=["status", "accepted_at"])
    _step(pairing, Step.Action.ACCEPT, offer.tutor, accepted_at)
    last = _sessions(pairing, rng, accepted_at, now, unconfirmed=unconfirmed)
    pairing.quiet_since = last or timezone.localdate(accepted_at)
    fields = ["quiet_since"]
    if state == "paused":
        pairing.status = Status.PAUSED
        fields.append("status")
        _step(pairing, Step.Action.PAUSE, tutee, now - datetime.timedelta(days=1))
    if state == "ended":
        pairing.status, pairing.end_reason, pairing.ended_at = (
            Status.ENDED,
            EndReason.GOAL_REACHED,
            now,
        )
        fields += ["status", "end_reason", "ended_at"]
        _step(pairing, Step.Action.END, tutee, now, EndReason.GOAL_REACHED.label)
    pairing.save(update_fields=fields)
    return request


def _step(pairing, action, actor, when, note=""):
    Step.objects.create(
        pairing=pairing,
        action=action,
        status=pairing.status,
        actor=actor,
        note=note,
        created_at=when,
    )


def _sessions(pairing, rng, accepted_at, now, *, unconfirmed=False):
    """A few sessions since the pairing began, each confirmed by the tutee and most rated; the
    last one waiting for confirmation when asked. Returns the last session's date."""
    first = timezone.localdate(accepted_at)
    span = max((timezone.localdate(now) - first).days, 1)
    days = sorted({rng.randint(0, span) for _ in range(rng.randint(2, 4))})
    last = None
    for number, offset in enumerate(days):
        date = min(first + datetime.timedelta(days=offset), timezone.localdate(now))
        waiting = unconfirmed and number == len(days) - 1
        session = Session.objects.create(
            pairing=pairing,
            tutor=pairing.tutor,
            date=date,
            minutes=rng.choice([45, 60, 90, 120]),
            topic=rng.choice(SESSION_TOPICS),
            next_step=rng.choice(NEXT_STEPS),
            logged_by=pairing.tutor,
            logged_at=now,
            confirmed_by=None if waiting else pairing.tutee,
            confirmed_at=None if waiting else now,
        )
        # The demo student's last confirmed session is left for him to rate.
        left_to_rate = unconfirmed and number == len(days) - 2
        if not waiting and not left_to_rate and rng.random() < 0.85:
            Rating.objects.create(
                session=session, score=rng.choice([3, 4, 4, 5, 5]), comment="讲得很清楚，有收获。"
            )
        last = date
    return last
