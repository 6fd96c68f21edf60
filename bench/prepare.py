"""Sign the demo accounts in and list the pages to measure, as JSON on standard output.

Run under Django against a benchmark database that `seed_demo` filled:
`python -m bench.prepare` for the benchmark's pages, `python -m bench.prepare load` for the load
test's people. Each person gets a session made the way a sign-in makes one; the staff account
gets an authenticator, so that the admin is measured as production serves it to staff with
two-factor authentication set up.
"""

import json
import sys

import django


def main() -> None:
    django.setup()
    print(json.dumps(prepare_load() if sys.argv[1:] == ["load"] else prepare()))


def session_cookie(person) -> str:
    """The cookie of a new session of `person`, as a sign-in would have made it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def prepare() -> dict:
    from allauth.mfa.models import Authenticator

    from feedback.access import suggestions_visible_to
    from members.models import User
    from study.access.activities import activities_visible_to
    from study.models import Enrollment
    from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

    people = {role: User.objects.get(email=email) for role, (email, *_) in DEMO_ACCOUNTS.items()}
    staff = people["staff"]
    if not Authenticator.objects.filter(user=staff).exists():
        Authenticator.objects.create(
            user=staff, type=Authenticator.Type.TOTP, data={"secret": "bench-not-a-secret"}
        )
    cookies = {role: session_cookie(person) for role, person in people.items()}

    member, reviewer, student = people["member"], people["reviewer"], people["student"]
    enrollment = Enrollment.objects.filter(person=member).order_by("-plan__starts_on").first()
    suggestion = suggestions_visible_to(student).order_by("-pk").first()
    activity = activities_visible_to(member).order_by("-starts_at").first()
    missing = [
        name
        for name, found in [
            ("an enrollment of the demo member", enrollment),
            ("a suggestion the demo student sees", suggestion),
            ("an activity the demo member sees", activity),
            ("the demo reviewer's branch", reviewer.branch_id),
        ]
        if not found
    ]
    if missing:
        sys.exit("The demo data lacks " + ", ".join(missing) + ": run seed_demo.")

    # (group, page, role, path); the groups carry the targets.
    pages = [
        ("ceiling", "the layout alone", "student", "/bench/layout"),
        ("student", "home", "student", "/"),
        ("student", "suggestion board", "student", "/suggestions/"),
        ("student", "my suggestions", "student", "/suggestions/mine/"),
        ("student", "a suggestion", "student", f"/suggestions/{suggestion.pk}/"),
        ("student", "new suggestion form", "student", "/suggestions/new/"),
        ("student", "notices", "student", "/notifications/"),
        ("member", "my study", "member", "/study/"),
        ("member", "my progress", "member", f"/study/people/{member.pk}/"),
        ("member", "log study form", "member", "/study/entries/new/"),
        ("member", "activities", "member", "/study/activities/"),
        ("member", "an activity", "member", f"/study/activities/{activity.pk}/"),
        ("member", "readings", "member", "/study/readings/"),
        ("member", "my profile", "member", "/me/"),
        ("reviewer", "review queue", "reviewer", "/study/review/"),
        ("reviewer", "directory", "reviewer", "/people/"),
        ("reviewer", "a member's progress", "reviewer", f"/study/people/{member.pk}/"),
        ("reviewer", "a member's profile", "reviewer", f"/people/{member.pk}/"),
        ("reviewer", "his branch", "reviewer", f"/branches/{reviewer.branch_id}/"),
        ("reviewer", "my workstation", "reviewer", "/"),
        ("reviewer", "branch view", "reviewer", f"/glance/branches/{reviewer.branch_id}/"),
        ("staff", "study overview", "staff", "/study/overview/"),
        ("staff", "plan participants", "staff", f"/study/plans/{enrollment.plan_id}/participants/"),
        ("staff", "suggestion queue", "staff", "/suggestions/queue/"),
        ("staff", "suggestion statistics", "staff", "/suggestions/statistics/"),
        ("staff", "staff dashboard", "staff", "/glance/"),
        ("staff", "semester report", "staff", "/glance/report/"),
        ("staff", "directory", "staff", "/people/"),
        ("staff", "branches", "staff", "/branches/"),
        ("admin", "people", "staff", "/admin/members/user/"),
        ("admin", "milestones", "staff", "/admin/members/milestone/"),
        ("admin", "study entries", "staff", "/admin/study/studyentry/"),
        ("admin", "participants", "staff", "/admin/study/enrollment/"),
        ("admin", "registrations", "staff", "/admin/study/registration/"),
        ("admin", "suggestions", "staff", "/admin/feedback/suggestion/"),
    ]
    # The dashboards, timed one request at a time (the "answers in under 300 ms").
    dashboards = [
        ("my workstation", "reviewer", "/"),
        ("branch view", "reviewer", f"/glance/branches/{reviewer.branch_id}/"),
        ("staff dashboard", "staff", "/glance/"),
        ("semester report", "staff", "/glance/report/"),
    ]
    return {
        "cookies": cookies,
        "pages": [
            {"group": group, "page": page, "role": role, "path": path}
            for group, page, role, path in pages
        ],
        "dashboards": [
            {"page": page, "role": role, "path": path} for page, role, path in dashboards
        ],
    }


# People of each kind the load test signs in (the simulated users take them in turn).
LOAD_PEOPLE = 300


def prepare_load() -> dict:
    """Students, members who follow the current plan and their branch secretaries, each with a
    session; an activity under way that every member may sign in to; the board's categories."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from feedback.models import Category
    from members.models import WORKSTATION_STATUSES, User
    from study.models import ActivityKind, Enrollment, Stage
    from study.services.activities import ActivityDetails, schedule_activity
    from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

    staff = User.objects.get(email=DEMO_ACCOUNTS["staff"][0])
    enrollments = (
        Enrollment.objects.filter(person__is_active=True, person__branch__secretary__isnull=False)
        .select_related("plan", "person__branch")
        .order_by("-plan__starts_on", "person_id")
    )
    plan = enrollments.first().plan
    members = [e.person for e in enrollments.filter(plan=plan)[:LOAD_PEOPLE]]
    secretaries = {m.branch.secretary_id for m in members}
    reviewers = list(User.objects.filter(pk__in=secretaries).order_by("pk"))
    students = list(
        User.objects.filter(is_active=True, is_staff=False)
        .exclude(political_status__in=WORKSTATION_STATUSES)
        .order_by("pk")[:LOAD_PEOPLE]
    )
    now = timezone.now()
    activity = schedule_activity(
        actor=staff,
        details=ActivityDetails(
            title="负载测试 · 支部学习",
            kind=ActivityKind.BRANCH_STUDY,
            stage=Stage.THEORY,
            description="",
            starts_at=now - datetime.timedelta(minutes=10),
            ends_at=now + datetime.timedelta(hours=3),
            place="书院活动室",
            capacity=len(members),
            hours=Decimal(1),
            plan=plan,
            branch=None,
        ),
    )

    def people(kind):
        return [{"id": person.pk, "cookie": session_cookie(person)} for person in kind]

    return {
        "students": people(students),
        "members": people(members),
        "reviewers": people(reviewers),
        "activity": {"id": activity.pk, "code": activity.sign_in_code},
        "categories": list(Category.objects.filter(is_active=True).values_list("pk", flat=True)),
        "today": timezone.localdate().isoformat(),
    }


if __name__ == "__main__":
    main()
