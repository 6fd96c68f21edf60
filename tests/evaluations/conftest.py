import pytest

from evaluations.models import Evaluatee
from evaluations.services import open_campaign
from tests.tutoring.factories import PairingFactory

from .factories import CampaignFactory, QuestionFactory


@pytest.fixture
def campaign(member, student):
    """An open campaign of every Party member, with two questions; the cast's student is the
    member's tutee, so he may evaluate him."""
    PairingFactory(request__tutee=student, tutor=member)
    made = CampaignFactory()
    QuestionFactory(campaign=made, text="理想信念")
    QuestionFactory(campaign=made, text="服务同学")
    open_campaign(campaign=made)
    made.refresh_from_db()
    return made


@pytest.fixture
def member_evaluatee(campaign, member) -> Evaluatee:
    return Evaluatee.objects.get(campaign=campaign, person=member)
