import pytest
from django.core.management import call_command
from django.db import transaction

from feedback.models import Category, Suggestion
from members.models import User
from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def _suggestions() -> list[tuple]:
    return list(
        Suggestion.objects.order_by("created_at", "pk").values_list(
            "title", "status", "is_anonymous", "support_count"
        )
    )


def test_demo_suggestions_are_the_same_for_the_same_seed(settings):
    settings.DEBUG = True
    runs = []
    for seed in ("5", "5", "6"):
        with transaction.atomic():
            call_command("seed_demo", "--seed", seed)
            runs.append([row[1:] for row in _suggestions()])
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_the_demo_covers_the_journey(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--scale", "2")
    call_command("seed_demo")  # twice is safe
    assert Suggestion.objects.count() == 48
    assert Suggestion.objects.filter(is_anonymous=True).exists()
    assert {s.status for s in Suggestion.objects.all()} >= {"submitted", "answered", "closed"}
    member = User.objects.get(email=DEMO_ACCOUNTS["member"][0])
    staff = User.objects.get(email=DEMO_ACCOUNTS["staff"][0])
    assert Category.objects.filter(handlers=member).exists()
    assert staff.has_perm("feedback.view_suggestion")
    # The demo student has an anonymous answered suggestion to rate, found only by his token.
    student = User.objects.get(email=DEMO_ACCOUNTS["student"][0])
    from feedback.access import mine

    assert Suggestion.objects.filter(mine(student), is_anonymous=True, status="answered").exists()
