"""Campaigns in the admin: staff create one with its questions; a window that has begun opens
at once; once open, who is evaluated and the questions are fixed; an open campaign cannot be
deleted."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Campaign, Evaluatee, Status
from tests.factories import UserFactory
from tests.tutoring.factories import PairingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = UserFactory(staff=True, name="评议管理员")
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="evaluations"))
    client.force_login(staff)
    return client


def _form(**changes) -> dict:
    now = timezone.localtime()
    data = {
        "name": "2026年秋季党群互评",
        "kind": "mutual",
        "scope": "party",
        "branch": "",
        "study_plan_id": "",
        "relations": ["tutee", "self"],
        "period_start": (now.date() - datetime.timedelta(days=90)).isoformat(),
        "period_end": now.date().isoformat(),
        "opens_at_0": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d"),
        "opens_at_1": (now - datetime.timedelta(hours=1)).strftime("%H:%M:%S"),
        "closes_at_0": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%d"),
        "closes_at_1": "12:00:00",
        "basic_from": "2.50",
        "qualified_from": "3.50",
        "excellent_from": "4.50",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-position": "1",
        "questions-0-text": "服务同学",
    }
    return data | changes


def test_a_campaign_whose_window_has_begun_opens_when_saved(admin_client, member):
    PairingFactory(tutor=member)
    response = admin_client.post(reverse("admin:evaluations_campaign_add"), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.status == Status.OPEN
    assert list(campaign.questions.values_list("text", flat=True)) == ["服务同学"]
    assert Evaluatee.objects.filter(campaign=campaign, person=member).exists()
    # Open: who is evaluated and the questions are fixed, and it cannot be deleted.
    page = admin_client.get(reverse("admin:evaluations_campaign_change", args=[campaign.pk]))
    content = page.content.decode()
    assert 'name="scope"' not in content and 'name="questions-0-text"' not in content
    assert 'name="closes_at_0"' in content
    delete = admin_client.get(reverse("admin:evaluations_campaign_delete", args=[campaign.pk]))
    assert delete.status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scope": "branch"}, "请选择要评议其党员的支部"),
        ({"relations": []}, "这个字段是必填项"),
        ({"basic_from": "4.80"}, "分数线必须从基本合格到优秀依次升高"),
        ({"closes_at_0": "2020-01-01"}, "评价结束时间必须晚于开始时间"),
    ],
)
def test_a_wrong_campaign_is_refused_with_the_reason(admin_client, changes, message):
    response = admin_client.post(reverse("admin:evaluations_campaign_add"), _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_not_yet_open_waits(admin_client):
    later = timezone.localtime() + datetime.timedelta(days=2)
    response = admin_client.post(
        reverse("admin:evaluations_campaign_add"),
        _form(
            opens_at_0=later.strftime("%Y-%m-%d"),
            closes_at_0=(later + datetime.timedelta(days=5)).strftime("%Y-%m-%d"),
        ),
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Status.DRAFT
    assert not Evaluatee.objects.exists()
