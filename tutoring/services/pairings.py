"""The pairing workflow: propose a tutor (staff, or the student from the suggestions), accept or
decline (the tutor), pause, resume and end (either side or staff), and hand over to a new tutor
(staff), one pairing or all of a tutor's at once.

Every transition has one shape: refuse whoever may not take it (`tutoring.access` through the
workflow's WHO), lock the row, ask the workflow's table for the status it leads to, change it,
record the step and tell the people concerned.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import access, workflow
from ..matching import candidate_offers
from ..models import EndReason, Offer, Pairing, Request, RequestStatus, Step
from .notices import active_staff, others, record_step, tell


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError(message, code="empty")
    return text


def _locked(pairing: Pairing) -> Pairing:
    return (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("tutee", "tutor", "request")
        .get(pk=pairing.pk)
    )


def _set_request(request: Request, status: str, **fields) -> None:
    request.status = status
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *fields])


def _change(pairing: Pairing, action: str, *, actor, note: str = "", **fields) -> Step:
    """Move the locked `pairing` by `action`, set `fields`, save and record the step."""
    pairing.status = workflow.next_status(pairing, action)
    for name, value in fields.items():
        setattr(pairing, name, value)
    pairing.save(update_fields=["status", *fields])
    return record_step(pairing, action, actor=actor, note=note)


def _tell_status(pairing: Pairing, step: Step, recipients) -> None:
    tell(
        recipients,
        kind="tutoring-status",
        key=f"tutoring-status:{step.pk}",
        link=pairing.get_absolute_url(),
        pairing=pairing,
        step=step,
    )


@transaction.atomic
def propose_tutor(*, actor, request: Request, tutor, note: str = "") -> Pairing:
    """Propose `tutor` for an open request. He must be among its suggested tutors: an offer not
    paused, under its capacity (his offer is locked while his places are counted)."""
    if not access.can_propose(actor, request):
        raise PermissionDenied
    request = Request.objects.select_for_update().select_related("tutee").get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(
            _("This request is “%(status)s”: it takes no proposal now.")
            % {"status": request.get_status_display()},
            code="status",
        )
    Offer.objects.select_for_update().filter(tutor=tutor).first()
    if not candidate_offers(request).filter(tutor=tutor).exists():
        raise ValidationError(
            _(
                "%(name)s is not among the tutors suggested for this request (no offer, paused, "
                "or no place free)."
            )
            % {"name": tutor.display_name},
            code="tutor",
        )
    pairing = Pairing.objects.create(
        request=request, tutee=request.tutee, tutor=tutor, proposed_by=actor
    )
    step = record_step(pairing, Step.Action.PROPOSE, actor=actor, note=note.strip())
    _set_request(request, RequestStatus.PROPOSED)
    tell(
        [tutor] if actor.pk == request.tutee_id else [tutor, request.tutee],
        kind="tutoring-proposed",
        key=f"tutoring-proposed:{step.pk}",
        link=pairing.get_absolute_url(),
        pairing=pairing,
    )
    return pairing


@transaction.atomic
def accept_pairing(*, actor, pairing: Pairing) -> Pairing:
    """The proposed tutor accepts: the pairing is active and the student is told."""
    workflow.require(actor, pairing, Step.Action.ACCEPT)
    pairing = _locked(pairing)
    now = timezone.now()
    step = _change(
        pairing,
        Step.Action.ACCEPT,
        actor=actor,
        accepted_at=now,
        quiet_since=timezone.localdate(now),
    )
    _set_request(pairing.request, RequestStatus.MATCHED)
    _tell_status(pairing, step, [pairing.tutee])
    return pairing


@transaction.atomic
def decline_pairing(*, actor, pairing: Pairing, reason: str) -> Pairing:
    """The proposed tutor declines, saying why; the request waits for a proposal again and the
    student and staff are told."""
    workflow.require(actor, pairing, Step.Action.DECLINE)
    reason = _required(reason, pgettext("tutoring", "Give the reason for declining."))
    pairing = _locked(pairing)
    step = _change(pairing, Step.Action.DECLINE, actor=actor, note=reason, decline_reason=reason)
    _set_request(pairing.request, RequestStatus.OPEN, waiting_since=timezone.now())
    _tell_status(pairing, step, [pairing.tutee, *active_staff()])
    return pairing


@transaction.atomic
def pause_pairing(*, actor, pairing: Pairing, note: str = "") -> Pairing:
    """Either side, or staff, pause an active pairing (no quiet reminders while paused)."""
    workflow.require(actor, pairing, Step.Action.PAUSE)
    pairing = _locked(pairing)
    step = _change(pairing, Step.Action.PAUSE, actor=actor, note=note.strip())
    _tell_status(pairing, step, others(pairing, actor))
    return pairing


@transaction.atomic
def resume_pairing(*, actor, pairing: Pairing) -> Pairing:
    """Either side, or staff, resume a paused pairing; a new quiet spell starts from today."""
    workflow.require(actor, pairing, Step.Action.RESUME)
    pairing = _locked(pairing)
    step = _change(pairing, Step.Action.RESUME, actor=actor, quiet_since=timezone.localdate())
    _tell_status(pairing, step, others(pairing, actor))
    return pairing


@transaction.atomic
def end_pairing(*, actor, pairing: Pairing, reason: str, note: str = "") -> Pairing:
    """Either side, or staff, end a pairing with one of the reasons; the request is closed."""
    workflow.require(actor, pairing, Step.Action.END)
    if reason not in EndReason.values:
        raise ValidationError(_("Choose the reason for ending from the list."), code="reason")
    pairing = _locked(pairing)
    label = str(EndReason(reason).label)
    step = _change(
        pairing,
        Step.Action.END,
        actor=actor,
        note=f"{label}: {note.strip()}" if note.strip() else label,
        end_reason=reason,
        ended_at=timezone.now(),
    )
    _set_request(pairing.request, RequestStatus.CLOSED)
    _tell_status(pairing, step, others(pairing, actor))
    return pairing


def _check_new_tutor(pairing: Pairing, new_tutor) -> None:
    if not access.may_be_tutor(new_tutor):
        raise ValidationError(
            _("%(name)s cannot tutor: only active people of the workstation do.")
            % {"name": new_tutor.display_name},
            code="tutor",
        )
    if new_tutor.pk in (pairing.tutor_id, pairing.tutee_id):
        raise ValidationError(
            _("Choose a new tutor other than the present tutor and the student."), code="tutor"
        )


def _hand_over(pairing: Pairing, *, actor, new_tutor, note: str) -> Step:
    """Give the locked `pairing` to `new_tutor`; its history and sessions stay with it."""
    _check_new_tutor(pairing, new_tutor)
    old_tutor = pairing.tutor
    text = f"{old_tutor.display_name} → {new_tutor.display_name}"
    step = _change(
        pairing,
        Step.Action.HAND_OVER,
        actor=actor,
        note=f"{text}: {note}" if note else text,
        tutor=new_tutor,
        quiet_since=timezone.localdate(),
    )
    tell(
        [pairing.tutee, old_tutor, new_tutor],
        kind="tutoring-handover",
        key=f"tutoring-handover:{step.pk}",
        link=pairing.get_absolute_url(),
        pairing=pairing,
        old_tutor=old_tutor,
        new_tutor=new_tutor,
    )
    return step


@transaction.atomic
def hand_over_pairing(*, actor, pairing: Pairing, new_tutor, note: str = "") -> Pairing:
    """Staff give an active or paused pairing to a new tutor; the student and both tutors are
    told, and the history and sessions are kept."""
    workflow.require(actor, pairing, Step.Action.HAND_OVER)
    pairing = _locked(pairing)
    _hand_over(pairing, actor=actor, new_tutor=new_tutor, note=note.strip())
    return pairing


@transaction.atomic
def hand_over_tutees(*, actor, tutor, new_tutor, note: str = "") -> int:
    """A tutor graduates or leaves: staff give all his active and paused pairings to
    `new_tutor` and pause his offer. Returns the pairings handed over; all or none."""
    if not access.can_hand_over(actor, None):
        raise PermissionDenied
    pairings = list(
        Pairing.objects.filter(
            tutor=tutor, status__in=workflow.statuses_allowing(Step.Action.HAND_OVER)
        ).order_by("pk")
    )
    for pairing in pairings:
        workflow.require(actor, pairing, Step.Action.HAND_OVER)
        locked = _locked(pairing)
        _hand_over(locked, actor=actor, new_tutor=new_tutor, note=note.strip())
    Offer.objects.filter(tutor=tutor).update(paused=True)
    return len(pairings)


def tutors_to_hand_to():
    """Whom a pairing may be handed to: the eligible tutors, by name."""
    return access.eligible_tutors().order_by("name", "pk")
