import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from workstation.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD


@pytest.mark.django_db
def test_periodic_tasks_are_created_once_and_admin_edits_are_kept():
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(task="notifications.send_pending_emails")
    task.enabled = False
    task.save(update_fields=["enabled"])
    call_command("setup_periodic_tasks")
    assert PeriodicTask.objects.filter(task="notifications.send_pending_emails").count() == 1
    task.refresh_from_db()
    assert task.enabled is False


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_the_printed_password(client, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice is safe
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    for email, number, _name, _staff in DEMO_ACCOUNTS.values():
        for login in filter(None, [email, number]):
            response = client.post(
                "/accounts/login/", {"login": login, "password": DEMO_PASSWORD}, follow=True
            )
            assert response.wsgi_request.user.email == email
            client.post("/accounts/logout/")


@pytest.mark.django_db
def test_demo_accounts_are_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
