"""Group leaders recorded on the group before it was kept as a role keep leading, and only
they: the migration and its reverse."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members import access
from members.models import User, WorkstationRole

BEFORE = [("members", "0003_forget_sign_in_times")]
AFTER = [("members", "0007_approve_existing_admissions")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_group_leaders_become_leaders_by_role_and_back():
    apps = _migrate(BEFORE)
    OldUser = apps.get_model("members", "User")
    OldGroup = apps.get_model("members", "WorkstationGroup")
    leader = OldUser.objects.create(
        email="leader@example.edu.cn", workstation_role="member", political_status="full"
    )
    head = OldUser.objects.create(email="head@example.edu.cn", workstation_role="head")
    idle = OldUser.objects.create(email="idle@example.edu.cn", workstation_role="leader")
    first = OldGroup.objects.create(name="学业辅导组", leader=leader)
    OldGroup.objects.create(name="宿舍联络组", leader=head)
    person = OldUser.objects.create(email="person@example.edu.cn", group=first)

    _migrate(AFTER)
    try:
        roles = dict(User.objects.values_list("email", "workstation_role"))
        assert roles["leader@example.edu.cn"] == WorkstationRole.LEADER
        assert roles["head@example.edu.cn"] == WorkstationRole.HEAD  # reviews every group anyway
        assert roles["idle@example.edu.cn"] == WorkstationRole.MEMBER  # he led no group
        new_leader = User.objects.get(pk=leader.pk)
        assert new_leader.group_id == first.pk
        assert list(access.people_reviewed_by(new_leader)) == [User.objects.get(pk=person.pk)]
        assert not access.is_reviewer(User.objects.get(pk=idle.pk))

        apps = _migrate(BEFORE)
        OldGroup = apps.get_model("members", "WorkstationGroup")
        assert OldGroup.objects.get(pk=first.pk).leader_id == leader.pk
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
