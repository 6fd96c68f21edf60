"""Who may see, schedule and run activities, and read the readings.

An activity's audience is the plan's participants (any member when it has no plan), narrowed
to one branch when it has one. Staff see every activity; an organiser sees his own; a branch
secretary sees and runs those of the branches he leads. Views load an activity addressed by a
URL only through `get_activity_for_user`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import in_workstation, is_reviewer, is_staff, led_by, secretary_of
from members.models import Branch

from ..models import Activity, Reading, Registration


def _audience(user) -> Q:
    """The activities whose audience includes the member `user`, as a filter."""
    plan = Q(plan__isnull=True) | Q(plan__enrollments__person=user)
    branch = Q(branch__isnull=True)
    if user.branch_id is not None:
        branch |= Q(branch_id=user.branch_id)
    return plan & branch


def _organiser_runs(user) -> bool:
    """An organiser runs his activities while staff or in the workstation: one who has left it
    (a cancelled probation) no longer sees the sign-in code, edits the activity or marks who
    attended, which credits study hours."""
    return is_staff(user) or in_workstation(user)


def _runs(user) -> Q:
    """The activities `user` organises (`_organiser_runs`) or whose branch he leads (`led_by`),
    as a filter."""
    organises = Q(organiser=user) if _organiser_runs(user) else Q(pk__in=[])
    return organises | led_by(user, via="branch__")


def activities_visible_to(user) -> QuerySet[Activity]:
    """The activities `user` may see (and, as a member of the audience, sign up for)."""
    if is_staff(user):
        return Activity.objects.all()
    if not user.is_authenticated:
        return Activity.objects.none()
    shown = _runs(user)
    if in_workstation(user):
        shown |= _audience(user)
    # The plan's join can repeat an activity; the subquery keeps the rows single and orderable.
    return Activity.objects.filter(pk__in=Activity.objects.filter(shown).values("pk"))


def is_in_audience(user, activity: Activity) -> bool:
    """Whether `user` is one of the members the activity is for (and so may sign up)."""
    if not in_workstation(user):
        return False
    return Activity.objects.filter(_audience(user), pk=activity.pk).exists()


def can_run_activity(user, activity: Activity) -> bool:
    """Staff, the organiser (`_organiser_runs`), and the secretary of the activity's branch
    (`led_by`) run it."""
    if is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    if activity.organiser_id == user.pk and _organiser_runs(user):
        return True
    return Branch.objects.filter(led_by(user), pk=activity.branch_id).exists()


def get_activity_for_user(user, pk: int, *, write: bool = False) -> Activity:
    """The activity `pk` as `user` may see it; writing means editing it and taking attendance.

    404 outside the activity's audience; 403 for a member of the audience who does not run it.
    """
    activity = (
        activities_visible_to(user)
        .select_related("plan", "branch", "organiser")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    if write and not can_run_activity(user, activity):
        raise PermissionDenied
    return activity


def can_schedule_activities(user) -> bool:
    """Staff and reviewers schedule activities."""
    return is_staff(user) or is_reviewer(user)


def can_schedule_activity(user, branch: Branch | None) -> bool:
    """Staff schedule an activity for any active branch or for everyone (no branch); a
    reviewer only for one of `schedulable_branches`, never for everyone."""
    if branch is None:
        return is_staff(user)
    return schedulable_branches(user).filter(pk=branch.pk).exists()


def schedulable_branches(user) -> QuerySet[Branch]:
    """The branches `user` may schedule for: any for staff; a reviewer's own and those he leads."""
    if is_staff(user):
        return Branch.objects.filter(is_active=True)
    if not can_schedule_activities(user):
        return Branch.objects.none()
    own = secretary_of(user)
    if user.branch_id is not None:
        own |= Q(pk=user.branch_id)
    return Branch.objects.filter(own, is_active=True)


def may_list_places(user) -> bool:
    """Staff and reviewers, who schedule and run activities, open the list of places taken."""
    return can_schedule_activities(user)


def registrations_visible_to(user) -> QuerySet[Registration]:
    """The registrations of the activities `user` runs: every one for staff; those of the
    activities he organises or whose branch he leads for anybody else."""
    if is_staff(user):
        return Registration.objects.all()
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(activity__in=Activity.objects.filter(_runs(user)))


def get_registration_for_user(user, activity: Activity, pk: int) -> Registration:
    """A registration of `activity` for the people who run it (to mark attendance), else 404."""
    if not can_run_activity(user, activity):
        raise PermissionDenied
    registration = activity.registrations.select_related("person", "activity").filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def can_read_readings(user) -> bool:
    """Members and staff read the readings and open their PDFs."""
    return is_staff(user) or in_workstation(user)


def readings_visible_to(user) -> QuerySet[Reading]:
    """Every reading for members and staff; none for anybody else."""
    if can_read_readings(user):
        return Reading.objects.all()
    return Reading.objects.none()


def get_reading_for_user(user, pk: int) -> Reading:
    """The reading `pk` if `user` may read it: 404 otherwise (and for people outside)."""
    reading = readings_visible_to(user).filter(pk=pk).first()
    if reading is None:
        raise Http404
    return reading
