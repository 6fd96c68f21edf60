# ruff: noqa: RUF001 - Chinese text keeps its full-width punctuation
"""Words of other packages that Chinese readers met in English or oddly put: the admin's yes/no
icons said "True"/"False", the periodic tasks' filter "以 Task Name" (every filter heading read
"以 …", now "按…") and their form's headings English or 发布 (the portal's word for scheduling
an activity), and allauth's note to someone signed in "注意:" with an English colon."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from tests.factories import UserFactory
from tests.feedback.factories import CategoryFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


@pytest.fixture
def periodic_task() -> PeriodicTask:
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(
        name="每小时提醒", task="feedback.remind_overdue", interval=every_hour
    )


def icon_texts(page: str) -> list[str]:
    return re.findall(r'<img src="[^"]*/icon-(?:yes|no|unknown)[^"]*" alt="([^"]*)"', page)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(("headers", "shown"), [({}, ["是", "否"]), (EN, ["Yes", "No"])])
def test_the_admins_yes_and_no_icons_say_so_in_the_readers_language(
    superuser_client, headers, shown
):
    CategoryFactory(name="教学", is_active=True)
    CategoryFactory(name="后勤", is_active=False)
    page = superuser_client.get(
        reverse("admin:feedback_category_changelist"), **headers
    ).content.decode()
    assert sorted(set(icon_texts(page))) == sorted(shown)
    assert 'alt="True"' not in page and 'alt="False"' not in page


def test_a_read_only_yes_or_no_says_so_too(superuser_client, periodic_task):
    page = superuser_client.get(
        reverse("admin:django_celery_beat_periodictask_changelist")
    ).content.decode()
    assert "是" in icon_texts(page)
    assert 'alt="True"' not in page


def test_the_periodic_tasks_filter_by_task_in_chinese(superuser_client, periodic_task):
    page = text_of(
        superuser_client.get(
            reverse("admin:django_celery_beat_periodictask_changelist")
        ).content.decode()
    )
    # A filter's heading reads 按任务 (by task), not Django's 以 任务.
    assert "按任务" in page and "以 任务" not in page
    assert "Task Name" not in page and "Scheduler" not in page
    english = text_of(
        superuser_client.get(
            reverse("admin:django_celery_beat_periodictask_changelist"), **EN
        ).content.decode()
    )
    assert "By Task Name" in english


def test_the_periodic_tasks_form_has_chinese_headings(superuser_client, periodic_task):
    url = reverse("admin:django_celery_beat_periodictask_change", args=[periodic_task.pk])
    page = superuser_client.get(url).content.decode()
    headings = re.findall(r"<h2[^>]*>\s*([^<]+?)\s*</h2>", page)
    assert {"时间表", "参数", "执行选项"} <= set(headings)
    assert "发布" not in headings
    assert not {"Arguments", "Execution Options", "Schedule"} & set(headings)

    schedule = reverse(
        "admin:django_celery_beat_intervalschedule_change", args=[periodic_task.interval_id]
    )
    page = text_of(superuser_client.get(schedule).content.decode())
    assert "使用此时间表的周期性任务" in page
    assert "Task Name" not in page and "Periodic Tasks Using" not in page


def test_a_signed_in_person_is_told_so_with_a_chinese_colon(student_client):
    page = student_client.get(reverse("account_reset_password")).content.decode()
    assert "<strong>注意：</strong>你已经以陈同学的身份登录。" in page
    assert "注意:" not in page
    english = student_client.get(reverse("account_reset_password"), **EN).content.decode()
    assert "<strong>Note:</strong> you are already signed in as 陈同学." in english
