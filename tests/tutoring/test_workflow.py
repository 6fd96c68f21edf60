"""The pairing workflow's table, taken through the real services for every status, action and
role; every step recorded in the history; the request following its pairing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tutoring import services, workflow
from tutoring.models import EndReason, Pairing, RequestStatus, Status, Step

from ..factories import UserFactory
from .factories import OfferFactory, PairingFactory, TutorFactory

pytestmark = pytest.mark.django_db

A = Step.Action
# Who may take what, whatever the pairing's state: the rule the services must keep.
MAY = {
    "tutee": {A.PAUSE, A.RESUME, A.END},
    "tutor": {A.ACCEPT, A.DECLINE, A.PAUSE, A.RESUME, A.END},
    "other_student": set(),
    "other_member": set(),
    "staff": {A.PAUSE, A.RESUME, A.END, A.HAND_OVER},
}
ACTIONS = sorted({action for _status, action in workflow.TRANSITIONS})
# The tutor answers a proposal by accepting or declining it, never by ending it.
NOT_IN_STATUS = {("tutor", Status.PROPOSED, A.END)}


@pytest.fixture
def cast(staff, student, tutor, tutee):
    return {
        "tutee": tutee,
        "tutor": tutor,
        "other_student": student,
        "other_member": TutorFactory(name="孙其他"),
        "staff": staff,
    }


def _take(action: str, actor, pairing: Pairing, new_tutor) -> None:
    step = {"actor": actor, "pairing": pairing}
    if action == A.ACCEPT:
        services.accept_pairing(**step)
    elif action == A.DECLINE:
        services.decline_pairing(**step, reason="这学期课太多。")
    elif action == A.PAUSE:
        services.pause_pairing(**step)
    elif action == A.RESUME:
        services.resume_pairing(**step)
    elif action == A.END:
        services.end_pairing(**step, reason=EndReason.GOAL_REACHED)
    elif action == A.HAND_OVER:
        services.hand_over_pairing(**step, new_tutor=new_tutor)


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", sorted(MAY))
def test_the_table_holds_for_every_status_action_and_role(cast, status, action, role):
    tutor, tutee = cast["tutor"], cast["tutee"]
    pairing = PairingFactory(tutor=tutor, request__tutee=tutee, status=status)
    actor = cast[role]
    may = action in MAY[role] and (role, status, action) not in NOT_IN_STATUS
    allowed = may and (status, action) in workflow.TRANSITIONS
    assert (action in workflow.allowed_actions(actor, pairing)) == allowed
    new_tutor = OfferFactory().tutor
    if not may:
        with pytest.raises(PermissionDenied):
            _take(action, actor, pairing, new_tutor)
    elif not allowed:
        with pytest.raises(ValidationError):
            _take(action, actor, pairing, new_tutor)
    else:
        _take(action, actor, pairing, new_tutor)
        pairing.refresh_from_db()
        assert pairing.status == workflow.TRANSITIONS[status, action]
        step = pairing.steps.get()
        assert (step.action, step.status, step.actor) == (action, pairing.status, actor)
        return
    pairing.refresh_from_db()
    assert pairing.status == status
    assert not pairing.steps.exists()


def test_a_request_goes_from_open_to_proposed_to_matched_to_closed(staff, tutor, tutee):
    request = services.submit_request(
        actor=tutee, topic="course", course="高等数学", times=[], description="极限不会。"
    )
    assert (request.major, request.grade) == (tutee.major, tutee.grade)
    pairing = services.propose_tutor(actor=staff, request=request, tutor=tutor)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROPOSED
    services.accept_pairing(actor=tutor, pairing=pairing)
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    services.end_pairing(actor=tutee, pairing=pairing, reason=EndReason.GOAL_REACHED)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert [s.action for s in pairing.steps.all()] == [A.PROPOSE, A.ACCEPT, A.END]


def test_a_declined_proposal_puts_the_request_back_to_wait(staff, tutor, tutee):
    request = services.submit_request(
        actor=tutee, topic="study", times=[], description="想规划一下。"
    )
    pairing = services.propose_tutor(actor=staff, request=request, tutor=tutor)
    with pytest.raises(ValidationError):
        services.decline_pairing(actor=tutor, pairing=pairing, reason="  ")
    services.decline_pairing(actor=tutor, pairing=pairing, reason="这学期实习。")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.waiting_since > request.created_at
    pairing.refresh_from_db()
    assert pairing.decline_reason == "这学期实习。"


def test_the_student_proposes_only_from_the_suggestions_and_only_for_himself(tutor, tutee):
    request = services.submit_request(actor=tutee, topic="study", times=[], description="规划")
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.propose_tutor(actor=stranger, request=request, tutor=tutor)
    paused = OfferFactory(paused=True).tutor
    with pytest.raises(ValidationError):
        services.propose_tutor(actor=tutee, request=request, tutor=paused)
    pairing = services.propose_tutor(actor=tutee, request=request, tutor=tutor)
    assert pairing.proposed_by == tutee
    with pytest.raises(ValidationError):  # one proposal at a time
        services.propose_tutor(actor=tutee, request=request, tutor=OfferFactory().tutor)


def test_withdrawing_a_request_ends_its_pairing_and_tells_the_tutor(pairing, tutee):
    services.withdraw_request(actor=tutee, request=pairing.request)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == (Status.ENDED, EndReason.TUTEE_WITHDREW)
    assert pairing.request.status == RequestStatus.WITHDRAWN
    assert pairing.tutor.notices.filter(kind="tutoring-status").count() == 1
    with pytest.raises(ValidationError):
        services.withdraw_request(actor=tutee, request=pairing.request)


def test_only_the_student_withdraws_his_request(pairing, tutor, staff):
    for actor in (tutor, staff):
        with pytest.raises(PermissionDenied):
            services.withdraw_request(actor=actor, request=pairing.request)


def test_a_request_needs_a_course_for_the_course_topic_and_a_description(tutee):
    with pytest.raises(ValidationError):
        services.submit_request(actor=tutee, topic="course", course=" ", times=[], description="x")
    with pytest.raises(ValidationError):
        services.submit_request(actor=tutee, topic="study", times=[], description="  ")
    services.submit_request(actor=tutee, topic="study", times=[], description="规划")
    with pytest.raises(ValidationError):  # the same request twice
        services.submit_request(actor=tutee, topic="study", times=[], description="再问")


BUTTONS = {
    A.ACCEPT: 'data-testid="accept"',
    A.DECLINE: 'data-testid="decline-open"',
    A.PAUSE: 'data-testid="pause"',
    A.RESUME: 'data-testid="resume"',
    A.END: 'data-testid="end-open"',
    A.HAND_OVER: 'data-testid="handover-open"',
    workflow.LOG_SESSION: 'data-testid="session-form"',
}


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.ACTIVE, Status.PAUSED, Status.ENDED])
@pytest.mark.parametrize("role", ["tutee", "tutor", "staff"])
def test_the_pairing_page_shows_the_buttons_of_the_allowed_actions(client, cast, status, role):
    pairing = PairingFactory(tutor=cast["tutor"], request__tutee=cast["tutee"], status=status)
    client.force_login(cast[role])
    page = client.get(pairing.get_absolute_url()).content.decode()
    allowed = workflow.allowed_actions(cast[role], pairing)
    for action, button in BUTTONS.items():
        assert (button in page) == (action in allowed), (action, role, status)


@pytest.mark.parametrize("role", ["other_student", "other_member"])
def test_outsiders_do_not_find_the_pairing(client, cast, role, pairing):
    client.force_login(cast[role])
    assert client.get(pairing.get_absolute_url()).status_code == 404
