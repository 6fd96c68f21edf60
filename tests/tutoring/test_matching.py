"""The ranking of suggested tutors: each factor moves a tutor up or down, with its reason shown;
a tutor at capacity, paused, or outside the workstation is not suggested at all."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import PoliticalStatus
from tutoring.matching import rank_tutors
from tutoring.models import RelatedMajor, TimeSlot, Topic

from .factories import (
    OfferCourseFactory,
    OfferFactory,
    PairingFactory,
    RequestFactory,
    TutorFactory,
)

pytestmark = pytest.mark.django_db


def _tutor(**profile):
    """A tutor whose profile and offer are neutral for the request below, except `profile`."""
    defaults = {"major": "历史学", "grade": 2025}
    offer_fields = {k: profile.pop(k) for k in ("topics", "times", "capacity") if k in profile}
    offer_fields.setdefault("topics", [Topic.CAREER_PLANNING])
    return OfferFactory(tutor=TutorFactory(**(defaults | profile)), **offer_fields)


@pytest.fixture
def asked():
    return RequestFactory(
        topic=Topic.STUDY_PLANNING,
        tutee__major="软件工程",
        tutee__grade=2025,
        times=[TimeSlot.WEEKDAY_EVENING, TimeSlot.WEEKEND_AFTERNOON],
    )


def _order(request) -> list[str]:
    return [candidate.tutor.name for candidate in rank_tutors(request)]


def _reasons(request, name: str) -> list[str]:
    return next(c.reasons for c in rank_tutors(request) if c.tutor.name == name)


def test_a_matching_topic_moves_a_tutor_up(asked):
    _tutor(name="甲")
    _tutor(name="乙", topics=[Topic.STUDY_PLANNING])
    assert _order(asked) == ["乙", "甲"]
    assert any("学业规划" in r or "Study planning" in r for r in _reasons(asked, "乙"))


def test_a_matching_course_by_code_or_name_moves_a_tutor_up():
    asked = RequestFactory(topic=Topic.COURSE, course="math101")
    _tutor(name="甲", topics=[Topic.STUDY_PLANNING])
    offer = _tutor(name="乙", topics=[Topic.COURSE])
    OfferCourseFactory(offer=offer, course="MATH101 高等数学", grade_got="A")
    assert _order(asked) == ["乙", "甲"]
    assert any("MATH101 高等数学" in r and "A" in r for r in _reasons(asked, "乙"))


def test_the_same_major_beats_a_related_one_which_beats_another(asked):
    RelatedMajor.objects.create(major="计算机科学与技术", related="软件工程")
    _tutor(name="甲", major="历史学")
    _tutor(name="乙", major="计算机科学与技术")
    _tutor(name="丙", major="软件工程")
    assert _order(asked) == ["丙", "乙", "甲"]


def test_a_higher_grade_moves_a_tutor_up(asked):
    _tutor(name="甲", grade=2025)
    _tutor(name="乙", grade=2023)
    assert _order(asked) == ["乙", "甲"]


def test_times_in_common_move_a_tutor_up(asked):
    _tutor(name="甲", times=[TimeSlot.WEEKDAY_MORNING])
    _tutor(name="乙", times=[TimeSlot.WEEKDAY_EVENING])
    _tutor(name="丙", times=[TimeSlot.WEEKDAY_EVENING, TimeSlot.WEEKEND_AFTERNOON])
    assert _order(asked) == ["丙", "乙", "甲"]


def test_fewer_active_tutees_go_first(asked):
    busy = _tutor(name="甲", capacity=3)
    _tutor(name="乙", capacity=3)
    PairingFactory(tutor=busy.tutor)
    assert _order(asked) == ["乙", "甲"]


def test_a_tutor_at_capacity_is_not_suggested(asked):
    full = _tutor(name="甲", capacity=1, topics=[Topic.STUDY_PLANNING])
    _tutor(name="乙")
    PairingFactory(tutor=full.tutor, proposed=True)
    assert _order(asked) == ["乙"]


def test_paused_offers_outsiders_and_the_student_himself_are_not_suggested(asked):
    _tutor(name="甲")
    OfferFactory(tutor=TutorFactory(name="乙"), paused=True)
    OfferFactory(tutor=TutorFactory(name="丙", political_status=PoliticalStatus.LEAGUE))
    OfferFactory(tutor=TutorFactory(name="丁", is_active=False))
    assert _order(asked) == ["甲"]


def test_the_ranking_takes_the_same_queries_for_more_tutors(asked):
    for index in range(3):
        OfferCourseFactory(offer=_tutor(name=f"甲{index}"))
    with CaptureQueriesContext(connection) as few:
        rank_tutors(asked)
    for index in range(12):
        OfferCourseFactory(offer=_tutor(name=f"乙{index}"))
    with CaptureQueriesContext(connection) as many:
        assert len(rank_tutors(asked)) == 15
    assert len(many) == len(few)
