"""Who may see or do what in peer tutoring.

Any signed-in student asks for a tutor; people of the workstation (activists onward) offer
tutoring; a pairing is seen by its tutee, its tutor and staff; staff see everything and keep the
related majors. Ratings: the tutee gives them, staff read them in full, the tutor reads only
his average, over whole batches of `MIN_RATINGS_FOR_AVERAGE` ratings, nobody else reads
them at all. A branch's secretary reads the lists behind his branch's figures, read-only.

Each action has its `can_<action>(user, obj)`; the services refuse anyone else
(PermissionDenied); in which status a pairing's action may be taken is `tutoring.workflow`'s.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import get_branch_work_for_user, in_workstation, is_staff
from members.models import Branch

from .models import CheckIn, Pairing, Request, Session, Status

# The tutor sees his average rating over whole batches of this many ratings (`ratings.average_for`),
# so that no single rating can be told apart.
MIN_RATINGS_FOR_AVERAGE = 3


def is_tutee(user, pairing: Pairing) -> bool:
    return bool(user.is_authenticated and pairing.tutee_id == user.pk)


def is_tutor(user, pairing: Pairing) -> bool:
    return bool(user.is_authenticated and pairing.tutor_id == user.pk)


def is_party(user, pairing: Pairing) -> bool:
    """The tutee or the tutor of `pairing`."""
    return is_tutee(user, pairing) or is_tutor(user, pairing)


# --- asking and offering ------------------------------------------------------------------------


def can_request(user) -> bool:
    """Every signed-in student asks for a tutor (staff match, they do not ask)."""
    return bool(user.is_authenticated and user.is_active and not user.is_staff)


def can_withdraw(user, request: Request) -> bool:
    """Only the student who asked withdraws his request."""
    return bool(user.is_authenticated and request.tutee_id == user.pk)


def eligible_tutors() -> QuerySet:
    """Who may tutor: active people of the workstation (activists onward). The one rule: only
    they offer tutoring, are suggested, proposed or handed a pairing."""
    return get_user_model().objects.in_workstation().filter(is_active=True)


def may_be_tutor(person) -> bool:
    """Whether `person` is among `eligible_tutors()`, without asking the database."""
    return bool(person.is_active and in_workstation(person))


def can_offer(user) -> bool:
    """People of the workstation (activists onward) offer tutoring."""
    return may_be_tutor(user)


# --- the pairing's workflow -------------------------------------------------------------------


def can_propose(user, request: Request) -> bool:
    """Staff propose a tutor for any request; the student for his own, from the suggestions."""
    if is_staff(user):
        return True
    return bool(user.is_authenticated and request.tutee_id == user.pk)


def can_accept(user, pairing: Pairing) -> bool:
    """Only the proposed tutor accepts."""
    return is_tutor(user, pairing)


def can_decline(user, pairing: Pairing) -> bool:
    """Only the proposed tutor declines, with a reason."""
    return is_tutor(user, pairing)


def can_pause(user, pairing: Pairing) -> bool:
    """Either side, or staff, pause a pairing."""
    return is_party(user, pairing) or is_staff(user)


def can_resume(user, pairing: Pairing) -> bool:
    """Either side, or staff, resume a paused pairing."""
    return is_party(user, pairing) or is_staff(user)


def can_end(user, pairing: Pairing) -> bool:
    """Either side, or staff, end a pairing, with a reason; a proposal is ended by the student
    (withdrawing) or staff, for the tutor answers it by accepting or declining."""
    if is_staff(user) or is_tutee(user, pairing):
        return True
    return is_tutor(user, pairing) and pairing.status != Status.PROPOSED


def can_hand_over(user, pairing: Pairing | None) -> bool:
    """Staff hand a pairing over to a new tutor."""
    return is_staff(user)


# --- sessions, ratings and check-ins --------------------------------------------------------------


def can_log_session(user, pairing: Pairing) -> bool:
    """Either side logs a session of their pairing."""
    return is_party(user, pairing)


def can_confirm_session(user, session: Session) -> bool:
    """The other side of the pairing confirms a session: not the one who logged it."""
    if not is_party(user, session.pairing):
        return False
    return session.logged_by_id != user.pk


def can_rate_session(user, session: Session) -> bool:
    """Only the tutee rates a session."""
    return is_tutee(user, session.pairing)


def can_answer_check_in(user, check_in: CheckIn) -> bool:
    """Only the tutee answers the check-in survey about his pairing."""
    return is_tutee(user, check_in.pairing)


def may_read_ratings(user) -> bool:
    """Staff read every rating in full; nobody else reads any single one."""
    return is_staff(user)


def may_read_average_of(user, tutor) -> bool:
    """A tutor's average rating: for staff, and for the tutor himself (over enough ratings)."""
    if is_staff(user):
        return True
    return bool(user.is_authenticated and user.pk == tutor.pk)


def may_see_overview(user) -> bool:
    return is_staff(user)


def may_export(user) -> bool:
    return is_staff(user)


def get_branch_lists_for_user(user, pk: int) -> Branch:
    """The branch `pk` whose tutoring lists (its members' requests waiting, pairings going on,
    sessions confirmed) `user` may read: staff and its secretary, as its view
    (`members.access.can_read_branch_work`); 404 for anyone else. The lists are read-only and
    show no rating, no request's description and no session's notes."""
    return get_branch_work_for_user(user, pk)


def may_see_tutor_page(user) -> bool:
    """The tutor's page: for those who may tutor (only they are ever paired as tutors)."""
    return can_offer(user)


# --- lists and objects --------------------------------------------------------------------------


def requests_visible_to(user) -> QuerySet[Request]:
    """Staff see every request; a student his own; a tutor those of his pairings."""
    if is_staff(user):
        return Request.objects.all()
    if not user.is_authenticated:
        return Request.objects.none()
    return Request.objects.filter(Q(tutee=user) | Q(pairings__tutor=user)).distinct()


def pairings_visible_to(user) -> QuerySet[Pairing]:
    """Staff see every pairing; the tutee and the tutor theirs."""
    if is_staff(user):
        return Pairing.objects.all()
    if not user.is_authenticated:
        return Pairing.objects.none()
    return Pairing.objects.involving(user)


def get_request_for_user(user, pk: int, *, write: bool = False) -> Request:
    """The request `pk` as `user` may see it; writing (proposing a tutor) is for its student
    and staff. 404 for anyone who may not see it, 403 for a reader who may not write."""
    request = requests_visible_to(user).select_related("tutee").filter(pk=pk).first()
    if request is None:
        raise Http404
    if write and not can_propose(user, request):
        raise PermissionDenied
    return request


def get_pairing_for_user(user, pk: int) -> Pairing:
    """The pairing `pk`, for its two sides and staff; 404 for anyone else."""
    pairing = (
        pairings_visible_to(user).select_related("tutee", "tutor", "request").filter(pk=pk).first()
    )
    if pairing is None:
        raise Http404
    return pairing


def get_session_for_user(user, pk: int) -> Session:
    """A session of a pairing `user` may see; 404 otherwise."""
    session = (
        Session.objects.filter(pk=pk, pairing__in=pairings_visible_to(user))
        .select_related("pairing", "pairing__tutee", "pairing__tutor", "logged_by")
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_check_in_for_user(user, pk: int) -> CheckIn:
    """A check-in, for the tutee it asks and staff; 404 for anyone else."""
    check_in = CheckIn.objects.select_related("pairing", "pairing__tutor").filter(pk=pk).first()
    if check_in is None:
        raise Http404
    if not (is_staff(user) or is_tutee(user, check_in.pairing)):
        raise Http404
    return check_in
