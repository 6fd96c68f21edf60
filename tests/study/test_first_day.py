"""What a member meets on his first day in the study track: what is missing links to where it is
done, the entry form says how long a reflection must be, readings have something to read, and an
activity under way is shown as such."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from study.models import Reading, Requirement, Stage
from tests.factories import UserFactory

from .factories import (
    ActivityFactory,
    EnrollmentFactory,
    ReadingConfirmationFactory,
    ReadingFactory,
    RequirementFactory,
    StudyPlanFactory,
)

pytestmark = pytest.mark.django_db

MINE = reverse("study:mine")
ENTRY_NEW = reverse("study:entry-new")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def plan(member):
    plan = StudyPlanFactory(name="2026秋季学习计划")
    readings = ReadingFactory.create_batch(3)
    requirement = RequirementFactory(plan=plan, kind=Requirement.Kind.READINGS, minimum=0)
    requirement.readings.set(readings)
    RequirementFactory(plan=plan, kind=Requirement.Kind.REFLECTION, minimum=500)
    RequirementFactory(plan=plan, kind=Requirement.Kind.HOURS, minimum=4)
    RequirementFactory(plan=plan, kind=Requirement.Kind.ACTIVITIES, minimum=1)
    RequirementFactory(
        plan=plan, stage=Stage.SPEECHES, kind=Requirement.Kind.REFLECTION, minimum=800
    )
    EnrollmentFactory(plan=plan, person=member)
    return plan


# --- my study: each missing thing links to where it is done ---------------------------------


def test_each_reading_still_to_confirm_links_to_its_page(member_client, member, plan):
    first, *others = Reading.objects.order_by("pk")
    ReadingConfirmationFactory(reading=first, person=member)
    page = member_client.get(MINE, **EN).content.decode()
    assert "2 readings to confirm:" in page
    for reading in others:
        assert (
            f'<a href="{reverse("study:reading", args=[reading.pk])}">{reading.title}</a>' in page
        )
    assert reverse("study:reading", args=[first.pk]) not in page


def test_hours_activities_and_the_reflection_link_to_where_they_are_done(member_client, plan):
    page = member_client.get(MINE, **EN).content.decode()
    assert f'href="{ENTRY_NEW}" data-testid="next-step">Log study' in page
    activities = reverse("study:activities")
    assert f'href="{activities}" data-testid="next-step">See the activities' in page
    assert f'href="{ENTRY_NEW}?kind=reflection&amp;stage=1" data-testid="next-step">' in page


def test_the_reviewer_reading_a_members_progress_gets_no_links_meant_for_him(
    reviewer_client, member, plan
):
    page = reviewer_client.get(reverse("study:person", args=[member.pk]), **EN).content.decode()
    assert 'data-testid="next-step"' not in page
    assert "3 readings to confirm: " in page  # the titles, as text


# --- the entry form says how long the reflection must be ------------------------------------


def test_the_form_says_the_minimum_for_each_stage_of_my_plan(member_client, plan):
    response = member_client.get(ENTRY_NEW, {"kind": "reflection", "stage": 1}, **EN)
    page = response.content.decode()
    assert response.context["form"].initial["kind"] == "reflection"
    minimums = page.split('data-testid="reflection-minimums"', 1)[1].split("</ul>", 1)[0]
    assert 'data-stage="1" data-minimum="500"' in minimums
    assert "at least 500 characters" in minimums
    assert 'data-stage="2" data-minimum="800"' in minimums


def test_the_minimum_is_said_in_chinese_too(member_client, plan):
    page = member_client.get(ENTRY_NEW).content.decode()
    assert "500" in page.split('data-testid="reflection-minimums"', 1)[1].split("</ul>", 1)[0]
    assert "字" in page.split('data-testid="reflection-minimums"', 1)[1].split("</ul>", 1)[0]


def test_a_completed_plan_asks_for_nothing_more(member_client, member, plan):
    member.enrollments.update(completed_at=timezone.now())
    page = member_client.get(ENTRY_NEW, **EN).content.decode()
    assert 'data-testid="reflection-minimums"' not in page


def test_nonsense_in_the_link_is_ignored(member_client, plan):
    response = member_client.get(ENTRY_NEW, {"kind": "nonsense", "stage": "9"})
    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == "self_study"


# --- readings carry something to read ---------------------------------------------------------


def test_the_database_refuses_a_reading_with_nothing_to_read():
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(title="空篇目", stage=Stage.THEORY)


def test_the_model_says_why_a_reading_needs_something_to_read():
    reading = Reading(title="空篇目", stage=Stage.THEORY)
    with pytest.raises(ValidationError, match="请为篇目提供正文、链接或 PDF"):
        reading.full_clean()


@pytest.fixture
def add_reading(staff, staff_client, settings):
    """Post the admin's form for a new reading, as a superuser without two-factor set up."""
    settings.STAFF_REQUIRE_2FA = False
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])

    def post(**fields):
        data = {"title": "党章", "source": "", "stage": 1, "text": "", "url": ""} | fields
        return staff_client.post(reverse("admin:study_reading_add"), data, **EN)

    return post


def test_the_admin_refuses_a_reading_with_nothing_to_read(add_reading):
    response = add_reading(title="空篇目")
    assert response.status_code == 200
    assert "Give the reading its text, a link or a PDF." in response.content.decode()
    assert not Reading.objects.exists()


def test_a_link_typed_without_its_scheme_is_kept_as_https(add_reading):
    response = add_reading(
        url="www.12371.cn/dzz", created_at_0="2026-12-01", created_at_1="09:00:00"
    )
    assert response.status_code == 302
    assert Reading.objects.get().url == "https://www.12371.cn/dzz"


def test_a_reading_page_shows_its_text(member_client):
    reading = ReadingFactory(text="第一段\n\n第二段")
    page = member_client.get(reverse("study:reading", args=[reading.pk])).content.decode()
    assert 'data-testid="reading-text"' in page
    assert "<p>第一段</p>" in page and "<p>第二段</p>" in page


# --- an activity under way is shown apart -----------------------------------------------------


def test_my_study_shows_the_activity_under_way_apart_from_the_upcoming_ones(member_client, member):
    now = timezone.now()
    ActivityFactory(
        title="正在进行的支部学习会",
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=90),
    )
    ActivityFactory(title="明天的讲座")
    page = member_client.get(MINE, **EN).content.decode()
    under_way = page.split('data-testid="under-way"', 1)[1].split("</ul>", 1)[0]
    upcoming = page.split('data-testid="upcoming"', 1)[1].split("</ul>", 1)[0]
    assert "正在进行的支部学习会" in under_way and "明天的讲座" not in under_way
    assert "明天的讲座" in upcoming and "正在进行的支部学习会" not in upcoming
    assert "Under way now" in page


def test_without_an_activity_under_way_there_is_no_such_section(member_client):
    ActivityFactory(title="明天的讲座")
    assert 'data-testid="under-way"' not in member_client.get(MINE).content.decode()


def test_the_activity_list_marks_the_one_under_way(member_client):
    now = timezone.now()
    running = ActivityFactory(
        title="正在进行的支部学习会",
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(minutes=90),
    )
    ActivityFactory(title="明天的讲座")
    page = member_client.get(reverse("study:activities"), **EN).content.decode()
    item = page.split(f'href="{reverse("study:activity", args=[running.pk])}"', 1)[1]
    assert 'data-testid="under-way">Under way<' in item.split("</a>", 1)[0]
    assert page.count('data-testid="under-way"') == 1


def test_an_outsider_has_no_reflection_minimums(client):
    person = UserFactory(party_member=True)
    client.force_login(person)
    assert 'data-testid="reflection-minimums"' not in client.get(ENTRY_NEW).content.decode()
