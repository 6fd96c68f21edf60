"""Who leads a group is kept in one place from now on: the workstation role "leader" of one
person in the group (the next migration drops `WorkstationGroup.leader`).

Forward: each group's leader gets the role "leader" and belongs to the group (a head or deputy
keeps his role: he reviews every group already); someone who led two groups keeps the first
by name. The role "leader" of anyone who led no group becomes "member": he reviewed nobody,
and with the role alone he would now review his group. Backward: each group's leader is the
person of the group whose role is "leader".
"""

from django.db import migrations

NOT_AN_OFFICER = ["", "member", "leader"]


def leaders_by_role(apps, schema_editor):
    User = apps.get_model("members", "User")
    WorkstationGroup = apps.get_model("members", "WorkstationGroup")
    leading: dict[int, int] = {}
    for leader_id, group_id in (
        WorkstationGroup.objects.exclude(leader=None).order_by("name").values_list("leader", "pk")
    ):
        leading.setdefault(leader_id, group_id)
    User.objects.filter(workstation_role="leader").exclude(pk__in=leading).update(
        workstation_role="member"
    )
    for user_id, group_id in leading.items():
        User.objects.filter(pk=user_id, workstation_role__in=NOT_AN_OFFICER).update(
            workstation_role="leader", group_id=group_id
        )


def leaders_by_group(apps, schema_editor):
    User = apps.get_model("members", "User")
    WorkstationGroup = apps.get_model("members", "WorkstationGroup")
    for user_id, group_id in User.objects.filter(
        workstation_role="leader", group__isnull=False
    ).values_list("pk", "group"):
        WorkstationGroup.objects.filter(pk=group_id).update(leader_id=user_id)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_forget_sign_in_times")]

    operations = [migrations.RunPython(leaders_by_role, leaders_by_group)]
