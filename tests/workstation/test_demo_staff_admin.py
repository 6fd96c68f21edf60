"""What the demo staff account may see and do in the admin, as the README says: people,
branches, milestones, the study track and the suggestion board; read-only e-mail addresses,
notices and periodic tasks; nobody's rights and no task run by hand."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django_celery_beat.models import PeriodicTask

from members.models import User
from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def demo_staff(settings) -> Client:
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("setup_periodic_tasks")
    client = Client()
    client.force_login(User.objects.get(email=DEMO_ACCOUNTS["staff"][0]))
    return client


def test_demo_staff_see_what_the_readme_promises(demo_staff):
    index = demo_staff.get("/admin/", **EN).content.decode()
    for section in ("Periodic tasks", "Notices", "Email addresses", "Users"):
        assert section in index, section
    for url in (
        "/admin/django_celery_beat/periodictask/",
        "/admin/notifications/notice/",
        "/admin/account/emailaddress/",
    ):
        assert demo_staff.get(url).status_code == 200, url


def test_demo_staff_run_no_periodic_task_by_hand(demo_staff):
    task = PeriodicTask.objects.get(task="notifications.send_pending_emails")
    listing = demo_staff.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "run_tasks" not in listing
    demo_staff.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [str(task.pk)]},
    )
    task.refresh_from_db()
    assert task.enabled
    response = demo_staff.post(f"/admin/django_celery_beat/periodictask/{task.pk}/change/", {})
    assert response.status_code == 403


def test_demo_staff_verify_no_address(demo_staff):
    student = User.objects.get(email=DEMO_ACCOUNTS["student"][0])
    address = EmailAddress.objects.create(user=student, email="mine@example.edu.cn")
    listing = demo_staff.get("/admin/account/emailaddress/").content.decode()
    assert "make_verified" not in listing
    demo_staff.post(
        "/admin/account/emailaddress/",
        {"action": "make_verified", "_selected_action": [str(address.pk)]},
    )
    address.refresh_from_db()
    assert not address.verified
