"""The daily reminder sweep of the dorms, each notice once (its key names the event):

- a round has started: each of its inspectors (`dorms-round-start:<round>:<inspector>`);
- a round ends tomorrow and an inspector has rooms not done
  (`dorms-round-ending:<round>:<inspector>`);
- a follow-up issue is overdue: the inspector who found it (`dorms-follow-up:<follow-up>`);
- a key dorm's review date has come: its responsible member and reviewer
  (`dorms-key-review:<key dorm>:<review date>:<person>`; a new review date is a new event).

The queries do not grow with the number of rounds, rooms or people told.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from notifications.services import Reminder, notify_many

from ..models import FollowUp, Inspection, InspectionStatus, KeyDorm, KeyStatus


def send_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    mine = reverse("dorms:mine")
    reminders: list[Reminder] = []
    started = (
        Inspection.objects.filter(
            round__starts__lte=today, round__ends__gte=today, inspector__isnull=False
        )
        .exclude(status=InspectionStatus.DONE)
        .values("round_id", "round__name", "round__ends", "inspector_id")
        .distinct()
    )
    for row in started:
        context = {"round": row["round__name"], "ends": row["round__ends"]}
        reminders.append(
            Reminder(
                recipient=row["inspector_id"],
                kind="dorms-round-start",
                key=f"dorms-round-start:{row['round_id']}:{row['inspector_id']}",
                context=context,
                link=mine,
            )
        )
        if row["round__ends"] == tomorrow:
            reminders.append(
                Reminder(
                    recipient=row["inspector_id"],
                    kind="dorms-round-ending",
                    key=f"dorms-round-ending:{row['round_id']}:{row['inspector_id']}",
                    context=context,
                    link=mine,
                )
            )
    overdue = FollowUp.objects.filter(
        due__lt=today, resolved_at__isnull=True, answer__inspection__inspector__isnull=False
    ).values(
        "pk",
        "due",
        "answer__text",
        "answer__inspection_id",
        "answer__inspection__inspector_id",
        "answer__inspection__room__number",
        "answer__inspection__room__floor__building__name",
    )
    for row in overdue:
        room = f"{row['answer__inspection__room__floor__building__name']} "
        room += row["answer__inspection__room__number"]
        reminders.append(
            Reminder(
                recipient=row["answer__inspection__inspector_id"],
                kind="dorms-follow-up",
                key=f"dorms-follow-up:{row['pk']}",
                context={"item": row["answer__text"], "room": room, "due": row["due"]},
                link=reverse("dorms:inspection", kwargs={"pk": row["answer__inspection_id"]}),
            )
        )
    reviews = (
        KeyDorm.objects.filter(review_date__lte=today)
        .exclude(status=KeyStatus.CLOSED)
        .values("pk", "review_date", "responsible_id", "reviewer_id")
    )
    for row in reviews:
        for person in {row["responsible_id"], row["reviewer_id"]} - {None}:
            reminders.append(
                Reminder(
                    recipient=person,
                    kind="dorms-key-review",
                    key=f"dorms-key-review:{row['pk']}:{row['review_date'].isoformat()}:{person}",
                    context={"review_date": row["review_date"]},
                    link=reverse("dorms:key-dorm", kwargs={"pk": row["pk"]}),
                    private=True,
                )
            )
    return notify_many(reminders=reminders)
