"""Suggested tutors for a request: one ranking, with the reasons shown for each tutor.

A tutor is suggested when his offer is not paused, he may tutor (an active person of the
workstation), he is not the student himself, and his pairings that hold a place (proposed,
active, paused) are fewer than his capacity: a tutor at capacity is never suggested. Each
factor adds points and a reason:

- the course asked for is among his courses (`COURSE`), or the topic among his topics (`TOPIC`);
- the same major as the student (`SAME_MAJOR`), or one staff list as related (`RELATED_MAJOR`);
- a higher grade: he entered earlier than the student (`HIGHER_GRADE`);
- times that suit both, per slot in common (`PER_COMMON_SLOT`).

Ties go to fewer active tutees, then to more places free, then by name. A fixed number of
queries, whatever the number of tutors.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import access
from .models import (
    OPEN_STATUSES,
    Offer,
    OfferCourse,
    RelatedMajor,
    Request,
    Status,
    Topic,
    slot_labels,
)

COURSE = 8
TOPIC = 6
SAME_MAJOR = 4
RELATED_MAJOR = 2
HIGHER_GRADE = 2
PER_COMMON_SLOT = 1


@dataclass
class Candidate:
    """A suggested tutor, his score and why."""

    offer: Offer
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def tutor(self):
        return self.offer.tutor

    @property
    def places_free(self) -> int:
        return self.offer.capacity - self.offer.load


def related_majors(major: str) -> set[str]:
    """The majors staff list as related to `major`, in either direction."""
    if not major:
        return set()
    pairs = RelatedMajor.objects.filter(Q(major=major) | Q(related=major)).values_list(
        "major", "related"
    )
    return {other for pair in pairs for other in pair if other != major}


def _same_course(asked: str, offered: str) -> bool:
    """A course matches by name or code, whatever the case or the spaces around it; a code
    inside a longer name ("MATH101 高等数学") matches too."""
    asked, offered = asked.strip().casefold(), offered.strip().casefold()
    if not asked or not offered:
        return False
    return asked == offered or asked in offered.split() or offered in asked.split()


def candidate_offers(request: Request):
    """The offers that may be suggested for `request`, each with its `load` and `active`."""
    return (
        Offer.objects.filter(paused=False, tutor__in=access.eligible_tutors())
        .exclude(tutor=request.tutee_id)
        .annotate(
            load=Count(
                "tutor__tutoring_as_tutor",
                filter=Q(tutor__tutoring_as_tutor__status__in=OPEN_STATUSES),
            ),
            active=Count(
                "tutor__tutoring_as_tutor",
                filter=Q(tutor__tutoring_as_tutor__status=Status.ACTIVE),
            ),
        )
        .filter(load__lt=F("capacity"))
        .select_related("tutor")
        .prefetch_related(Prefetch("courses", queryset=OfferCourse.objects.order_by("course")))
    )


def rank_tutors(request: Request, *, exclude_ids=()) -> list[Candidate]:
    """The tutors suggested for `request`, best first, each with the reasons of his rank."""
    related = related_majors(request.major)
    candidates = []
    for offer in candidate_offers(request).exclude(tutor__in=list(exclude_ids)):
        candidate = Candidate(offer)
        _score(candidate, request, related)
        candidates.append(candidate)
    candidates.sort(
        key=lambda c: (-c.score, c.offer.active, -c.places_free, c.tutor.display_name, c.tutor.pk)
    )
    return candidates


def _score(candidate: Candidate, request: Request, related: set[str]) -> None:
    offer, tutor = candidate.offer, candidate.offer.tutor

    def add(points: int, reason: str) -> None:
        candidate.score += points
        candidate.reasons.append(reason)

    course = None
    if request.topic == Topic.COURSE:
        course = next(
            (c for c in offer.courses.all() if _same_course(request.course, c.course)), None
        )
    if course is not None:
        if course.grade_got:
            add(
                COURSE,
                _("Offers %(course)s (grade %(grade)s)")
                % {"course": course.course, "grade": course.grade_got},
            )
        else:
            add(COURSE, _("Offers %(course)s") % {"course": course.course})
    elif request.topic in offer.topics:
        add(TOPIC, _("Offers help with %(topic)s") % {"topic": Topic(request.topic).label})
    if request.major and tutor.major == request.major:
        add(SAME_MAJOR, _("Same major: %(major)s") % {"major": tutor.major})
    elif tutor.major and tutor.major in related:
        add(RELATED_MAJOR, _("Related major: %(major)s") % {"major": tutor.major})
    if request.grade and tutor.grade and tutor.grade < request.grade:
        add(HIGHER_GRADE, _("Higher grade: entered in %(grade)s") % {"grade": tutor.grade})
    common = set(request.times) & set(offer.times)
    if common:
        add(
            PER_COMMON_SLOT * len(common),
            _("Times that suit both: %(times)s") % {"times": slot_labels(common)},
        )
    candidate.reasons.append(
        ngettext(
            "%(free)d of %(capacity)d places free; %(active)d active tutee",
            "%(free)d of %(capacity)d places free; %(active)d active tutees",
            offer.active,
        )
        % {"free": candidate.places_free, "capacity": offer.capacity, "active": offer.active}
    )
