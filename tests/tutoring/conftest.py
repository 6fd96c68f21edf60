import pytest

from members.models import PoliticalStatus
from tutoring.models import Topic

from ..factories import UserFactory
from .factories import OfferCourseFactory, OfferFactory, PairingFactory, TutorFactory


@pytest.fixture
def tutor(db):
    """A tutor with an offer for study planning and 高等数学."""
    offer = OfferFactory(tutor=TutorFactory(name="赵学长"), topics=[Topic.STUDY_PLANNING])
    OfferCourseFactory(offer=offer, course="高等数学", grade_got="95")
    return offer.tutor


@pytest.fixture
def tutee(db):
    return UserFactory(
        name="钱新生", major="计算机科学与技术", grade=2025, political_status=PoliticalStatus.LEAGUE
    )


@pytest.fixture
def pairing(tutor, tutee):
    return PairingFactory(tutor=tutor, request__tutee=tutee)


@pytest.fixture
def proposal(tutor, tutee):
    return PairingFactory(tutor=tutor, request__tutee=tutee, proposed=True)
