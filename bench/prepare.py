"""Sign the demo accounts in and list the pages to measure, as JSON on standard output.

Run under Django against a benchmark database that `seed_demo` filled:
`python -m bench.prepare`. Each role gets a session made the way a sign-in makes one; the staff
account gets an authenticator, so that the admin is measured as production serves it to staff
with two-factor authentication set up.
"""

import json
import sys

import django


def main() -> None:
    django.setup()
    print(json.dumps(prepare()))


def prepare() -> dict:
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

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
    cookies = {}
    for role, person in people.items():
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

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
        ("staff", "study overview", "staff", "/study/overview/"),
        ("staff", "plan participants", "staff", f"/study/plans/{enrollment.plan_id}/participants/"),
        ("staff", "suggestion queue", "staff", "/suggestions/queue/"),
        ("staff", "suggestion statistics", "staff", "/suggestions/statistics/"),
        ("staff", "directory", "staff", "/people/"),
        ("staff", "branches", "staff", "/branches/"),
        ("admin", "people", "staff", "/admin/members/user/"),
        ("admin", "milestones", "staff", "/admin/members/milestone/"),
        ("admin", "study entries", "staff", "/admin/study/studyentry/"),
        ("admin", "participants", "staff", "/admin/study/enrollment/"),
        ("admin", "registrations", "staff", "/admin/study/registration/"),
        ("admin", "suggestions", "staff", "/admin/feedback/suggestion/"),
    ]
    return {
        "cookies": cookies,
        "pages": [
            {"group": group, "page": page, "role": role, "path": path}
            for group, page, role, path in pages
        ],
    }


if __name__ == "__main__":
    main()
