"""Who may see or change the study log, the review queue, participants and their progress.

An entry is seen by its author, his reviewers (`members.access.reviews`) and staff; anyone
else gets 404, a reviewer of another branch or group included. The author changes only his
drafts and returned entries (403 otherwise); only his reviewers and staff review it.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import in_workstation, is_reviewer, is_staff, people_reviewed_by, reviews
from members.models import User

from ..models import Enrollment, StudyEntry, StudyPlan

EDITABLE_STATUSES = frozenset({StudyEntry.Status.DRAFT, StudyEntry.Status.RETURNED})


def can_log_study(user) -> bool:
    """Members keep a study log."""
    return in_workstation(user)


def may_review(user) -> bool:
    """Reviewers (for their people) and staff (for everyone) open the review queue."""
    return is_staff(user) or is_reviewer(user)


def may_see_overview(user) -> bool:
    """The staff overview, its exports and the plans' participants are for staff."""
    return is_staff(user)


def _reviewed(user) -> Q:
    """Rows of the people `user` reviews, as `person = ANY(ARRAY(<his people>))`: PostgreSQL
    then reads their rows through the index on the person, however many people and rows the
    portal holds, instead of joining every row to a guess at how many people he reviews."""
    return Q(person__any_of=ArraySubquery(people_reviewed_by(user).order_by().values("pk")))


def entries_visible_to(user) -> QuerySet[StudyEntry]:
    """Everything for staff; his own entries and his people's for anyone else."""
    if is_staff(user):
        return StudyEntry.objects.all()
    if not user.is_authenticated:
        return StudyEntry.objects.none()
    return StudyEntry.objects.filter(Q(person=user) | _reviewed(user))


def review_queue(user) -> QuerySet[StudyEntry]:
    """Submitted entries waiting for `user`: his people's (never his own); all for staff."""
    if is_staff(user):
        return StudyEntry.objects.awaiting_review().exclude(person=user)
    if not user.is_authenticated:
        return StudyEntry.objects.none()
    return StudyEntry.objects.awaiting_review().filter(_reviewed(user))


def can_change_entry(user, entry: StudyEntry) -> bool:
    """The author changes, submits or deletes his own drafts and returned entries."""
    if entry.person_id != user.pk:
        return False
    return entry.status in EDITABLE_STATUSES


def can_review_entry(user, entry: StudyEntry) -> bool:
    """Staff and the author's reviewers review an entry; nobody his own."""
    if entry.person_id == user.pk:
        return False
    if is_staff(user):
        return True
    return reviews(user, entry.person)


def get_entry_for_user(user, pk: int, *, write: bool = False) -> StudyEntry:
    """The entry `pk` as `user` may see it; writing means the author changing it.

    404 when `user` may not see it; 403 when he may see but not change it (someone else's
    entry, or his own once submitted or approved).
    """
    entry = (
        entries_visible_to(user)
        .select_related("person", "activity", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    if write and not can_change_entry(user, entry):
        raise PermissionDenied
    return entry


def get_entry_for_review(user, pk: int) -> StudyEntry:
    """The entry `pk` for `user` to approve or return: 404 if unseen, 403 if not his to review."""
    entry = get_entry_for_user(user, pk)
    if not can_review_entry(user, entry):
        raise PermissionDenied
    return entry


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    """All participants for staff; his own and his people's enrollments for anyone else."""
    if is_staff(user):
        return Enrollment.objects.all()
    if not user.is_authenticated:
        return Enrollment.objects.none()
    return Enrollment.objects.filter(Q(person=user) | _reviewed(user))


def can_choose_participants(user, plan: StudyPlan) -> bool:
    """Staff choose who follows a plan, and take people out of it."""
    return is_staff(user)


def can_sign_off(user, person: User) -> bool:
    """Staff and the person's reviewers sign his stages off; nobody his own."""
    if person.pk == user.pk:
        return False
    if is_staff(user):
        return True
    return reviews(user, person)


def get_participant_for_user(user, pk: int) -> User:
    """The person `pk` whose study progress `user` may see: himself, his people, anyone for
    staff; 404 for the rest."""
    if not user.is_authenticated:
        raise Http404
    person = User.objects.select_related("branch", "group").filter(pk=pk).first()
    if person is None:
        raise Http404
    if person.pk == user.pk:
        return person
    if not can_sign_off(user, person):
        raise Http404
    return person


def get_enrollment_for_user(user, pk: int, *, write: bool = False) -> Enrollment:
    """The enrollment `pk`; writing means signing a stage off (403 for its own participant)."""
    enrollment = enrollments_visible_to(user).select_related("plan", "person").filter(pk=pk).first()
    if enrollment is None:
        raise Http404
    if write and not can_sign_off(user, enrollment.person):
        raise PermissionDenied
    return enrollment


def get_plan_for_staff(user, pk: int) -> StudyPlan:
    """A plan for the staff pages: 403 for anyone but staff, 404 for no such plan."""
    if not is_staff(user):
        raise PermissionDenied
    plan = StudyPlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan
