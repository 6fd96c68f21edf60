"""Timelines recorded before the full procedure keep their dates and statuses: an admission
as a probationary member gets its approval on the same day, and the reverse takes it away."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import Milestone, PoliticalStatus, User
from members.procedure import outlook

BEFORE = [("members", "0005_one_leader_per_group")]
AFTER = [("members", "0007_approve_existing_admissions")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_timelines_keep_their_dates_and_statuses():
    apps = _migrate(BEFORE)
    OldUser = apps.get_model("members", "User")
    OldMilestone = apps.get_model("members", "Milestone")
    day = datetime.date(2024, 5, 6)
    probationer = OldUser.objects.create(email="p@example.edu.cn", political_status="probationary")
    applicant = OldUser.objects.create(email="a@example.edu.cn", political_status="applicant")
    for kind, ago in [("application", 900), ("activist", 800), ("candidate", 400)]:
        OldMilestone.objects.create(
            person=probationer, kind=kind, date=day - datetime.timedelta(days=ago)
        )
    OldMilestone.objects.create(person=probationer, kind="probationary", date=day)
    OldMilestone.objects.create(person=applicant, kind="application", date=day)

    _migrate(AFTER)
    try:
        person = User.objects.get(pk=probationer.pk)
        assert person.political_status == PoliticalStatus.PROBATIONARY
        steps = list(person.milestones.order_by("date", "pk"))
        assert [(s.kind, s.date) for s in steps][-2:] == [
            ("probationary", day),
            ("approval", day),
        ]
        # What comes next reads the migrated timeline: the oath, then full membership a year on.
        assert outlook(steps).next_kind == Milestone.Kind.OATH
        assert outlook(steps).due == datetime.date(2025, 5, 6)
        assert list(
            User.objects.get(pk=applicant.pk).milestones.values_list("kind", flat=True)
        ) == ["application"]

        apps = _migrate(BEFORE)
        OldMilestone = apps.get_model("members", "Milestone")
        assert not OldMilestone.objects.filter(kind="approval").exists()
        assert OldMilestone.objects.filter(person_id=probationer.pk).count() == 4
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
