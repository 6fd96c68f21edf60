"""The activity pages: the list, an activity, scheduling, the organiser's sign-in screen, sign-in
and attendance by hand, for every role, with outsiders kept out."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from members.models import PoliticalStatus
from study.models import Activity, Registration, StudyEntry
from tests.factories import BranchFactory, UserFactory

from .factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"study:{name}", args=args)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.fixture
def activity(branch, staff):
    """A session of the member's branch tomorrow, organised by staff, run by the secretary too."""
    return ActivityFactory(title="支部学习会 党章总纲", branch=branch, organiser=staff, capacity=2)


@pytest.fixture
def outsider():
    """A member of another branch, with a client."""
    person = UserFactory(
        political_status=PoliticalStatus.FULL, branch=BranchFactory(name="研究生党支部")
    )
    return client_for(person)


@pytest.fixture
def other_secretary():
    branch = BranchFactory(name="教工党支部")
    secretary = UserFactory(political_status=PoliticalStatus.FULL, branch=branch)
    branch.secretary = secretary
    branch.save(update_fields=["secretary"])
    return client_for(secretary)


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_places_left_and_my_status(member_client, member, activity):
    full = ActivityFactory(title="专家讲座", capacity=1)
    RegistrationFactory(activity=full, person=member)
    ActivityFactory(title="别的支部的学习", branch=BranchFactory(name="别的支部"))
    ActivityFactory(title="上周的参观", past=True)

    page = text(member_client.get(url("activities")))
    assert "支部学习会 党章总纲" in page and "2 places left" in page
    assert "专家讲座" in page and "Full" in page and "Signed up" in page
    assert "别的支部的学习" not in page
    assert "上周的参观" not in page

    past = text(member_client.get(url("activities"), {"when": "past"}))
    assert "上周的参观" in past and "专家讲座" not in past


def test_the_list_searches_and_filters(member_client, activity):
    ActivityFactory(title="参观革命纪念馆", kind="visit", stage=2, place="市革命纪念馆")
    by_place = text(member_client.get(url("activities"), {"q": "纪念馆"}))
    assert "参观革命纪念馆" in by_place and "党章总纲" not in by_place
    by_stage = text(member_client.get(url("activities"), {"stage": "2"}))
    assert "参观革命纪念馆" in by_stage and "党章总纲" not in by_stage
    by_kind = text(member_client.get(url("activities"), {"kind": "branch_study"}))
    assert "党章总纲" in by_kind and "参观革命纪念馆" not in by_kind
    nonsense = member_client.get(url("activities"), {"stage": "x", "kind": "y", "page": "z"})
    assert nonsense.status_code == 200


def test_the_list_is_paginated(member_client):
    for number in range(23):
        ActivityFactory(title=f"学习会{number:02d}")
    first = text(member_client.get(url("activities")))
    assert "23 activities" in first and "Page 1 of 2" in first
    second = text(member_client.get(url("activities"), {"page": "2"}))
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("role", ["member", "reviewer", "staff"])
def test_the_list_asks_a_fixed_number_of_queries(
    role, request, branch, member, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")

    def add(count: int) -> None:
        for _ in range(count):
            activity = ActivityFactory(branch=branch)
            RegistrationFactory(activity=activity, person=member)
            RegistrationFactory.create_batch(2, activity=activity)

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url("activities")).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("activities")).status_code == 200


def test_a_student_may_not_open_the_list(student_client):
    assert student_client.get(url("activities")).status_code == 403


# --- the places taken (behind the branch view's figures) ------------------------------------------


def test_the_places_taken_are_listed_for_those_who_run_the_activities(
    reviewer_client, staff_client, member_client, member, activity
):
    """The secretary sees the places of his branch's activities (not those of another branch,
    even asked by its id), the waiting list and cancellations left out; `attended=1` keeps
    those who came; a member may not open the list."""
    RegistrationFactory(activity=activity, person=member, attended=True)
    RegistrationFactory(activity=activity, person=UserFactory(name="赵积极分子"))
    RegistrationFactory(activity=activity, status=Registration.Status.WAITLISTED)
    RegistrationFactory(activity=activity, status=Registration.Status.CANCELLED)
    other = ActivityFactory(title="别的支部的学习", branch=BranchFactory(name="别的支部"))
    RegistrationFactory(activity=other, attended=True)

    places = reviewer_client.get(url("activity-places"))
    assert places.status_code == 200
    assert places.context["page"].paginator.count == 2
    assert "2 places" in text(places) and "赵积极分子" in text(places)
    assert "别的支部的学习" not in text(places)
    came = reviewer_client.get(url("activity-places"), {"attended": "1"})
    assert [r.person for r in came.context["page"]] == [member]
    theirs = reviewer_client.get(url("activity-places"), {"branch": other.branch_id})
    assert theirs.context["page"].paginator.count == 0
    assert staff_client.get(url("activity-places")).context["page"].paginator.count == 3
    found = staff_client.get(url("activity-places"), {"q": "赵积极"})
    assert found.context["page"].paginator.count == 1
    odd = staff_client.get(url("activity-places"), {"start": "x", "branch": "y", "page": "z"})
    assert odd.status_code == 200
    assert member_client.get(url("activity-places")).status_code == 403
    assert staff_client.post(url("activity-places")).status_code == 405


@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_the_places_ask_a_fixed_number_of_queries(
    role, request, branch, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")

    def add(count: int) -> None:
        for _ in range(count):
            activity = ActivityFactory(branch=branch, past=True)
            RegistrationFactory.create_batch(2, activity=activity, attended=True)

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url("activity-places"), {"branch": branch.pk}).status_code == 200
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("activity-places"), {"branch": branch.pk})
    assert response.context["page"].paginator.count == 34


# --- an activity, sign-up and cancelling ---------------------------------------------------------


def test_sign_up_then_waiting_list_then_cancel(member_client, member, activity):
    RegistrationFactory(activity=activity)
    response = member_client.post(url("activity-sign-up", activity.pk), follow=True)
    assert "You have a place at this activity." in text(response)
    assert "0 of 2 left" in text(response)

    other = UserFactory(political_status=PoliticalStatus.ACTIVIST, branch=member.branch)
    page = text(client_for(other).post(url("activity-sign-up", activity.pk), follow=True))
    assert "you are on the waiting list" in page
    assert "You are number 1 on the waiting list." in page

    page = text(member_client.post(url("activity-cancel", activity.pk), follow=True))
    assert "You are off this activity's list." in page
    assert Registration.objects.get(person=other).status == "registered"


def test_signing_up_twice_says_so(member_client, member, activity):
    member_client.post(url("activity-sign-up", activity.pk))
    page = text(member_client.post(url("activity-sign-up", activity.pk), follow=True))
    assert "You are already on this activity's list." in page
    assert Registration.objects.filter(person=member).count() == 1


def test_cancelling_without_a_place_says_so(member_client, activity):
    page = text(member_client.post(url("activity-cancel", activity.pk), follow=True))
    assert "You are not on this activity's list." in page


def test_after_the_start_sign_up_is_closed(member_client, branch, staff):
    running = ActivityFactory(running=True, branch=branch, organiser=staff)
    page = text(member_client.get(url("activity", running.pk)))
    assert "Sign-up is closed" in page and 'data-testid="sign-up"' not in page
    page = text(member_client.post(url("activity-sign-up", running.pk), follow=True))
    assert "sign-up is closed" in page
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["activity", "activity-sign-in", "activity-edit", "activity-code", "activity-attendance"],
)
def test_outsiders_get_404(outsider, student_client, activity, name):
    assert outsider.get(url(name, activity.pk)).status_code == 404
    assert student_client.get(url(name, activity.pk)).status_code == 404


@pytest.mark.parametrize("name", ["activity-sign-up", "activity-cancel", "activity-sign-in"])
def test_outsiders_cannot_post(outsider, activity, name):
    assert outsider.post(url(name, activity.pk), {"code": activity.sign_in_code}).status_code == 404
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", ["activity-edit", "activity-code", "activity-attendance"])
def test_a_member_of_the_audience_may_not_run_it(member_client, activity, name):
    assert member_client.get(url(name, activity.pk)).status_code == 403


def test_a_secretary_of_another_branch_gets_404(other_secretary, activity):
    assert other_secretary.get(url("activity-code", activity.pk)).status_code == 404


def test_attendance_by_hand_is_for_the_runners_only(
    member_client, outsider, reviewer_client, activity, member
):
    registration = RegistrationFactory(activity=activity, person=member)
    mark = url("activity-mark", activity.pk, registration.pk)
    assert member_client.post(mark).status_code == 403
    assert outsider.post(mark).status_code == 404
    # A registration of another activity is not found through this one.
    elsewhere = RegistrationFactory(activity=ActivityFactory(branch=activity.branch))
    wrong = url("activity-mark", activity.pk, elsewhere.pk)
    assert reviewer_client.post(wrong).status_code == 404
    assert not StudyEntry.objects.exists()


# --- scheduling ---------------------------------------------------------------------------------


def form_data(**changes) -> dict:
    starts = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "title": "主题讨论 纪念建党",
        "kind": "discussion",
        "stage": "2",
        "description": "围绕七一讲话展开讨论。",
        "starts_at": starts.strftime("%Y-%m-%dT19:00"),
        "ends_at": starts.strftime("%Y-%m-%dT21:00"),
        "place": "书院研讨室",
        "capacity": "20",
        "hours": "2",
        "plan": "",
        "branch": "",
    }
    return data | changes


def test_a_reviewer_schedules_for_his_branch_and_organises_it(reviewer_client, reviewer, branch):
    response = reviewer_client.post(url("activity-create"), form_data(branch=branch.pk))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == url("activity", activity.pk)
    assert activity.organiser == reviewer and activity.branch == branch
    assert timezone.localtime(activity.starts_at).hour == 19
    assert activity.hours == Decimal(2)
    assert activity.history.get().history_user == reviewer


def test_a_reviewer_must_choose_one_of_his_branches(reviewer_client):
    other = BranchFactory(name="别的支部")
    for branch in ("", other.pk):
        response = reviewer_client.post(url("activity-create"), form_data(branch=branch))
        assert response.status_code == 200
        assert 'class="form-select is-invalid"' in text(response)
    assert not Activity.objects.exists()


def test_staff_may_open_an_activity_to_every_branch(staff_client, staff):
    staff_client.post(url("activity-create"), form_data())
    activity = Activity.objects.get()
    assert activity.branch is None and activity.organiser == staff


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "2020-01-01T10:00"}, "The activity must end after it starts."),
        ({"capacity": "0"}, "Offer at least one place."),
        ({"hours": "25"}, "Hours credited are between 0 and 24."),
        ({"hours": "-1"}, "Hours credited are between 0 and 24."),
        ({"starts_at": "soon"}, "Enter a valid date/time."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_details_are_refused_with_a_message(staff_client, changes, message):
    response = staff_client.post(url("activity-create"), form_data(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert not Activity.objects.exists()


def test_a_member_may_not_schedule(member_client):
    assert member_client.get(url("activity-create")).status_code == 403
    assert member_client.post(url("activity-create"), form_data()).status_code == 403
    assert not Activity.objects.exists()


def test_editing_keeps_the_places_given_and_fills_new_ones(staff_client, activity, branch):
    taken = RegistrationFactory.create_batch(2, activity=activity)
    waiting = RegistrationFactory(activity=activity, status="waitlisted")
    data = form_data(
        title=activity.title,
        branch=branch.pk,
        starts_at=timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(activity.ends_at).strftime("%Y-%m-%dT%H:%M"),
    )
    response = staff_client.post(url("activity-edit", activity.pk), data | {"capacity": "1"})
    assert "2 people have a place already" in text(response)
    activity.refresh_from_db()
    assert activity.capacity == 2

    staff_client.post(url("activity-edit", activity.pk), data | {"capacity": "3"})
    activity.refresh_from_db()
    assert activity.capacity == 3 and activity.kind == "discussion"
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert len(taken) == 2


def test_the_edit_form_shows_the_activity(reviewer_client, activity):
    page = text(reviewer_client.get(url("activity-edit", activity.pk)))
    local = timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page and "支部学习会 党章总纲" in page


# --- the sign-in screen and sign-in --------------------------------------------------------------


def test_the_organiser_sees_the_code_and_a_qr_code_of_the_sign_in_page(reviewer_client, branch):
    running = ActivityFactory(running=True, branch=branch)
    page = text(reviewer_client.get(url("activity-code", running.pk)))
    assert f">{running.sign_in_code}<" in page
    assert "<svg" in page and "<path" in page
    sign_in = (
        f"http://testserver/study/activities/{running.pk}/sign-in/?code={running.sign_in_code}"
    )
    assert sign_in in page
    assert "Sign-in opens" not in page


def test_the_code_screen_says_when_sign_in_opens(staff_client, activity):
    page = text(staff_client.get(url("activity-code", activity.pk)))
    assert "Sign-in opens at" in page


@pytest.fixture
def running(branch, staff, member):
    activity = ActivityFactory(running=True, branch=branch, organiser=staff, hours=Decimal("1.5"))
    RegistrationFactory(activity=activity, person=member)
    return activity


def test_the_qr_link_prefills_the_code_and_changes_nothing(member_client, running):
    response = member_client.get(
        url("activity-sign-in", running.pk), {"code": running.sign_in_code}
    )
    assert f'value="{running.sign_in_code}"' in text(response)
    assert Registration.objects.get().attended_at is None


def test_signing_in_shows_the_hours_credited(member_client, member, running):
    response = member_client.post(
        url("activity-sign-in", running.pk), {"code": running.sign_in_code}, follow=True
    )
    page = text(response)
    assert "You are signed in. 1.5 hours are credited to your study." in page
    assert "You attended" in page and "1.5 hours are credited to your study." in page
    assert StudyEntry.objects.get(person=member).hours == Decimal("1.5")

    again = text(
        member_client.post(url("activity-sign-in", running.pk), {"code": running.sign_in_code})
    )
    assert "You signed in already" in again
    assert StudyEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the code shown by the organiser."),
        ("ZZZZZ1", "not this activity's sign-in code"),
        ("甲乙丙丁戊己", "not this activity's sign-in code"),
    ],
)
def test_a_bad_code_is_refused_on_the_page(member_client, running, code, message):
    response = member_client.post(url("activity-sign-in", running.pk), {"code": code})
    assert response.status_code == 200
    assert message in text(response)
    assert Registration.objects.get().attended_at is None


def test_too_early_is_said_on_the_page(member_client, member, activity):
    RegistrationFactory(activity=activity, person=member)
    page = text(
        member_client.post(url("activity-sign-in", activity.pk), {"code": activity.sign_in_code})
    )
    assert "Sign-in has not opened yet" in page
    assert not StudyEntry.objects.exists()


def test_the_organiser_marks_attendance_by_hand_and_undoes_it(reviewer_client, member, running):
    registration = Registration.objects.get(person=member)
    page = text(reviewer_client.get(url("activity-attendance", running.pk)))
    assert member.display_name in page and "0 of 1 present" in page

    mark = url("activity-mark", running.pk, registration.pk)
    page = text(reviewer_client.post(mark, follow=True))
    assert "is marked present" in page and "1 of 1 present" in page
    assert StudyEntry.objects.get(person=member).status == "approved"
    page = text(reviewer_client.post(mark, follow=True))
    assert "is marked present already" in page

    unmark = url("activity-unmark", running.pk, registration.pk)
    page = text(reviewer_client.post(unmark, follow=True))
    assert "is taken back" in page and "0 of 1 present" in page
    assert not StudyEntry.objects.exists()


def test_guessing_codes_is_stopped_after_ten_wrong_ones(member_client, member, running):
    address = url("activity-sign-in", running.pk)
    wrong = "AAAAAA" if running.sign_in_code != "AAAAAA" else "BBBBBB"
    for _ in range(10):
        assert "not this activity's sign-in code" in text(
            member_client.post(address, {"code": wrong})
        )
    page = text(member_client.post(address, {"code": running.sign_in_code}))
    assert "Too many wrong codes: wait 15 minutes, or ask the organiser." in page
    assert not StudyEntry.objects.exists()
    # Another person is not held back by his mistakes.
    other = UserFactory(political_status=PoliticalStatus.ACTIVIST, branch=member.branch)
    client_for(other).post(address, {"code": running.sign_in_code})
    assert StudyEntry.objects.filter(person=other).exists()


def test_the_new_activity_form_starts_with_the_reviewers_branch(reviewer_client, branch):
    form = reviewer_client.get(url("activity-create")).context["form"]
    assert form["branch"].value() == branch.pk
    assert form["capacity"].value() == 30


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("member", "activity"),
        ("reviewer", "activity"),
        ("reviewer", "activity-code"),
        ("reviewer", "activity-attendance"),
    ],
)
def test_an_activitys_pages_ask_a_fixed_number_of_queries(
    role, name, request, running, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")
    running.capacity = 200
    running.save(update_fields=["capacity"])
    RegistrationFactory.create_batch(3, activity=running, attended=True)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url(name, running.pk)).status_code == 200
    RegistrationFactory.create_batch(30, activity=running, attended=True)
    RegistrationFactory.create_batch(10, activity=running, status="waitlisted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(name, running.pk)).status_code == 200
