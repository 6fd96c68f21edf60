"""Demo data, so that a fresh `make run` can be tried at once: one account per role and a
realistic organisation around them (`--scale` multiplies it, `--seed` varies it).

Idempotent: running it again resets the demo passwords and changes nothing else, except that
it schedules a new study activity under way once the demo's has ended, so that the sign-in
screen can always be tried.
"""

import datetime
import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dorms.demo import seed_dorms
from evaluations.demo import seed_evaluations
from feedback.demo import seed_suggestions
from members.demo import demo_timeline, seed_people
from members.models import Branch, PoliticalStatus, User, WorkstationGroup, WorkstationRole
from members.services import record_step
from notifications.services import notify
from study.demo import seed_study
from tutoring.demo import seed_tutoring

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose

# role -> (e-mail, student number, name, is staff)
DEMO_ACCOUNTS: dict[str, tuple[str, str | None, str, bool]] = {
    "staff": ("staff@demo.edu.cn", None, "王老师", True),
    "reviewer": ("reviewer@demo.edu.cn", "20230001", "李书记", False),
    "member": ("member@demo.edu.cn", "20230002", "张党员", False),
    "student": ("student@demo.edu.cn", "20240003", "陈同学", False),
}

DEMO_BRANCH = "本科生第一党支部"
DEMO_GROUP = "学业辅导组"
STAFF_GROUP = "College staff"
# The demo accounts' profiles; the reviewer and the member have a development timeline, placed
# (days ago) on the step their status stands on: the member's probation ends within the month,
# so the reminder has something to say.
DEMO_PROFILES: dict[str, dict] = {
    "reviewer": {"political_status": PoliticalStatus.FULL, "grade": 2022, "major": "软件工程"},
    "member": {
        "political_status": PoliticalStatus.PROBATIONARY,
        "grade": 2022,
        "major": "计算机科学与技术",
        "workstation_role": WorkstationRole.MEMBER,
    },
    "student": {"political_status": PoliticalStatus.LEAGUE, "grade": 2024, "major": "会计学"},
}
DEMO_TIMELINES: dict[str, int] = {"reviewer": 500, "member": 340}


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and demo people, and print the logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the demo people (200 per step)."
        )
        parser.add_argument("--seed", type=int, default=2016, help="Vary the demo people.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create the demo accounts even though debug is off.",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Demo accounts with a published password are for development only "
                "(DJANGO_DEBUG is off; pass --allow-production to create them anyway)."
            )
        if options["scale"] < 1:
            raise CommandError("--scale must be 1 or more.")
        today = timezone.localdate()
        report = seed_people(scale=options["scale"], seed=options["seed"], today=today)
        self.stdout.write(
            f"Demo people: {report.people} people, {report.branches} branches, "
            f"{report.milestones} milestones"
            + ("" if report.created else " (already there; unchanged)")
        )
        branch = Branch.objects.get(name=DEMO_BRANCH)
        group = WorkstationGroup.objects.get(name=DEMO_GROUP)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, (email, number, name, is_staff) in DEMO_ACCOUNTS.items():
            profile = DEMO_PROFILES.get(role, {})
            in_branch = role in DEMO_TIMELINES
            user, _ = User.objects.update_or_create(
                email=email,
                defaults={
                    "student_number": number,
                    "name": name,
                    "is_staff": is_staff,
                    "branch": branch if in_branch else None,
                    "group": group if role == "member" else None,
                    **profile,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if role in DEMO_TIMELINES and not user.milestones.exists():
                _record_demo_timeline(user, branch, today, DEMO_TIMELINES[role])
            if is_staff:
                user.groups.add(_staff_group())
            notify(recipient=user, kind="welcome", key=f"welcome:{user.pk}", email=False)
            login = f"{email} / {number}" if number else email
            self.stdout.write(f"  {role:<9} {login}")
        accounts = {role: User.objects.get(email=e) for role, (e, *_) in DEMO_ACCOUNTS.items()}
        branch.secretary = accounts["reviewer"]
        branch.save(update_fields=["secretary"])
        study = seed_study(
            scale=options["scale"],
            seed=options["seed"],
            today=today,
            member=accounts["member"],
            reviewer=accounts["reviewer"],
            staff=accounts["staff"],
        )
        self.stdout.write(
            f"Study plan: {study.plan}, {study.participants} participants, "
            f"{study.entries} entries" + ("" if study.created else " (already there; unchanged)")
        )
        feedback = seed_suggestions(accounts=accounts, scale=options["scale"], seed=options["seed"])
        self.stdout.write(f"Demo suggestions: {feedback.suggestions}")
        tutoring = seed_tutoring(accounts=accounts, scale=options["scale"], seed=options["seed"])
        self.stdout.write(
            f"Demo tutoring: {tutoring.offers} offers, {tutoring.requests} requests"
            + ("" if tutoring.created else " (already there; unchanged)")
        )

        dorms = seed_dorms(
            accounts=accounts, scale=options["scale"], seed=options["seed"], today=today
        )
        self.stdout.write(
            f"Demo dorms: {dorms.rooms} rooms, {dorms.inspections} inspections, "
            f"{dorms.key_dorms} key dorms"
            + ("" if dorms.created else " (already there; unchanged)")
        )
        evaluations = seed_evaluations(accounts=accounts, branch=branch, seed=options["seed"])
        self.stdout.write(
            f"Demo evaluations: {evaluations.campaigns} campaigns, {evaluations.ballots} ballots"
            + ("" if evaluations.created else " (already there; unchanged)")
        )


def _record_demo_timeline(
    person: User, branch: Branch, today: datetime.date, days_ago: int
) -> None:
    """A timeline for a demo account, recorded step by step through the procedure's rules."""
    rng = random.Random(person.email)  # noqa: S311 - demo data, reproducible on purpose
    # Full members of his branch as contact persons and introducers (of the college, if the
    # branch has too few).
    full = User.objects.filter(political_status=PoliticalStatus.FULL).exclude(pk=person.pk)
    members = list(full.filter(branch=branch).order_by("pk")[:4])
    members += list(full.exclude(branch=branch).order_by("pk")[: 4 - len(members)])
    birth, steps = demo_timeline(
        rng,
        person.political_status,
        today - datetime.timedelta(days=days_ago),
        today,
        (members[0], members[1]),
        (members[2], members[3]),
    )
    person.birth_date = birth
    person.save(update_fields=["birth_date"])
    for step in steps:
        record_step(actor=None, person=person, **step)


def _staff_group() -> Group:
    """What plain staff may do in the admin, as data (the README's "Staff in the admin"):
    everything on people, branches, milestones and rosters (within the limits the people
    admin keeps on accounts), on the study track, the suggestion board, peer tutoring and the
    dorms; and look at, not change, people's e-mail addresses, the notices and the periodic
    tasks."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    changed = Q(content_type__app_label__in=["members", "study", "feedback", "tutoring", "dorms"])
    viewed = Q(codename__startswith="view_") & Q(
        content_type__app_label__in=["account", "notifications", "django_celery_beat"]
    )
    group.permissions.set(Permission.objects.filter(changed | viewed))
    return group
