"""Demo accounts, one per role, so that a fresh `make run` can be tried at once.

Idempotent: running it again resets the demo passwords and changes nothing else.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.services import notify

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose

# role -> (e-mail, student number, name, is staff)
DEMO_ACCOUNTS: dict[str, tuple[str, str | None, str, bool]] = {
    "staff": ("staff@demo.edu.cn", None, "王老师", True),
    "reviewer": ("reviewer@demo.edu.cn", "20230001", "李书记", False),
    "member": ("member@demo.edu.cn", "20230002", "张党员", False),
    "student": ("student@demo.edu.cn", "20240003", "陈同学", False),
}


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and print their logins."

    def add_arguments(self, parser) -> None:
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
        User = get_user_model()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for role, (email, number, name, is_staff) in DEMO_ACCOUNTS.items():
            user, _ = User.objects.update_or_create(
                email=email,
                defaults={"student_number": number, "name": name, "is_staff": is_staff},
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            notify(recipient=user, kind="welcome", key=f"welcome:{user.pk}", email=False)
            login = f"{email} / {number}" if number else email
            self.stdout.write(f"  {role:<9} {login}")
