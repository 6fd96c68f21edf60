"""A tutor graduates or leaves: his pairings go to a new tutor with their history and sessions,
the students and both tutors are told; staff only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tutoring import services
from tutoring.models import Offer, Status, Step

from .factories import PairingFactory, SessionFactory, TutorFactory

pytestmark = pytest.mark.django_db


def test_a_pairing_handed_over_keeps_its_history_and_tells_three_people(staff, pairing):
    old_tutor, tutee = pairing.tutor, pairing.tutee
    session = SessionFactory(pairing=pairing, confirmed=True)
    new_tutor = TutorFactory(name="周新导")
    services.hand_over_pairing(actor=staff, pairing=pairing, new_tutor=new_tutor, note="毕业")
    pairing.refresh_from_db()
    assert pairing.tutor == new_tutor
    assert pairing.status == Status.ACTIVE
    step = pairing.steps.get(action=Step.Action.HAND_OVER)
    assert old_tutor.display_name in step.note and new_tutor.display_name in step.note
    session.refresh_from_db()
    assert session.pairing == pairing and session.tutor == old_tutor  # counted for who gave it
    for person in (tutee, old_tutor, new_tutor):
        assert person.notices.filter(kind="tutoring-handover").count() == 1
    assert not staff.notices.filter(kind="tutoring-handover").exists()


def test_all_of_a_leaving_tutors_pairings_go_over_and_his_offer_is_paused(staff, tutor):
    active = PairingFactory(tutor=tutor)
    paused = PairingFactory(tutor=tutor, status=Status.PAUSED)
    ended = PairingFactory(tutor=tutor, status=Status.ENDED, end_reason="goal")
    new_tutor = TutorFactory()
    assert services.hand_over_tutees(actor=staff, tutor=tutor, new_tutor=new_tutor) == 2
    for pairing, expected in ((active, new_tutor), (paused, new_tutor), (ended, tutor)):
        pairing.refresh_from_db()
        assert pairing.tutor == expected
    assert Offer.objects.get(tutor=tutor).paused
    assert new_tutor.notices.filter(kind="tutoring-handover").count() == 2


def test_only_staff_hand_over(pairing, tutee):
    for actor in (pairing.tutor, tutee):
        with pytest.raises(PermissionDenied):
            services.hand_over_pairing(actor=actor, pairing=pairing, new_tutor=TutorFactory())
        with pytest.raises(PermissionDenied):
            services.hand_over_tutees(actor=actor, tutor=pairing.tutor, new_tutor=TutorFactory())


def test_the_new_tutor_must_be_of_the_workstation_and_another_person(staff, pairing, student):
    for new_tutor in (student, pairing.tutor, pairing.tutee):
        with pytest.raises(ValidationError):
            services.hand_over_pairing(actor=staff, pairing=pairing, new_tutor=new_tutor)
    pairing.refresh_from_db()
    assert not pairing.steps.exists()


@pytest.mark.parametrize(
    ("count", "language", "said"),
    [
        (1, "en", "1 pairing handed over to 周新导."),
        (2, "en", "2 pairings handed over to 周新导."),
        (2, "zh-hans", "已将 2 个结对转交给周新导。"),
    ],
)
def test_the_hand_over_page_counts_the_pairings_in_words(
    staff_client, tutor, count, language, said
):
    PairingFactory.create_batch(count, tutor=tutor)
    new_tutor = TutorFactory(name="周新导")
    response = staff_client.post(
        reverse("tutoring:hand-over"),
        {"tutor": tutor.pk, "new_tutor": new_tutor.pk, "note": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert said in response.content.decode()
