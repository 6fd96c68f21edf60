"""Sessions, ratings and check-ins: either side logs a session and the other confirms it; the
tutee rates each confirmed session and answers the check-in surveys."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access, workflow
from ..models import CheckIn, Pairing, Rating, Session
from .notices import others, tell


@transaction.atomic
def log_session(
    *,
    actor,
    pairing: Pairing,
    date: datetime.date,
    minutes: int,
    topic: str,
    notes: str = "",
    next_step: str = "",
) -> Session:
    """Either side logs a session of an active pairing; the other side is asked to confirm."""
    workflow.require(actor, pairing, workflow.LOG_SESSION)
    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("tutee", "tutor")
        .get(pk=pairing.pk)
    )
    workflow.next_status(pairing, workflow.LOG_SESSION)
    errors = {}
    if date > timezone.localdate():
        errors["date"] = _("A session is logged once it has taken place: not a future date.")
    elif pairing.accepted_at and date < timezone.localdate(pairing.accepted_at):
        errors["date"] = _("This date is before the pairing began.")
    if not 10 <= minutes <= 480:
        errors["minutes"] = _("A session lasts from 10 minutes to 8 hours.")
    topic = topic.strip()
    if not topic:
        errors["topic"] = _("Say what the session was about.")
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        pairing=pairing,
        tutor=pairing.tutor,
        date=date,
        minutes=minutes,
        topic=topic,
        notes=notes.strip(),
        next_step=next_step.strip(),
        logged_by=actor,
    )
    if pairing.quiet_since is None or date > pairing.quiet_since:
        pairing.quiet_since = date
        pairing.save(update_fields=["quiet_since"])
    tell(
        others(pairing, actor),
        kind="tutoring-session-logged",
        key=f"tutoring-session-logged:{session.pk}",
        link=pairing.get_absolute_url(),
        pairing=pairing,
        session=session,
    )
    return session


@transaction.atomic
def confirm_session(*, actor, session: Session) -> Session:
    """The other side confirms that the session took place as logged."""
    if not access.can_confirm_session(actor, session):
        raise PermissionDenied
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.is_confirmed:
        raise ValidationError(_("This session is confirmed already."), code="confirmed")
    session.confirmed_by = actor
    session.confirmed_at = timezone.now()
    session.save(update_fields=["confirmed_by", "confirmed_at"])
    return session


@transaction.atomic
def rate_session(*, actor, session: Session, score: int, comment: str = "") -> Rating:
    """The tutee rates a confirmed session, once, from 1 to 5 with a comment."""
    if not access.can_rate_session(actor, session):
        raise PermissionDenied
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not session.is_confirmed:
        raise ValidationError(_("Only a confirmed session can be rated."), code="unconfirmed")
    if Rating.objects.filter(session=session).exists():
        raise ValidationError(_("You have rated this session already."), code="rated")
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Give a rating from 1 to 5.")})
    return Rating.objects.create(session=session, score=score, comment=comment.strip())


@transaction.atomic
def answer_check_in(
    *, actor, check_in: CheckIn, helpful: int, in_touch: bool, go_on: bool, comment: str = ""
) -> CheckIn:
    """The tutee answers a check-in survey about his pairing, once."""
    if not access.can_answer_check_in(actor, check_in):
        raise PermissionDenied
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if check_in.is_answered:
        raise ValidationError(_("You have answered this check-in already."), code="answered")
    if not 1 <= helpful <= 5:
        raise ValidationError({"helpful": _("Give a rating from 1 to 5.")})
    check_in.helpful = helpful
    check_in.in_touch = in_touch
    check_in.go_on = go_on
    check_in.comment = comment.strip()
    check_in.answered_at = timezone.now()
    check_in.save(update_fields=["helpful", "in_touch", "go_on", "comment", "answered_at"])
    return check_in
