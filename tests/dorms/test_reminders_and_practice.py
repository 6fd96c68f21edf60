"""The daily sweep tells each event once; the practice sources count what study stage 3 needs."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dorms import services, tasks
from dorms.models import AssistanceAction, FollowUp, KeyDorm
from dorms.practice import assistance_confirmed, inspections_completed
from notifications.models import Notice
from study.practice import practice_sources
from tests.practice import counts_of
from workstation.management.commands.setup_periodic_tasks import PERIODIC_TASKS

from .test_key_dorms import GOOD, UNSAFE, inspect

TODAY = timezone.localdate()


def kinds_for(person) -> list[str]:
    return sorted(Notice.objects.filter(recipient=person).values_list("kind", flat=True))


def test_each_reminder_is_sent_once(member, reviewer, round_, inspection, room):
    # The round has started: the inspector is told, once, however often the sweep runs.
    assert services.send_reminders(today=TODAY) == 1
    assert services.send_reminders(today=TODAY) == 0
    assert kinds_for(member) == ["dorms-round-start"]
    # The day before it ends, with his room not done.
    assert services.send_reminders(today=round_.ends - datetime.timedelta(days=1)) == 1
    assert services.send_reminders(today=round_.ends - datetime.timedelta(days=1)) == 0
    assert kinds_for(member) == ["dorms-round-ending", "dorms-round-start"]


def test_a_round_ending_tomorrow_with_every_room_done_says_nothing(member, round_, inspection):
    inspect(member, inspection, GOOD)
    assert services.send_reminders(today=round_.ends - datetime.timedelta(days=1)) == 0


def test_an_overdue_follow_up_and_a_review_date_are_told_once(
    member, reviewer, staff, round_, inspection, room
):
    done = inspect(member, inspection, UNSAFE)
    follow_up = FollowUp.objects.get()
    key_dorm = KeyDorm.objects.create(
        room=room,
        reason="测试",
        status="in_progress",
        goals="整改",
        responsible=member,
        reviewer=reviewer,
        review_date=TODAY,
    )
    day_after_due = follow_up.due + datetime.timedelta(days=1)
    assert services.send_reminders(today=follow_up.due) == 2  # the review date, to both
    sent = services.send_reminders(today=day_after_due)
    assert sent == 1  # the follow-up, now overdue
    assert services.send_reminders(today=day_after_due) == 0
    assert "dorms-follow-up" in kinds_for(member)
    assert kinds_for(reviewer) == ["dorms-key-review"]
    # A new review date is a new event.
    key_dorm.review_date = TODAY + datetime.timedelta(days=1)
    key_dorm.save(update_fields=["review_date"])
    assert services.send_reminders(today=day_after_due) == 2
    assert done.pk


def test_the_sweep_is_a_periodic_task(db):
    assert ("dorms.send_reminders", 60) in PERIODIC_TASKS.values()
    assert tasks.send_reminders.apply().get() == 0


def test_inspections_completed_are_counted_per_inspector(member, other_member, inspection):
    assert {"dorm_inspections", "dorm_assistance"} <= {s.key for s in practice_sources()}
    inspect(member, inspection, GOOD)
    with CaptureQueriesContext(connection) as queries:
        counts = counts_of(inspections_completed, [member.pk, other_member.pk], TODAY, TODAY)
    assert len(queries) == 1
    assert counts == {member.pk: 1}
    yesterday = TODAY - datetime.timedelta(days=1)
    assert counts_of(inspections_completed, [member.pk], yesterday, yesterday) == {}


def test_only_confirmed_assistance_actions_count(member, reviewer, room):
    key_dorm = KeyDorm.objects.create(
        room=room,
        reason="测试",
        status="in_progress",
        goals="整改",
        responsible=member,
        reviewer=reviewer,
        review_date=TODAY,
    )
    first = services.log_action(
        actor=member, key_dorm=key_dorm, date=TODAY, kind="talk", note="谈心"
    )
    services.log_action(actor=member, key_dorm=key_dorm, date=TODAY, kind="visit", note="走访")
    assert counts_of(assistance_confirmed, [member.pk], TODAY, TODAY) == {}
    services.confirm_action(actor=reviewer, action=first)
    assert counts_of(assistance_confirmed, [member.pk, reviewer.pk], TODAY, TODAY) == {member.pk: 1}
    assert AssistanceAction.objects.count() == 2
