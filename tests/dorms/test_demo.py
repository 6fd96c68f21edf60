import pytest
from django.core.management import call_command

from dorms.models import (
    AssistanceAction,
    Inspection,
    KeyDorm,
    Residency,
    Round,
)
from members.models import User
from workstation.management.commands.seed_demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_the_demo_has_dorms_for_every_page(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # twice is safe
    rounds = list(Round.objects.order_by("starts"))
    assert len(rounds) == 3
    done = Inspection.objects.filter(status="done")
    assert {i.round_id for i in done} == {r.pk for r in rounds}
    assert not Inspection.objects.filter(round__in=rounds[:2]).exclude(status="done").exists()
    assert Inspection.objects.filter(round=rounds[2]).exclude(status="done").exists()
    assert KeyDorm.objects.filter(rule__isnull=False).exists() or KeyDorm.objects.count() >= 1
    assert AssistanceAction.objects.filter(confirmed_at__isnull=False).exists()
    member = User.objects.get(email=DEMO_ACCOUNTS["member"][0])
    student = User.objects.get(email=DEMO_ACCOUNTS["student"][0])
    assert KeyDorm.objects.filter(responsible=member).exists()
    assert Residency.objects.filter(person=student).exists()
    client.force_login(member)
    page = client.get("/dorms/").content.decode()
    assert "第3轮宿舍检查" in page
    client.force_login(student)
    home = Residency.objects.get(person=student).room
    assert "3号楼 301" in client.get(home.get_absolute_url()).content.decode()
