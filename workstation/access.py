"""Who may see the branch view, the staff dashboard and the semester report.

A branch's secretary sees his (active) branch; staff see every branch and the whole college;
a member sees only his own workstation (the home page). The figures of a scope are shown to
whoever may see the scope: the sources (`common.glance`) decide what, never who.
"""

from django.db.models import QuerySet

from members.access import (
    can_read_branch_work,
    get_branch_work_for_user,
    is_reviewer,
    is_staff,
    led_by,
)
from members.models import Branch


def branch_views_visible_to(user) -> QuerySet[Branch]:
    """Every branch for staff; the active branches he leads (`led_by`) for a secretary; none
    otherwise."""
    if is_staff(user):
        return Branch.objects.all()
    if not user.is_authenticated:
        return Branch.objects.none()
    return Branch.objects.filter(led_by(user))


def may_list_branch_views(user) -> bool:
    """Staff and reviewers (among whom the secretaries) open the list of branch views."""
    return is_staff(user) or is_reviewer(user)


def can_view_branch(user, branch: Branch) -> bool:
    """Staff and the secretary of the (active) branch see its view and its report: whoever
    reads its members' work (`members.access.can_read_branch_work`)."""
    return can_read_branch_work(user, branch)


def get_branch_view_for_user(user, pk: int) -> Branch:
    """The branch `pk` whose view `user` may see; 404 for any other."""
    return get_branch_work_for_user(user, pk)


def can_view_dashboard(user) -> bool:
    """The whole college's dashboard is for staff."""
    return is_staff(user)


def can_refresh_figures(user) -> bool:
    """Staff have the figures computed again now."""
    return is_staff(user)


def can_download_report(user, branch: Branch | None) -> bool:
    """The semester report: a branch's for those who see its view, the college's for staff."""
    if branch is None:
        return can_view_dashboard(user)
    return can_view_branch(user, branch)
