"""The study track at a glance (see `common.glance`): a member's next actions and progress, a
reviewer's queue and people, and the study and activity figures of a branch or the college.

The figures and the list behind them (`study:progress-list`) select participants with the
same functions (`scope_enrollments`, `matches`), so that a figure and its list always agree.
"""

import datetime
from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from common.glance import Action, Chart, Figure, GlanceSource, Panel, Scope, Table, Urgency
from members.access import in_workstation, is_reviewer
from members.caching import cached_per_user

from .access.track import enrollments_visible_to, review_queue
from .models import Activity, Enrollment, Registration, Stage, StudyEntry
from .progress import EnrollmentProgress, progress_of
from .services.activities import sign_in_window

# Progress bands of the distribution: (key, lowest percent, highest percent).
BANDS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 24),
    ("25", 25, 49),
    ("50", 50, 74),
    ("75", 75, 99),
    ("100", 100, 100),
)
DONE = "done"  # the "stage" of a participant who completed his plan
ENTRIES_SHOWN = 10
BEHIND_LISTED = 200
# What the figures read of a participant (his progress, and his name, number and branch in the
# list of those behind): a university's participants load in a fraction of the time.
FIGURE_FIELDS = (
    "stage",
    "completed_at",
    "person_id",
    "plan__starts_on",
    "plan__ends_on",
    "person__name",
    "person__email",
    "person__student_number",
    "person__staff_number",
    "person__branch__name",
)


def scope_enrollments(
    branch_id: int | None, start: datetime.date, end: datetime.date
) -> QuerySet[Enrollment]:
    """The participants of the plans running at some time in [start, end], of one branch
    (its people) or of the whole college."""
    enrollments = Enrollment.objects.filter(plan__starts_on__lte=end, plan__ends_on__gte=start)
    if branch_id is not None:
        enrollments = enrollments.filter(person__branch_id=branch_id)
    return enrollments


def visible_progress(
    user, branch_id: int | None, start: datetime.date, end: datetime.date
) -> list[EnrollmentProgress]:
    """The progress of the participants of a scope that `user` may see (his own and his
    people's; everyone's for staff): the rows of the list behind a figure."""
    enrollments = (
        scope_enrollments(branch_id, start, end)
        .filter(pk__in=enrollments_visible_to(user).values("pk"))
        .select_related("plan", "person__branch")
        .order_by("person__branch__name", "person__student_number", "plan__starts_on", "pk")
    )
    return progress_of(enrollments)


@cached_per_user
def _people_progress_by_day(user) -> dict[datetime.date, list[EnrollmentProgress]]:
    return {}


def people_progress(user, today: datetime.date) -> list[EnrollmentProgress]:
    """`visible_progress` of the plans running `today`, computed once a request: a reviewer's
    next actions count his people's, and his own panel finds his own among them."""
    by_day = _people_progress_by_day(user)
    if today not in by_day:
        by_day[today] = visible_progress(user, None, today, today)
    return by_day[today]


def band_of(percent: int) -> str:
    return next(key for key, low, high in BANDS if low <= percent <= high)


def band_label(key: str) -> str:
    low, high = next((low, high) for k, low, high in BANDS if k == key)
    return f"{low}%" if low == high else f"{low}-{high}%"


def matches(
    item: EnrollmentProgress,
    *,
    stage: str = "",
    band: str = "",
    behind: bool = False,
    ready: bool = False,
) -> bool:
    """Whether a participant's progress fits a figure's filter (empty filters fit all)."""
    if stage == DONE and not item.completed:
        return False
    if stage and stage != DONE and (item.completed or str(item.enrollment.stage) != stage):
        return False
    if band and band_of(item.overall_percent) != band:
        return False
    if behind and not item.behind:
        return False
    return not (ready and not item.can_sign_off)


def progress_list_url(scope: Scope, **filters: object) -> str:
    query = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if scope.branch_id is not None:
        query["branch"] = scope.branch_id
    query |= {key: value for key, value in filters.items() if value}
    return f"{reverse('study:progress-list')}?{urlencode(query)}"


def activity_list_url(scope: Scope) -> str:
    query = {"when": "all", "start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if scope.branch_id is not None:
        query["branch"] = scope.branch_id
    return f"{reverse('study:activities')}?{urlencode(query)}"


def places_url(scope: Scope, **filters: object) -> str:
    """The places taken at the scope's activities (`attended=1`: those attended)."""
    query = {"start": scope.start.isoformat(), "end": scope.end.isoformat()}
    if scope.branch_id is not None:
        query["branch"] = scope.branch_id
    query |= {key: value for key, value in filters.items() if value}
    return f"{reverse('study:activity-places')}?{urlencode(query)}"


def scope_activities(scope: Scope) -> QuerySet[Activity]:
    """The activities that began in the period: of the branch, or all of the college."""
    activities = Activity.objects.filter(starts_at__date__range=(scope.start, scope.end))
    if scope.branch_id is not None:
        activities = activities.filter(branch_id=scope.branch_id)
    return activities


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


class StudyGlance(GlanceSource):
    key = "study"
    title = pgettext_lazy("glance panel", "Study")
    order = 20
    heavy = True  # every participant's progress

    # --- my workstation -----------------------------------------------------------------------

    def actions(self, user, now: datetime.datetime) -> list[Action]:
        actions: list[Action] = []
        if in_workstation(user):
            actions += self._activities(user, now)
            actions += self._entries(user, now)
        if is_reviewer(user):
            actions += self._reviewing(user, now)
        return actions

    def _activities(self, user, now: datetime.datetime) -> list[Action]:
        """His places at activities today and tomorrow, with sign-in when it is open (1 query)."""
        today = timezone.localdate(now)
        registrations = (
            Registration.objects.filter(
                person=user,
                status=Registration.Status.REGISTERED,
                attended_at__isnull=True,
                activity__ends_at__gte=now,
                activity__starts_at__date__lte=today + datetime.timedelta(days=1),
            )
            .select_related("activity")
            .order_by("activity__starts_at")
        )
        actions = []
        for registration in registrations:
            activity = registration.activity
            opens, closes = sign_in_window(activity)
            starts = timezone.localtime(activity.starts_at)
            if opens <= now <= closes:
                urgency, url = Urgency.NOW, reverse("study:activity-sign-in", args=[activity.pk])
                link_text = pgettext("activity", "Sign in")
            else:
                urgency = Urgency.TODAY if starts.date() <= today else Urgency.SOON
                url, link_text = reverse("study:activity", args=[activity.pk]), _("Open")
            when = _("today") if starts.date() <= today else _("tomorrow")
            actions.append(
                Action(
                    urgency=urgency,
                    when=activity.starts_at,
                    label=_("Activity %(when)s: %(title)s") % {"when": when, "title": activity},
                    detail=f"{starts:%H:%M} · {activity.place}",
                    url=url,
                    link_text=link_text,
                )
            )
        return actions

    def _entries(self, user, now: datetime.datetime) -> list[Action]:
        """His returned entries and drafts, each to its form (2 queries)."""
        actions = []
        for status, urgency, label in (
            (StudyEntry.Status.RETURNED, Urgency.SOON, _("Returned to you: %(entry)s")),
            (StudyEntry.Status.DRAFT, Urgency.LATER, _("Draft to submit: %(entry)s")),
        ):
            entries = StudyEntry.objects.filter(person=user, status=status).order_by("date", "pk")
            for entry in entries[:ENTRIES_SHOWN]:
                title = entry.material or entry.get_kind_display()
                actions.append(
                    Action(
                        urgency=urgency,
                        when=entry.created_at,
                        label=label % {"entry": title},
                        detail=f"{entry.date:%Y-%m-%d} · {entry.get_stage_display()}",
                        url=reverse("study:entry-edit", args=[entry.pk]),
                        link_text=_("Edit and submit"),
                    )
                )
        return actions

    def _reviewing(self, user, now: datetime.datetime) -> list[Action]:
        """Entries waiting for him, his people behind schedule and stages ready to sign off."""
        actions = []
        waiting = review_queue(user).count()
        if waiting:
            actions.append(
                Action(
                    urgency=Urgency.TODAY,
                    when=now,
                    label=ngettext(
                        "%(count)d entry waits for your review",
                        "%(count)d entries wait for your review",
                        waiting,
                    )
                    % {"count": waiting},
                    url=reverse("study:review"),
                    link_text=_("Review"),
                )
            )
        today = timezone.localdate(now)
        # The same participants as the list the actions link to.
        rows = people_progress(user, today)
        scope = Scope(None, today, today)
        ready = sum(item.can_sign_off for item in rows)
        behind = sum(item.behind for item in rows)
        if ready:
            actions.append(
                Action(
                    urgency=Urgency.TODAY,
                    when=now,
                    label=ngettext(
                        "%(count)d stage is ready to sign off",
                        "%(count)d stages are ready to sign off",
                        ready,
                    )
                    % {"count": ready},
                    url=progress_list_url(scope, ready=1),
                    link_text=_("Sign off"),
                )
            )
        if behind:
            actions.append(
                Action(
                    urgency=Urgency.SOON,
                    when=now,
                    label=ngettext(
                        "%(count)d of your people is behind schedule",
                        "%(count)d of your people are behind schedule",
                        behind,
                    )
                    % {"count": behind},
                    url=progress_list_url(scope, behind=1),
                    link_text=_("See who"),
                )
            )
        return actions

    def summary(self, user) -> Panel | None:
        """His current plan: the stage he is in and his progress (a fixed number of queries)."""
        enrollment = (
            Enrollment.objects.filter(person=user)
            .select_related("plan", "person")
            .order_by("completed_at", "-plan__starts_on", "-pk")
            .first()
        )
        if enrollment is None:
            return None
        item = self._own_progress(user, enrollment)
        stage = _("Completed") if item.completed else item.current.label
        url = reverse("study:mine")
        figures = [
            Figure("stage", _("Stage"), stage, url),
            Figure("overall", _("Overall progress"), item.overall_percent, url, "%"),
            Figure("elapsed", _("Plan time elapsed"), item.elapsed_percent, url, "%"),
        ]
        note = _("Behind schedule") if item.behind else _("On track")
        return Panel("study", str(item.plan), figures, note=note)

    def _own_progress(self, user, enrollment: Enrollment) -> EnrollmentProgress:
        """His progress; a reviewer's is among his people's, which his actions computed."""
        today = timezone.localdate()
        plan = enrollment.plan
        if is_reviewer(user) and plan.starts_on <= today <= plan.ends_on:
            for item in people_progress(user, today):
                if item.enrollment.pk == enrollment.pk:
                    return item
        return progress_of([enrollment])[0]

    # --- a branch or the college ---------------------------------------------------------------

    def compute(self, scope: Scope) -> dict:
        rows = progress_of(
            scope_enrollments(scope.branch_id, scope.start, scope.end)
            .select_related("plan", "person__branch")
            .only(*FIGURE_FIELDS)
        )
        stages = Counter(DONE if item.completed else str(item.enrollment.stage) for item in rows)
        bands = Counter(band_of(item.overall_percent) for item in rows)
        behind = sorted(
            (item for item in rows if item.behind),
            key=lambda item: (item.overall_percent, item.enrollment.person.number),
        )
        activities = scope_activities(scope)
        registered = Q(registrations__status=Registration.Status.REGISTERED)
        activity_rows = list(
            activities.annotate(
                registered=Count("registrations", filter=registered),
                attended=Count(
                    "registrations", filter=registered & Q(registrations__attended_at__isnull=False)
                ),
            )
            .order_by("starts_at", "pk")
            .values("pk", "title", "kind", "stage", "starts_at", "registered", "attended")
        )
        return {
            "participants": len(rows),
            "stages": {key: stages.get(key, 0) for key in [*map(str, Stage.values), DONE]},
            "bands": {key: bands.get(key, 0) for key, _low, _high in BANDS},
            "behind": len(behind),
            "ready": sum(item.can_sign_off for item in rows),
            "average": round(sum(item.overall for item in rows) * 100 / len(rows))
            if rows
            else None,
            "behind_people": [
                [
                    item.enrollment.person.display_name,
                    item.enrollment.person.number,
                    item.enrollment.person.branch.name if item.enrollment.person.branch else "",
                    item.overall_percent,
                    item.elapsed_percent,
                ]
                for item in behind[:BEHIND_LISTED]
            ],
            "activities": len(activity_rows),
            "registered": sum(row["registered"] for row in activity_rows),
            "attended": sum(row["attended"] for row in activity_rows),
            "activity_rows": [
                [
                    row["title"],
                    timezone.localtime(row["starts_at"]).strftime("%Y-%m-%d %H:%M"),
                    row["kind"],
                    row["stage"],
                    row["registered"],
                    row["attended"],
                ]
                for row in activity_rows
            ],
        }

    def panel(self, scope: Scope, figures: dict) -> Panel:
        from .models import ActivityKind

        stage_labels = {str(value): str(label) for value, label in Stage.choices}
        stage_labels[DONE] = _("Completed")
        stage_figures = [
            Figure(f"stage-{key}", stage_labels[key], count, progress_list_url(scope, stage=key))
            for key, count in figures["stages"].items()
        ]
        band_urls = [progress_list_url(scope, band=key) for key, _low, _high in BANDS]
        activities_url = activity_list_url(scope)
        rate = _percent(figures["attended"], figures["registered"])
        panel = Panel(
            self.key,
            str(self.title),
            figures=[
                Figure(
                    "participants",
                    _("Participants"),
                    figures["participants"],
                    progress_list_url(scope),
                ),
                *stage_figures,
                Figure(
                    "average",
                    _("Average progress"),
                    figures["average"],
                    progress_list_url(scope),
                    "%",
                ),
                Figure(
                    "behind",
                    _("Behind schedule"),
                    figures["behind"],
                    progress_list_url(scope, behind=1),
                ),
                Figure(
                    "ready",
                    _("Ready to sign off"),
                    figures["ready"],
                    progress_list_url(scope, ready=1),
                ),
                Figure("activities", _("Activities held"), figures["activities"], activities_url),
                Figure("registered", _("Places taken"), figures["registered"], places_url(scope)),
                Figure(
                    "attended", _("Attended"), figures["attended"], places_url(scope, attended=1)
                ),
                Figure("attendance", _("Attendance rate"), rate, places_url(scope), "%"),
            ],
            charts=[
                Chart(
                    "stages",
                    _("Participants per stage"),
                    [figure.label for figure in stage_figures],
                    [figure.value for figure in stage_figures],
                    [figure.url for figure in stage_figures],
                ),
                Chart(
                    "bands",
                    _("Progress distribution"),
                    [band_label(key) for key, _low, _high in BANDS],
                    list(figures["bands"].values()),
                    band_urls,
                ),
            ],
        )
        kinds = dict(ActivityKind.choices)
        panel.tables = [
            Table(
                _("Progress distribution"),
                [_("Progress"), _("Participants")],
                [[band_label(key), count] for key, count in figures["bands"].items()],
            ),
            Table(
                _("Behind schedule"),
                [
                    pgettext("report column", "Name"),
                    _("Number"),
                    _("Branch"),
                    _("Progress (%)"),
                    _("Time elapsed (%)"),
                ],
                figures["behind_people"],
            ),
            Table(
                _("Activities"),
                [_("Title"), _("Starts"), _("Type"), _("Stage"), _("Places taken"), _("Attended")],
                [
                    [title, starts, str(kinds.get(kind, kind)), stage_labels[str(stage)], *counts]
                    for title, starts, kind, stage, *counts in figures["activity_rows"]
                ],
            ),
        ]
        return panel
