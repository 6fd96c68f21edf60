"""Dorms at a glance (see `common.glance`): an inspector's rooms to inspect in the rounds under
way (most urgent when the round ends soon) and his follow-ups due; a resident's room's latest
result; the college's figures: round progress, average score, key dorms open, disputes
waiting; and a branch's members' dorm work.

Rooms belong to no branch: a branch's page shows its members' dorm work instead (the rooms
given to them and inspected, inspections done, assistance confirmed, rooms looked after).
"""

import datetime

from django.db.models import Avg, Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.glance import Action, Figure, GlanceSource, Panel, Scope, Urgency
from members.access import in_workstation

from .models import (
    AssistanceAction,
    Contact,
    Dispute,
    DisputeStatus,
    FollowUp,
    Inspection,
    InspectionStatus,
    KeyDorm,
    KeyStatus,
    Residency,
    Room,
    Round,
)

FOLLOW_UP_HORIZON_DAYS = 7


def rounds_of(start: datetime.date, end: datetime.date):
    """The rounds running at some time in [start, end]: the rounds list shows the same."""
    return Round.objects.filter(starts__lte=end, ends__gte=start)


def given_in_rounds(start: datetime.date, end: datetime.date) -> Q:
    """The inspections that are a room given in the rounds of [start, end] (not a
    re-inspection: no room more)."""
    return Q(round__in=rounds_of(start, end), original__isnull=True)


DONE = Q(status=InspectionStatus.DONE)


def done_in(start: datetime.date, end: datetime.date) -> Q:
    """The inspections done in [start, end], re-inspections too, as stage 3 counts them
    (`dorms.practice`)."""
    return DONE & Q(done_on__gte=start, done_on__lte=end)


def branch_inspections(branch_id: int, start: datetime.date, end: datetime.date) -> dict:
    """The inspections by the branch's members behind each of its figures: the rooms given in
    the period's rounds, those inspected, the inspections done in the period."""
    by_members = Inspection.objects.filter(inspector__branch_id=branch_id)
    given = given_in_rounds(start, end)
    return {
        "assigned": by_members.filter(given),
        "inspected": by_members.filter(given & DONE),
        "completed": by_members.filter(done_in(start, end)),
    }


def confirmed_assistance(branch_id: int, start: datetime.date, end: datetime.date):
    """The key-dorm assistance actions of the branch's members, confirmed, dated in
    [start, end] (as stage 3 counts them)."""
    return AssistanceAction.objects.filter(
        member__branch_id=branch_id,
        confirmed_at__isnull=False,
        date__gte=start,
        date__lte=end,
    )


def branch_contacts(branch_id: int):
    """The rooms and floors the branch's members look after."""
    return Contact.objects.filter(member__branch_id=branch_id)


def rooms_looked_after(branch_id: int):
    """The rooms the branch's members look after now: a room, or every room of a floor."""
    contacts = branch_contacts(branch_id)
    return Room.objects.filter(
        Q(pk__in=contacts.filter(room__isnull=False).values("room"))
        | Q(floor__in=contacts.filter(floor__isnull=False).values("floor"))
    )


def branch_list_url(scope: Scope, show: str) -> str:
    """The branch's list (`dorms:branch`) of the rows behind the figure `show`."""
    query = {"show": show, "start": scope.start.isoformat(), "end": scope.end.isoformat()}
    return f"{reverse('dorms:branch', args=[scope.branch_id])}?{urlencode(query)}"


def _urgency(day: datetime.date, today: datetime.date) -> Urgency:
    if day <= today:
        return Urgency.TODAY
    if day <= today + datetime.timedelta(days=2):
        return Urgency.SOON
    return Urgency.LATER


class DormsGlance(GlanceSource):
    key = "dorms"
    title = gettext_lazy("Dorms")
    order = 40

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        """For a member of the workstation (only members inspect), 2 queries; none else."""
        if not in_workstation(user):
            return []
        today = timezone.localdate(now)
        return self._to_inspect(user, today, now) + self._follow_ups(user, today, now)

    def _to_inspect(self, user, today: datetime.date, now: datetime.datetime) -> list[Action]:
        """The rooms given to him in each round under way, not done yet (1 query)."""
        rows = (
            Inspection.objects.filter(
                inspector=user, round__starts__lte=today, round__ends__gte=today
            )
            .exclude(status=InspectionStatus.DONE)
            .values("round_id", "round__name", "round__ends")
            .annotate(count=Count("pk"))
            .order_by("round__ends", "round_id")
        )
        return [
            Action(
                urgency=_urgency(row["round__ends"], today),
                when=now,
                label=ngettext(
                    "%(round)s: %(count)d room to inspect by %(date)s",
                    "%(round)s: %(count)d rooms to inspect by %(date)s",
                    row["count"],
                )
                % {
                    "round": row["round__name"],
                    "count": row["count"],
                    "date": date_format(row["round__ends"]),
                },
                url=reverse("dorms:mine"),
                link_text=_("Inspect"),
            )
            for row in rows
        ]

    def _follow_ups(self, user, today: datetime.date, now: datetime.datetime) -> list[Action]:
        """The failed items of his inspections to check again, due within a week (1 query)."""
        rows = (
            FollowUp.objects.filter(
                answer__inspection__inspector=user,
                resolved_at__isnull=True,
                due__lte=today + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS),
            )
            .values("answer__inspection_id", "answer__inspection__room__number")
            .annotate(count=Count("pk"), due=Min("due"))
            .order_by("due", "answer__inspection_id")
        )
        return [
            Action(
                urgency=_urgency(row["due"], today),
                when=now,
                label=ngettext(
                    "Room %(room)s: %(count)d follow-up due on %(date)s",
                    "Room %(room)s: %(count)d follow-ups due on %(date)s",
                    row["count"],
                )
                % {
                    "room": row["answer__inspection__room__number"],
                    "count": row["count"],
                    "date": date_format(row["due"]),
                },
                url=reverse("dorms:inspection", args=[row["answer__inspection_id"]]),
                link_text=_("See the items"),
            )
            for row in rows
        ]

    def summary(self, user) -> Panel | None:
        """His room's latest inspection result (1 query)."""
        home = Residency.objects.current().filter(person=user).values("room")
        latest = (
            Inspection.objects.filter(room__in=home, status=InspectionStatus.DONE)
            .select_related("room__floor__building")
            .order_by("-done_on", "-pk")
            .first()
        )
        if latest is None:
            return None
        return Panel(
            self.key,
            _("My room"),
            [
                Figure(
                    "latest",
                    _("%(room)s, inspected on %(date)s")
                    % {"room": latest.room, "date": date_format(latest.done_on)},
                    latest.score,
                    latest.get_absolute_url(),
                )
            ],
        )

    def compute(self, scope: Scope) -> dict:
        """The rooms given and inspected in the period's rounds; for the college also the
        rounds, the average score, key dorms open and disputes waiting (5 queries); for a
        branch its members' work: inspections done and assistance confirmed in the period, and
        the rooms they look after (3 queries)."""
        in_rounds = given_in_rounds(scope.start, scope.end)
        counts = {
            "assigned": Count("pk", filter=in_rounds),
            "done": Count("pk", filter=in_rounds & DONE),
        }
        if scope.branch_id is not None:
            figures = Inspection.objects.filter(inspector__branch_id=scope.branch_id).aggregate(
                **counts, completed=Count("pk", filter=done_in(scope.start, scope.end))
            )
            return figures | self._members_work(scope)
        figures = Inspection.objects.filter(in_rounds).aggregate(
            **counts, average=Avg("score", filter=DONE)
        )
        average = figures.pop("average")
        return figures | {
            "rounds": rounds_of(scope.start, scope.end).count(),
            "average": None if average is None else round(float(average), 1),
            "key_open": KeyDorm.objects.exclude(status=KeyStatus.CLOSED).count(),
            "disputes": Dispute.objects.filter(status=DisputeStatus.OPEN).count(),
        }

    def _members_work(self, scope: Scope) -> dict:
        """The assistance the branch's members gave, confirmed, in the period (as stage 3
        counts it) and the rooms they look after now (2 queries)."""
        return {
            "assistance": confirmed_assistance(scope.branch_id, scope.start, scope.end).count(),
            "looked_after": rooms_looked_after(scope.branch_id).count(),
        }

    def panel(self, scope: Scope, figures: dict | None) -> Panel | None:
        if figures is None:
            return None
        if scope.branch_id is not None:
            return self._branch_panel(scope, figures)
        period = {
            "round__starts__lte": scope.end.isoformat(),
            "round__ends__gte": scope.start.isoformat(),
        }
        rounds_url = (
            f"{reverse('dorms:rounds')}?"
            f"{urlencode({'start': scope.start.isoformat(), 'end': scope.end.isoformat()})}"
        )
        return Panel(
            self.key,
            str(self.title),
            figures=[
                Figure(
                    "rounds", _("Inspection rounds in the period"), figures["rounds"], rounds_url
                ),
                Figure(
                    "assigned",
                    _("Rooms to inspect in the period's rounds"),
                    figures["assigned"],
                    inspections_url(**period),
                ),
                Figure(
                    "inspected",
                    _("Rooms inspected in the period's rounds"),
                    figures["done"],
                    inspections_url(**period, status__exact=InspectionStatus.DONE),
                ),
                Figure(
                    "average",
                    _("Average score"),
                    figures["average"],
                    inspections_url(**period, status__exact=InspectionStatus.DONE),
                ),
                Figure(
                    "key-open",
                    _("Key dorms open"),
                    figures["key_open"],
                    f"{reverse('dorms:key-dorms')}?status=open",
                ),
                Figure(
                    "disputes",
                    _("Disputes waiting for staff"),
                    figures["disputes"],
                    f"{reverse('dorms:disputes')}?status={DisputeStatus.OPEN}",
                ),
            ],
        )

    def _branch_panel(self, scope: Scope, figures: dict) -> Panel:
        # The college's lists are the staff's (the admin's inspections, the rounds); a
        # branch's are its own read-only lists, which its secretary opens too.
        def figure(key: str, label: str, value: int) -> Figure:
            return Figure(key, label, value, branch_list_url(scope, key))

        return Panel(
            self.key,
            str(self.title),
            figures=[
                figure(
                    "assigned", _("Rooms to inspect in the period's rounds"), figures["assigned"]
                ),
                figure("inspected", _("Rooms inspected in the period's rounds"), figures["done"]),
                figure("completed", _("Inspections done in the period"), figures["completed"]),
                figure(
                    "assistance",
                    _("Key-dorm assistance actions confirmed in the period"),
                    figures["assistance"],
                ),
                figure("looked-after", _("Rooms looked after"), figures["looked_after"]),
            ],
            note=_("A branch's figures count the dorm work of its members."),
        )


def inspections_url(**filters: object) -> str:
    """The admin's list of inspections (staff), filtered as the dashboard's figures count."""
    query = {"original__isnull": "True", **filters}
    return f"{reverse('admin:dorms_inspection_changelist')}?{urlencode(query)}"
