"""Who may see or change what: the portal's one definition of its roles and object rules.

The roles come from data: staff from `is_staff`; someone in the workstation is an activist
onward (`in_workstation`); a Party member is probationary or full (`is_party_member`); a
reviewer is the secretary of an active branch or a workstation officer (the head and deputies
over every group, a group leader over his own group). An office gives its rights only while
its holder's status allows it: a branch's secretary and committee while Party members, a
workstation role while in the workstation (`holds_branch_office`, `holds_workstation_role`).
Views and the admin load people and branches only through the functions below.

Each action has a `can_<action>(user, obj)` here (and in each app's `access.py`): the service
that does it calls it and refuses with `PermissionDenied`; views and templates read it only to
show or hide the way to it.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import Exact, In
from django.http import Http404

from .caching import cached_per_user
from .models import (
    OFFICERS_OVER_ALL_GROUPS,
    PARTY_MEMBER_STATUSES,
    WORKSTATION_STATUSES,
    Branch,
    Milestone,
    User,
    WorkstationRole,
)


def is_staff(user) -> bool:
    """College staff: everything, in the staff pages and (by permission) the admin."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def in_workstation(user) -> bool:
    """An activist, development candidate, probationary or full Party member: one of the
    people who study, serve and are reviewed."""
    return bool(user.is_authenticated and user.in_workstation)


def is_party_member(user) -> bool:
    """A Party member (党员), probationary or full, as against the masses (群众)."""
    return bool(user.is_authenticated and user.is_party_member)


# --- the rights of an office: one rule ----------------------------------------------------------
#
# A branch's secretary and its committee members hold their rights while they are Party
# members, probationary or full; a workstation role (head, deputy, group leader) gives its
# rights while its holder is in the workstation. `Branch.clean`, `Branch.check_committee` and
# `User.clean` refuse the office to anyone else when it is given, but a later change of status
# (a cancelled probation, a roster, the admin's person form) leaves it recorded: it is here
# that it stops giving rights. Every question of this module, and of the apps' access modules,
# asks the functions below, never `secretary=user`, the committee or a role alone.

# The statuses under which each kind of office gives its rights, for the filters that read
# them from the holder's row (`is_party_member` and `in_workstation` read them from his object).
BRANCH_OFFICE_STATUSES = PARTY_MEMBER_STATUSES
WORKSTATION_ROLE_STATUSES = WORKSTATION_STATUSES

# Matches nothing, without asking the database: `pk IN ()` compiles to no query at all.
_NOTHING = Q(pk__in=[])


def holds_branch_office(user) -> bool:
    """Whether the offices `user` holds in branches (secretary, committee member) give him
    their rights: while he is a Party member. Read from the user object: no query."""
    return is_party_member(user)


def holds_workstation_role(user) -> bool:
    """Whether `user`'s workstation role (head, deputy, group leader) gives him its rights:
    while he is in the workstation. Read from the user object: no query."""
    return in_workstation(user)


def _outer_holder_has(statuses) -> Q:
    """The outer row of a query over users (the office's holder) has one of `statuses`."""
    return Q(In(OuterRef("political_status"), sorted(statuses)))


def secretary_of(user, *, via: str = "") -> Q:
    """The one definition of "`user` is this branch's secretary, with a secretary's rights"
    (`holds_branch_office`), active branch or not, as a filter over branches; `via` reaches the
    branch from another model, such as "branch__" from a person or an activity. `user` is a
    user, or `OuterRef("pk")` in a query over users (every secretary at once: his status is read
    from the same outer row)."""
    if isinstance(user, OuterRef):
        return Q(**{f"{via}secretary": user}) & _outer_holder_has(BRANCH_OFFICE_STATUSES)
    if not holds_branch_office(user):
        return _NOTHING
    return Q(**{f"{via}secretary": user.pk})


def led_by(user, *, via: str = "") -> Q:
    """The active branches `user` is the secretary of (`secretary_of`): those he leads."""
    return secretary_of(user, via=via) & Q(**{f"{via}is_active": True})


def on_committee_of(user) -> Q:
    """The branches on whose committee `user` sits, with a committee member's rights
    (`holds_branch_office`), active or not, as a filter over branches: a subquery of the
    committee's table, read through its index on the person, not a join that repeats
    branches."""
    if not holds_branch_office(user):
        return _NOTHING
    seats = Branch.committee.through.objects.filter(user=user.pk).values("branch_id")
    return Q(pk__in=seats)


def run_by(user) -> Q:
    """The active branches `user` leads or sits on the committee of: whose development he
    records, and whose members' grades."""
    return (secretary_of(user) | on_committee_of(user)) & Q(is_active=True)


def leads(user, branch: Branch) -> bool:
    """Whether `user` leads `branch` (`led_by`), read from the objects: no query."""
    return holds_branch_office(user) and branch.is_active and branch.secretary_id == user.pk


def leads_group(user) -> bool:
    """A group leader with a group, whose role gives him its rights (`holds_workstation_role`)."""
    return holds_workstation_role(user) and user.leads_group


def oversees_all_groups(user) -> bool:
    """The head or a deputy, whose role gives him its rights (`holds_workstation_role`)."""
    return holds_workstation_role(user) and user.workstation_role in OFFICERS_OVER_ALL_GROUPS


# --- who reviews whom: one relation -------------------------------------------------------------


def reviewed_by(reviewer, *, via: str = "") -> Q:
    """The one definition of "`reviewer` reviews this person", as a filter.

    The secretary of an active branch reviews its people, a group leader his group, and the
    head and deputies everyone with a workstation role while in the workstation; nobody reviews
    himself. `reviewer` is a user, or `OuterRef("pk")` in a query over users (every reviewer at
    once: his role and group are read from the same outer row); `via` reaches the person from
    another model, such as "person__" from a study entry.
    """
    return _in_scope_of(reviewer, via) & ~Q(**{f"{via}pk": _pk(reviewer)})


def _pk(reviewer):
    return reviewer if isinstance(reviewer, OuterRef) else reviewer.pk


def _in_scope_of(reviewer, via: str = "") -> Q:
    """The people in the branch, group or workstation `reviewer` oversees, himself included,
    as far as his offices give him rights (`holds_branch_office`, `holds_workstation_role`)."""
    if isinstance(reviewer, OuterRef):
        people = led_by(reviewer, via=f"{via}branch__")
    else:
        # `branch = ANY(ARRAY(<the branches he leads>))` rather than a join: PostgreSQL then
        # reads his few people through the index on branch, inside the OR, instead of every
        # person (20,000 at a university).
        led = Branch.objects.filter(led_by(reviewer)).order_by().values("pk")
        people = Q(**{f"{via}branch__any_of": ArraySubquery(led)})
    # The head's and deputies' people: everyone with a workstation role while it gives him a
    # place in the workstation (a role whose holder has left it is nobody's to review as such).
    role_holders = ~Q(**{f"{via}workstation_role": ""}) & Q(
        **{f"{via}political_status__in": sorted(WORKSTATION_ROLE_STATUSES)}
    )
    if isinstance(reviewer, OuterRef):
        keeps_role = _outer_holder_has(WORKSTATION_ROLE_STATUSES)
        leader = Exact(OuterRef("workstation_role"), WorkstationRole.LEADER)
        people |= Q(leader) & keeps_role & Q(**{f"{via}group": OuterRef("group")})
        officer = In(OuterRef("workstation_role"), sorted(OFFICERS_OVER_ALL_GROUPS))
        people |= Q(officer) & keeps_role & role_holders
    elif leads_group(reviewer):
        people |= Q(**{f"{via}group": reviewer.group_id})
    elif oversees_all_groups(reviewer):
        people |= role_holders
    return people


def people_reviewed_by(user) -> QuerySet[User]:
    """The people `user` reviews (never himself)."""
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(reviewed_by(user))


def possible_reviewers() -> QuerySet[User]:
    """Everyone who could review somebody: the secretary of an active branch while a Party
    member, a group leader, the head and the deputies while in the workstation (the rule of
    `holds_branch_office` and `holds_workstation_role`, over the holders). What
    `reviewed_by(OuterRef("pk"))` asks of each person, as a filter the database reads first, so
    that the check runs for these few and not for every person (20,000 at a university)."""
    secretaries = Branch.objects.filter(is_active=True).order_by().values("secretary")
    roles = [WorkstationRole.LEADER, *OFFICERS_OVER_ALL_GROUPS]
    return User.objects.filter(
        Q(pk__in=secretaries, political_status__in=sorted(BRANCH_OFFICE_STATUSES))
        | Q(workstation_role__in=roles, political_status__in=sorted(WORKSTATION_ROLE_STATUSES))
    )


def reviewers_of(people: QuerySet[User]) -> QuerySet[User]:
    """Everyone who reviews at least one of `people`."""
    return possible_reviewers().filter(Exists(people.filter(reviewed_by(OuterRef("pk")))))


@cached_per_user
def is_reviewer(user) -> bool:
    """Someone with people to review: the secretary of an active branch, a group leader with
    a group, the head or a deputy, whose office gives him its rights.

    Remembered for the user object, so that a page asks the database once.
    """
    if not user.is_authenticated:
        return False
    if oversees_all_groups(user) or leads_group(user):
        return True
    return any(_led_branches_active(user))


@cached_per_user
def _led_branches_active(user) -> list[bool]:
    """Whether each branch `user` is the secretary of (`secretary_of`) is active: one query
    (none for someone not a Party member) for the navigation's two questions (does he review a
    branch, may he list branches), remembered for the request."""
    return list(Branch.objects.filter(secretary_of(user)).values_list("is_active", flat=True))


@cached_per_user
def branches_run_by(user) -> list[Branch]:
    """The active branches `user` is the secretary of or sits on the committee of (`run_by`),
    by name: whose development he records and whose members' grades he records. One query a
    request, however many of a page's parts ask."""
    if not user.is_authenticated:
        return []
    return list(Branch.objects.filter(run_by(user)).order_by("name"))


def reviews(user, person: User) -> bool:
    """Whether `user` reviews `person`: nobody reviews himself."""
    if user.pk == person.pk:
        return False
    return people_reviewed_by(user).filter(pk=person.pk).exists()


def people_visible_to(user) -> QuerySet[User]:
    """The directory: everyone for staff, his people for a reviewer, nobody for the rest."""
    if is_staff(user):
        return User.objects.all()
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(_in_scope_of(user))


def get_person_for_user(user, pk: int, *, write: bool = False) -> User:
    """The person `pk` as `user` may see him; writing means recording his development steps.

    404 for people `user` may not see; 403 for a person he may see but not change (himself,
    or one of his people for a workstation officer or group leader).
    """
    person = User.objects.select_related("branch", "group").filter(pk=pk).first()
    if person is None or not user.is_authenticated:
        raise Http404
    may_see = (
        is_staff(user)
        or person.pk == user.pk
        or reviews(user, person)
        or can_record_step(user, person)
    )
    if not may_see:
        raise Http404
    if write and not can_record_step(user, person):
        raise PermissionDenied
    return person


def may_open_directory(user) -> bool:
    """Reviewers (for their people) and staff (for everyone) open the directory."""
    return is_staff(user) or is_reviewer(user)


def can_record_step(user, person: User) -> bool:
    """Staff, and the secretary and committee members of the person's (active) branch
    (`run_by`), record the steps of his development; workstation officers and group leaders
    read them but do not record, and nobody records his own. A step changes the person's
    status: staff record them on the accounts they may change (`may_change_account`), not on
    a colleague's."""
    if is_staff(user):
        return may_change_account(user, person)
    if not user.is_authenticated or user.pk == person.pk or person.branch_id is None:
        return False
    return Branch.objects.filter(run_by(user), pk=person.branch_id).exists()


def can_remove_step(user, step: Milestone) -> bool:
    """Whoever may record a person's steps corrects them (removes one recorded by mistake)."""
    return can_record_step(user, step.person)


def can_see_development(user, branch: Branch) -> bool:
    """The branch's development page and ledger: staff, the branch's secretary and its
    committee members (`run_by`)."""
    if is_staff(user):
        return True
    if not user.is_authenticated or not branch.is_active:
        return False
    if leads(user, branch):
        return True
    return Branch.objects.filter(on_committee_of(user), pk=branch.pk).exists()


def can_read_branch_work(user, branch: Branch) -> bool:
    """A branch's view and the lists behind its figures (its members' study, tutoring and dorm
    work): staff, and the secretary of the (active) branch (`leads`). Its committee records
    development steps (`can_see_development`) but does not read these."""
    if is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    return leads(user, branch)


def get_branch_work_for_user(user, pk: int) -> Branch:
    """The branch `pk` whose members' work `user` may read (`can_read_branch_work`); 404 for
    any other."""
    branch = Branch.objects.select_related("secretary").filter(pk=pk).first()
    if branch is None or not can_read_branch_work(user, branch):
        raise Http404
    return branch


def can_export_ledger(user) -> bool:
    """The ledger of the whole college, and the list of incomplete timelines: staff."""
    return is_staff(user)


def can_export_people(user) -> bool:
    """Staff download the directory as Excel."""
    return is_staff(user)


def may_change_rights(user) -> bool:
    """Only superusers grant or take away staff status, superuser status, groups and
    permissions; nobody else, so nobody raises his own rights."""
    return bool(is_staff(user) and user.is_superuser)


def may_change_account(user, person: User) -> bool:
    """Superusers change any account in the admin; other staff only accounts that are not
    staff (and their own), so that no staff member takes over a colleague with more rights."""
    if may_change_rights(user):
        return True
    if person.is_superuser:
        return False
    return not person.is_staff or person.pk == user.pk


def may_set_password(user, person: User) -> bool:
    """Only superusers set another person's password in the admin: a password set by staff
    would let them sign in as the person. Everyone changes his own from his account."""
    return may_change_rights(user) or (is_staff(user) and person.pk == user.pk)


def can_import_roster(user) -> bool:
    """Staff holding the import permission import rosters."""
    return is_staff(user) and user.has_perm("members.import_user")


def branches_visible_to(user) -> QuerySet[Branch]:
    """All branches for staff; for others the branch they belong to, and those they are the
    secretary (`secretary_of`) or a committee member (`on_committee_of`) of."""
    if is_staff(user):
        return Branch.objects.all()
    if not user.is_authenticated:
        return Branch.objects.none()
    return Branch.objects.filter(secretary_of(user) | Q(pk=user.branch_id) | on_committee_of(user))


def branch_ids_visible_to(user) -> set[int]:
    """The ids of the branches whose page `user` may open, to link their names: one query."""
    return set(branches_visible_to(user).values_list("pk", flat=True))


def may_list_branches(user) -> bool:
    """Whoever may open a branch's page: staff, a branch's people and its secretary
    (`secretary_of`)."""
    if is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    if user.branch_id is not None:
        return True
    return bool(_led_branches_active(user))


def get_branch_for_user(user, pk: int) -> Branch:
    """The branch `pk` if `user` may see it, else 404."""
    branch = branches_visible_to(user).select_related("secretary").filter(pk=pk).first()
    if branch is None:
        raise Http404
    return branch
