"""Plans, requirements, participants, entries and sign-offs in the admin."""

import re

import pytest

from members.models import User
from study.models import Requirement, StudyEntry, StudyPlan

from .factories import (
    EnrollmentFactory,
    ReadingFactory,
    RequirementFactory,
    StageSignOffFactory,
    StudyEntryFactory,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PLANS = "/admin/study/studyplan/"


@pytest.fixture
def admin_client_(staff, staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    return staff_client


def _plan_data(**changes) -> dict:
    prefix = "requirements"
    data = {
        "name": "2027春季学习计划",
        "description": "",
        "starts_on": "2027-02-20",
        "ends_on": "2027-07-10",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-stage": "1",
        f"{prefix}-0-kind": "hours",
        f"{prefix}-0-minimum": "6",
        f"{prefix}-0-activity_kind": "",
    }
    return data | changes


def test_staff_create_a_plan_with_its_requirements(admin_client_, staff):
    response = admin_client_.post(f"{PLANS}add/", _plan_data())
    assert response.status_code == 302
    plan = StudyPlan.objects.get()
    assert plan.created_by == staff
    requirement = plan.requirements.get()
    assert (requirement.stage, requirement.kind, requirement.minimum) == (1, "hours", 6)
    assert plan.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2027-01-01"}, "A plan must end after it starts."),
        ({"requirements-0-minimum": "0"}, "The minimum must be at least 1."),
        ({"requirements-0-activity_kind": "lecture"}, "An activity type is only for activities."),
        ({"requirements-0-kind": "readings"}, "Choose the readings of the list."),
        ({"requirements-0-kind": "practice"}, "Choose where the practice records come from."),
        (
            {"requirements-0-kind": "practice", "requirements-0-practice_sources": "suggestions"},
            "Practice records are asked for in stage 3 only.",
        ),
        (
            {
                "requirements-0-stage": "3",
                "requirements-0-kind": "practice",
                "requirements-0-practice_sources": "tutoring",
            },
            "Select a valid choice. tutoring is not one of the available choices.",
        ),
    ],
)
def test_bad_plans_are_refused(admin_client_, changes, message):
    response = admin_client_.post(f"{PLANS}add/", _plan_data(**changes), **EN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StudyPlan.objects.exists()


def test_a_practice_requirement_names_its_sources(admin_client_):
    data = _plan_data(
        **{
            "requirements-0-stage": "3",
            "requirements-0-kind": "practice",
            "requirements-0-minimum": "2",
            "requirements-0-practice_sources": ["suggestions"],
        }
    )
    assert admin_client_.post(f"{PLANS}add/", data).status_code == 302
    requirement = Requirement.objects.get()
    assert (requirement.stage, requirement.practice_sources) == (3, ["suggestions"])
    page = admin_client_.get(f"{PLANS}{requirement.plan_id}/change/", **EN).content.decode()
    box = r'name="requirements-0-practice_sources" value="suggestions"[^>]* checked'
    assert re.search(box, page)


def test_a_reading_list_requirement(admin_client_):
    readings = ReadingFactory.create_batch(2)
    data = _plan_data(
        **{
            "requirements-0-kind": "readings",
            "requirements-0-minimum": "0",
            "requirements-0-readings": [str(r.pk) for r in readings],
        }
    )
    assert admin_client_.post(f"{PLANS}add/", data).status_code == 302
    requirement = Requirement.objects.get()
    assert set(requirement.readings.all()) == set(readings)


def test_the_lists_open(admin_client_, member):
    enrollment = EnrollmentFactory(person=member)
    RequirementFactory(plan=enrollment.plan)
    entry = StudyEntryFactory(person=member, submitted=True)
    sign_off = StageSignOffFactory(enrollment=enrollment)
    for url in (
        PLANS,
        f"{PLANS}{enrollment.plan_id}/change/",
        "/admin/study/enrollment/",
        f"/admin/study/enrollment/{enrollment.pk}/change/",
        "/admin/study/studyentry/",
        f"/admin/study/studyentry/{entry.pk}/change/",
        f"/admin/study/studyentry/{entry.pk}/history/",
        "/admin/study/stagesignoff/",
        f"/admin/study/stagesignoff/{sign_off.pk}/change/",
    ):
        assert admin_client_.get(url).status_code == 200, url
    assert admin_client_.get("/admin/study/studyentry/?q=张党员").status_code == 200


def test_the_approve_action_goes_through_the_review_rules(admin_client_, member, staff):
    submitted = StudyEntryFactory(person=member, submitted=True)
    draft = StudyEntryFactory(person=member)
    own = StudyEntryFactory(person=staff, submitted=True)
    response = admin_client_.post(
        "/admin/study/studyentry/",
        {
            "action": "approve_selected",
            "_selected_action": [submitted.pk, draft.pk, own.pk],
        },
        follow=True,
        **EN,
    )
    text = response.content.decode()
    assert "1 entry approved." in text
    assert "2 entries were skipped" in text
    statuses = dict(StudyEntry.objects.values_list("pk", "status"))
    assert statuses == {submitted.pk: "approved", draft.pk: "draft", own.pk: "submitted"}


def test_participants_are_removed_through_the_service(admin_client_, member, staff):
    enrollment = EnrollmentFactory(person=member)
    response = admin_client_.post(
        "/admin/study/enrollment/",
        {"action": "delete_selected", "_selected_action": [enrollment.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not type(enrollment).objects.exists()
    assert enrollment.history.filter(history_type="-").get().history_user == staff
