"""Asking for a tutor and offering tutoring: submit and withdraw a request; save and pause an
offer."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, workflow
from ..models import (
    OPEN_REQUEST_STATUSES,
    EndReason,
    Offer,
    OfferCourse,
    Pairing,
    Request,
    RequestStatus,
    Step,
    TimeSlot,
    Topic,
)
from .notices import record_step, tell


def _clean_times(times: Iterable[str]) -> list[str]:
    times = list(dict.fromkeys(times))
    if any(time not in TimeSlot.values for time in times):
        raise ValidationError(_("Choose the times from the list."), code="times")
    return times


@transaction.atomic
def submit_request(
    *, actor, topic: str, course: str = "", times: Sequence[str], description: str
) -> Request:
    """A student asks for a tutor; his major and grade are taken from his profile."""
    if not access.can_request(actor):
        raise PermissionDenied
    if topic not in Topic.values:
        raise ValidationError(_("Choose a topic from the list."), code="topic")
    course = course.strip() if topic == Topic.COURSE else ""
    if topic == Topic.COURSE and not course:
        raise ValidationError({"course": _("Name the course, by its name or code.")})
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Say in a few words what you need.")})
    waiting = Request.objects.filter(
        tutee=actor, topic=topic, course__iexact=course, status__in=OPEN_REQUEST_STATUSES
    )
    if waiting.exists():
        raise ValidationError(
            _("You have asked for this already: see “My tutoring requests”."), code="duplicate"
        )
    now = timezone.now()
    return Request.objects.create(
        tutee=actor,
        topic=topic,
        course=course,
        major=actor.major,
        grade=actor.grade,
        times=_clean_times(times),
        description=description,
        created_at=now,
        waiting_since=now,
    )


@transaction.atomic
def withdraw_request(*, actor, request: Request) -> Request:
    """The student withdraws his request; a pairing of it, proposed or going on, ends
    ("the student withdrew") and its tutor is told."""
    if not access.can_withdraw(actor, request):
        raise PermissionDenied
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError(
            _("This request is “%(status)s” already.") % {"status": request.get_status_display()},
            code="status",
        )
    pairing = (
        Pairing.objects.open()
        .select_for_update(of=("self",))
        .select_related("tutor", "tutee")
        .filter(request=request)
        .first()
    )
    now = timezone.now()
    if pairing is not None:
        pairing.status = workflow.next_status(pairing, Step.Action.END)
        pairing.end_reason = EndReason.TUTEE_WITHDREW
        pairing.ended_at = now
        pairing.save(update_fields=["status", "end_reason", "ended_at"])
        step = record_step(
            pairing, Step.Action.END, actor=actor, note=EndReason.TUTEE_WITHDREW.label
        )
        tell(
            [pairing.tutor],
            kind="tutoring-status",
            key=f"tutoring-status:{step.pk}",
            link=pairing.get_absolute_url(),
            pairing=pairing,
            step=step,
        )
    request.status = RequestStatus.WITHDRAWN
    request.withdrawn_at = now
    request.save(update_fields=["status", "withdrawn_at"])
    return request


def _clean_courses(courses: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned: dict[str, tuple[str, str]] = {}
    for course, grade in courses:
        course, grade = course.strip()[:100], grade.strip()[:16]
        if course:
            cleaned.setdefault(course.casefold(), (course, grade))
    return list(cleaned.values())


@transaction.atomic
def save_offer(
    *,
    actor,
    topics: Sequence[str],
    courses: Iterable[tuple[str, str]] = (),
    capacity: int,
    times: Sequence[str],
    note: str = "",
    paused: bool = False,
) -> Offer:
    """A member offers tutoring (or changes his offer): topics, courses with the grade he got,
    how many tutees at once, and when. Lowering the capacity below his present tutees only
    stops new suggestions."""
    if not access.can_offer(actor):
        raise PermissionDenied
    courses = _clean_courses(courses)
    topics = list(dict.fromkeys(topics))
    if any(topic not in Topic.values for topic in topics):
        raise ValidationError(_("Choose the topics from the list."), code="topics")
    if courses and Topic.COURSE not in topics:
        topics.append(Topic.COURSE)
    if not topics:
        raise ValidationError(_("Choose at least one topic, or name a course."), code="topics")
    if Topic.COURSE in topics and not courses:
        raise ValidationError({"courses": _("Name the courses you help with.")})
    if not 1 <= capacity <= 10:
        raise ValidationError({"capacity": _("Take from 1 to 10 tutees at once.")})
    offer, _created = Offer.objects.select_for_update().get_or_create(tutor=actor)
    offer.topics = topics
    offer.capacity = capacity
    offer.times = _clean_times(times)
    offer.note = note.strip()
    offer.paused = paused
    offer.save(update_fields=["topics", "capacity", "times", "note", "paused", "updated_at"])
    offer.courses.all().delete()
    OfferCourse.objects.bulk_create(
        [OfferCourse(offer=offer, course=course, grade_got=grade) for course, grade in courses]
    )
    return offer
