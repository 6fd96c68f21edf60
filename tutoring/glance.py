"""Peer tutoring at a glance (see `common.glance`): a tutor's proposals to answer, sessions to
confirm and quiet tutees; a student's sessions to confirm or rate and his request's state; and
the figures of a branch (its members as tutors, as tutees for the requests) or the college.

The average rating is a college figure only: ratings are never shown per person, and a branch's
few tutors would come close to that.
"""

import datetime

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.glance import Action, Figure, GlanceSource, Panel, Scope, Urgency

from .access import may_be_tutor
from .models import Pairing, Rating, Request, RequestStatus, Session, Status

SHOWN = 5
WAITING_REQUESTS = (RequestStatus.OPEN, RequestStatus.PROPOSED)
ACTIVE_PAIRINGS = (Status.ACTIVE, Status.PAUSED)
# The lists of a branch (`tutoring:branch?show=`), one per figure of its view.
BRANCH_LISTS = ("waiting", "active", "sessions")


def waiting_requests(branch_id: int | None):
    """The requests waiting for a tutor (or for the proposed one to accept): of the branch's
    members as students, or of the college. The overview lists the same."""
    rows = Request.objects.filter(status__in=WAITING_REQUESTS)
    return rows if branch_id is None else rows.filter(tutee__branch_id=branch_id)


def active_pairings(branch_id: int | None):
    """The active (or paused) pairings: of the branch's members as tutors, or of the college.
    The overview lists the same."""
    rows = Pairing.objects.filter(status__in=ACTIVE_PAIRINGS)
    return rows if branch_id is None else rows.filter(tutor__branch_id=branch_id)


def confirmed_sessions(branch_id: int | None, start: datetime.date, end: datetime.date):
    """The sessions confirmed, held in [start, end]: tutored by the branch's members, or of the
    college. The branch's list shows the same."""
    rows = Session.objects.confirmed().filter(date__gte=start, date__lte=end)
    return rows if branch_id is None else rows.filter(tutor__branch_id=branch_id)


def branch_list_url(scope: Scope, show: str) -> str:
    """The branch's list (`tutoring:branch`) of the rows behind the figure `show`."""
    query = {"show": show, "start": scope.start.isoformat(), "end": scope.end.isoformat()}
    return f"{reverse('tutoring:branch', args=[scope.branch_id])}?{urlencode(query)}"


def sessions_url(*, start: str, end: str) -> str:
    """The admin's list of the sessions confirmed in [start, end] (as `compute` counts them)."""
    query = {"confirmed_at__isnull": "False", "date__gte": start, "date__lte": end}
    return f"{reverse('admin:tutoring_session_changelist')}?{urlencode(query)}"


def ratings_url(*, start: str, end: str) -> str:
    """The admin's list of the ratings of the sessions of [start, end] (those averaged)."""
    query = {"session__date__gte": start, "session__date__lte": end}
    return f"{reverse('admin:tutoring_rating_changelist')}?{urlencode(query)}"


class TutoringGlance(GlanceSource):
    key = "tutoring"
    title = gettext_lazy("Peer tutoring")
    order = 30

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        """Sessions to confirm or rate; for a tutor also proposals to answer and quiet tutees
        (4 queries for a tutor, 2 for anyone else)."""
        mine = self._to_confirm(user, now) + self._to_rate(user, now)
        if not may_be_tutor(user):
            return mine
        today = timezone.localdate(now)
        return self._proposals(user, now) + mine + self._quiet(user, today, now)

    def _proposals(self, user, now: datetime.datetime) -> list[Action]:
        proposed = (
            Pairing.objects.filter(tutor=user, status=Status.PROPOSED)
            .select_related("tutee", "request")
            .order_by("created_at", "pk")[:SHOWN]
        )
        return [
            Action(
                urgency=Urgency.SOON,
                when=pairing.created_at,
                label=_("Asked to tutor %(name)s: %(subject)s")
                % {"name": pairing.tutee.display_name, "subject": pairing.request.subject},
                detail=_("Accept or decline the proposal."),
                url=pairing.get_absolute_url(),
                link_text=_("Answer"),
            )
            for pairing in proposed
        ]

    def _to_confirm(self, user, now: datetime.datetime) -> list[Action]:
        """Sessions the other side logged, waiting for his confirmation."""
        sessions = (
            Session.objects.filter(
                Q(pairing__tutor=user) | Q(pairing__tutee=user), confirmed_at__isnull=True
            )
            .exclude(logged_by=user)
            .order_by("date", "pk")[:SHOWN]
        )
        return [
            Action(
                urgency=Urgency.SOON,
                when=now,
                label=_("Session of %(date)s to confirm: %(topic)s")
                % {"date": date_format(session.date), "topic": session.topic},
                detail=_("Confirm that the session took place."),
                url=reverse("tutoring:pairing", args=[session.pairing_id]),
                link_text=_("Confirm"),
            )
            for session in sessions
        ]

    def _to_rate(self, user, now: datetime.datetime) -> list[Action]:
        """His confirmed sessions as a student, not rated yet."""
        sessions = (
            Session.objects.confirmed()
            .filter(pairing__tutee=user, rating__isnull=True)
            .order_by("date", "pk")[:SHOWN]
        )
        return [
            Action(
                urgency=Urgency.LATER,
                when=now,
                label=_("Session of %(date)s to rate: %(topic)s")
                % {"date": date_format(session.date), "topic": session.topic},
                url=reverse("tutoring:pairing", args=[session.pairing_id]),
                link_text=_("Rate the session"),
            )
            for session in sessions
        ]

    def _quiet(self, user, today: datetime.date, now: datetime.datetime) -> list[Action]:
        """His tutees with no session for `TUTORING_QUIET_DAYS`."""
        days = settings.TUTORING_QUIET_DAYS
        quiet = (
            Pairing.objects.filter(
                tutor=user,
                status=Status.ACTIVE,
                quiet_since__lte=today - datetime.timedelta(days=days),
            )
            .select_related("tutee")
            .order_by("quiet_since", "pk")[:SHOWN]
        )
        return [
            Action(
                urgency=Urgency.SOON,
                when=now,
                label=_("No session with %(name)s since %(date)s")
                % {"name": pairing.tutee.display_name, "date": date_format(pairing.quiet_since)},
                detail=_("Meet your tutee, or pause the pairing."),
                url=pairing.get_absolute_url(),
                link_text=_("Open the pairing"),
            )
            for pairing in quiet
        ]

    def summary(self, user) -> Panel | None:
        """His latest requests and the state of each (1 query)."""
        own = list(Request.objects.filter(tutee=user).order_by("-created_at", "-pk")[:SHOWN])
        if not own:
            return None
        figures = [
            Figure(f"request-{r.pk}", r.subject, r.get_status_display(), r.get_absolute_url())
            for r in own
        ]
        return Panel(self.key, _("My tutoring requests"), figures)

    def compute(self, scope: Scope) -> dict:
        figures = {
            "waiting": waiting_requests(scope.branch_id).count(),
            "active": active_pairings(scope.branch_id).count(),
            "sessions": confirmed_sessions(scope.branch_id, scope.start, scope.end).count(),
            "average_rating": None,
            "ratings": None,
        }
        if scope.branch_id is None:
            rated = Rating.objects.filter(
                session__date__gte=scope.start, session__date__lte=scope.end
            ).aggregate(avg=Avg("score"), count=Count("pk"))
            figures["average_rating"] = None if rated["avg"] is None else round(rated["avg"], 1)
            figures["ratings"] = rated["count"]
        return figures

    def panel(self, scope: Scope, figures: dict) -> Panel:
        # The college's lists are the staff's (the overview, the admin); a branch's are its
        # own read-only lists, which its secretary opens too.
        college = scope.branch_id is None
        period = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
        if college:
            urls = {
                "waiting": reverse("tutoring:overview"),
                "active": reverse("tutoring:overview"),
                "sessions": sessions_url(**period),
            }
        else:
            urls = {show: branch_list_url(scope, show) for show in BRANCH_LISTS}
        shown = [
            Figure(
                "waiting", _("Requests waiting for a tutor"), figures["waiting"], urls["waiting"]
            ),
            Figure("active", _("Active pairings"), figures["active"], urls["active"]),
            Figure(
                "sessions",
                _("Confirmed sessions in the period"),
                figures["sessions"],
                urls["sessions"],
            ),
        ]
        if college:
            shown.append(
                Figure(
                    "rating",
                    _("Average rating of the period's sessions"),
                    figures["average_rating"],
                    ratings_url(**period),
                )
            )
        return Panel(
            self.key,
            str(self.title),
            figures=shown,
            note=_("A branch's figures count its members as tutors (as students for requests).")
            if scope.branch_id is not None
            else "",
        )
