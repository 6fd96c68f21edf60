"""The members app in the admin: people, branches, groups and milestones — lists, forms, the
rules the services keep, and the change history."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from members.admin import GradeListFilter
from members.models import (
    Branch,
    Milestone,
    PoliticalStatus,
    User,
    WorkstationGroup,
    WorkstationRole,
)
from members.services import record_step
from tests.admin_forms import form_data
from tests.factories import BranchFactory, UserFactory, WorkstationGroupFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/admin/members/user/"
BRANCHES = "/admin/members/branch/"
GROUPS = "/admin/members/workstationgroup/"
MILESTONES = "/admin/members/milestone/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def admin_client_(staff, staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    return staff_client


# --- people ----------------------------------------------------------------------------------


def test_the_people_list_shows_number_name_branch_status_and_grade(admin_client_, member, branch):
    User.objects.filter(pk=member.pk).update(grade=2022)
    page = admin_client_.get(PEOPLE, **EN).content.decode()
    assert member.student_number in page
    assert "张党员" in page
    assert "本科生第一党支部" in page
    assert "Probationary Party member" in page
    assert "2022" in page


@pytest.mark.parametrize(
    "query",
    [
        {"branch__id__exact": "BRANCH"},
        {"political_status__exact": "probationary"},
        {"workstation_role__exact": "member"},
        {"q": "张党员"},
        {"q": "STUDENT_NUMBER"},
    ],
)
def test_the_people_list_filters_and_searches(admin_client_, member, student, branch, query):
    query = {
        key: value.replace("BRANCH", str(branch.pk)).replace(
            "STUDENT_NUMBER", member.student_number
        )
        for key, value in query.items()
    }
    response = admin_client_.get(PEOPLE, query, **EN)
    people = list(response.context["cl"].result_list)
    assert member in people
    assert student not in people


def test_the_people_list_filters_by_grade_offering_the_grades_there_are(
    admin_client_, staff, reviewer, member, student
):
    User.objects.filter(pk=member.pk).update(grade=2022)
    User.objects.filter(pk=student.pk).update(grade=2024)
    page = admin_client_.get(PEOPLE, **EN)
    grades = next(f for f in page.context["cl"].filter_specs if isinstance(f, GradeListFilter))
    offered = [choice["display"] for choice in grades.choices(page.context["cl"])]
    assert offered == ["All", "2024", "2022", "No grade"]
    assert "Grade" in page.content.decode()

    def listed(query: dict) -> set:
        return set(admin_client_.get(PEOPLE, query).context["cl"].result_list)

    assert listed({"grade": "2022"}) == {member}
    assert listed({"grade": "none"}) == {staff, reviewer}
    # A grade that cannot be one filters nothing, and fails nothing.
    assert listed({"grade": "二〇二二"}) == listed({"grade": "99999999999"}) == listed({})
    # In Chinese, the filter and its last choice are named in Chinese.
    chinese = admin_client_.get(PEOPLE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "无年级" in chinese


def test_staff_are_found_by_staff_number_and_email(admin_client_, staff):
    User.objects.filter(pk=staff.pk).update(staff_number="T0042")
    for text in ["T0042", staff.email]:
        response = admin_client_.get(PEOPLE, {"q": text})
        assert list(response.context["cl"].result_list) == [staff]


def test_the_people_list_asks_the_database_as_often_for_many_people(
    admin_client_, branch, django_assert_max_num_queries
):
    UserFactory.create_batch(3, branch=branch)
    with django_assert_max_num_queries(12) as few:
        admin_client_.get(PEOPLE)
    UserFactory.create_batch(30, branch=BranchFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client_.get(PEOPLE)


def test_the_profile_is_edited_in_the_admin_with_history(admin_client_, staff, student, branch):
    page = admin_client_.get(f"{PEOPLE}{student.pk}/change/", **EN)
    data = form_data(page) | {"major": "软件工程", "branch": str(branch.pk), "grade": "2023"}
    response = admin_client_.post(f"{PEOPLE}{student.pk}/change/", data, **EN)
    assert response.status_code == 302, response.context["adminform"].form.errors
    student.refresh_from_db()
    assert (student.major, student.branch, student.grade) == ("软件工程", branch, 2023)
    assert student.history.first().history_user == staff
    assert admin_client_.get(f"{PEOPLE}{student.pk}/history/").status_code == 200


def test_the_status_is_read_only_once_a_timeline_is_recorded(admin_client_, student):
    page = admin_client_.get(f"{PEOPLE}{student.pk}/change/")
    assert 'name="political_status"' in page.content.decode()

    record_step(actor=None, person=student, kind="application", date=days_ago(5))
    page = admin_client_.get(f"{PEOPLE}{student.pk}/change/", **EN)
    assert 'name="political_status"' not in page.content.decode()
    data = form_data(page) | {"political_status": PoliticalStatus.FULL}
    admin_client_.post(f"{PEOPLE}{student.pk}/change/", data)
    student.refresh_from_db()
    assert student.political_status == PoliticalStatus.APPLICANT


# --- branches and groups ---------------------------------------------------------------------


def add_branch(client, secretary: User | None):
    return client.post(
        f"{BRANCHES}add/",
        {"name": "研究生党支部", "secretary": secretary.pk if secretary else "", "is_active": "on"},
        **EN,
    )


def test_a_branch_secretary_must_be_a_party_member(admin_client_, student):
    response = add_branch(admin_client_, student)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["secretary"] == [
        "The secretary must be a Party member, probationary or full; 陈同学 is "
        "“Communist Youth League member”."
    ]
    assert not Branch.objects.filter(name="研究生党支部").exists()


@pytest.mark.parametrize("status", [PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL])
def test_a_party_member_may_be_secretary(admin_client_, staff, status):
    secretary = UserFactory(political_status=status)
    assert add_branch(admin_client_, secretary).status_code == 302
    branch = Branch.objects.get(name="研究生党支部")
    assert branch.secretary == secretary
    assert branch.history.get().history_user == staff


def test_the_branch_list_counts_its_people(admin_client_, branch, member, reviewer):
    response = admin_client_.get(BRANCHES, **EN)
    (listed,) = response.context["cl"].result_list
    assert (listed, listed.people_count) == (branch, 2)
    assert "李书记" in response.content.decode()


def test_the_branch_committee_are_party_members(admin_client_, branch, reviewer, member, student):
    url = f"{BRANCHES}{branch.pk}/change/"
    form = {"name": branch.name, "secretary": reviewer.pk, "is_active": "on"}
    response = admin_client_.post(url, form | {"committee": [member.pk, student.pk]}, **EN)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["committee"] == [
        "The committee are Party members, probationary or full; "
        "陈同学 (Communist Youth League member) is not."
    ]
    masses = UserFactory(name="周同学", political_status=PoliticalStatus.MASSES)
    response = admin_client_.post(url, form | {"committee": [student.pk, masses.pk]}, **EN)
    assert response.context["adminform"].form.errors["committee"] == [
        "The committee are Party members, probationary or full; "
        "陈同学 (Communist Youth League member), 周同学 (Masses) are not."
    ]
    response = admin_client_.post(url, form | {"committee": [student.pk]})
    page = response.content.decode()
    assert "支部委员须为党员" in page and "陈同学 (共青团员)不是党员。" in page
    assert not branch.committee.exists()
    response = admin_client_.post(url, form | {"committee": [member.pk]}, **EN)
    assert response.status_code == 302
    assert list(branch.committee.all()) == [member]


def test_a_group_is_given_a_leader(admin_client_, member):
    response = admin_client_.post(f"{GROUPS}add/", {"name": "宿舍联络组"})
    assert response.status_code == 302
    group = WorkstationGroup.objects.get(name="宿舍联络组")
    # Who leads a group is the leader's own role in it, kept on his page.
    member.workstation_role, member.group = WorkstationRole.LEADER, group
    member.save(update_fields=["workstation_role", "group"])
    page = admin_client_.get(GROUPS).content.decode()
    assert "宿舍联络组" in page and "张党员" in page


# --- milestones ------------------------------------------------------------------------------


def add_milestone(client, person: User, kind: str, date: datetime.date, note: str = ""):
    return client.post(
        f"{MILESTONES}add/",
        {"person": person.pk, "kind": kind, "date": date.isoformat(), "note": note},
        **EN,
    )


def test_a_milestone_added_in_the_admin_goes_through_the_rules(admin_client_, staff, student):
    response = add_milestone(admin_client_, student, "application", days_ago(10), "  书面申请  ")
    assert response.status_code == 302
    milestone = Milestone.objects.get(person=student)
    assert (milestone.kind, milestone.recorded_by, milestone.note) == (
        "application",
        staff,
        "书面申请",
    )
    student.refresh_from_db()
    assert student.political_status == PoliticalStatus.APPLICANT
    assert student.history.first().history_user == staff
    assert milestone.history.get().history_user == staff


@pytest.mark.parametrize(
    ("kind", "date", "field", "message"),
    [
        (
            "activist",
            days_ago(3),
            "kind",
            "“Named a Party activist” needs “Talk with the applicant” to be recorded first.",
        ),
        (
            "application",
            TODAY + datetime.timedelta(days=1),
            "date",
            "The date of “Application submitted” cannot be in the future.",
        ),
    ],
)
def test_a_milestone_against_the_rules_is_refused_with_the_reason(
    admin_client_, student, kind, date, field, message
):
    response = add_milestone(admin_client_, student, kind, date)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]
    assert not Milestone.objects.filter(person=student).exists()
    student.refresh_from_db()
    assert student.political_status == PoliticalStatus.LEAGUE


def test_a_late_talk_in_the_admin_asks_for_its_reason_under_the_note(admin_client_, student):
    record_step(actor=None, person=student, kind="application", date=days_ago(100))
    talk = {"person": student.pk, "kind": "talk", "date": days_ago(30).isoformat()}
    talk["member_1"] = UserFactory(political_status=PoliticalStatus.FULL).pk
    response = admin_client_.post(f"{MILESTONES}add/", talk, **EN)
    assert response.status_code == 200
    assert "say why in the note" in response.context["adminform"].form.errors["note"][0]
    response = admin_client_.post(f"{MILESTONES}add/", talk | {"note": "申请人休学。"}, **EN)
    assert response.status_code == 302
    assert student.milestones.get(kind="talk").note == "申请人休学。"


def test_a_milestone_already_recorded_is_refused_once(admin_client_, student):
    record_step(actor=None, person=student, kind="application", date=days_ago(10))
    response = add_milestone(admin_client_, student, "application", days_ago(5))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["kind"]
    assert len(errors["kind"]) == 1
    assert "is already recorded" in errors["kind"][0]


def test_only_the_note_of_a_milestone_changes(admin_client_, student):
    milestone = record_step(actor=None, person=student, kind="application", date=days_ago(10))
    response = admin_client_.post(
        f"{MILESTONES}{milestone.pk}/change/",
        {"note": "补充说明", "kind": "full", "date": TODAY.isoformat(), "person": "0"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.note, milestone.kind, milestone.date) == (
        "补充说明",
        "application",
        days_ago(10),
    )


def test_only_a_step_nothing_depends_on_is_deleted(admin_client_, student, reviewer):
    first = record_step(actor=None, person=student, kind="application", date=days_ago(200))
    latest = record_step(
        actor=None, person=student, kind="talk", date=days_ago(190), member_1=reviewer
    )

    page = admin_client_.get(f"{MILESTONES}{first.pk}/change/", **EN).content.decode()
    assert f"{MILESTONES}{first.pk}/delete/" not in page
    for method in (admin_client_.get, admin_client_.post):
        response = method(f"{MILESTONES}{first.pk}/delete/", **EN)
        assert response.status_code == 302
        assert response.url == f"{MILESTONES}{first.pk}/change/"
    assert Milestone.objects.filter(pk=first.pk).exists()
    follow = admin_client_.get(response.url, **EN).content.decode()
    assert "cannot be removed while later steps depend on it" in follow

    page = admin_client_.get(f"{MILESTONES}{latest.pk}/change/").content.decode()
    assert f"{MILESTONES}{latest.pk}/delete/" in page
    response = admin_client_.post(f"{MILESTONES}{latest.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=latest.pk).exists()
    student.refresh_from_db()
    assert student.political_status == PoliticalStatus.APPLICANT  # stepped back with it


def test_milestones_have_no_bulk_delete(admin_client_, student):
    record_step(actor=None, person=student, kind="application", date=days_ago(10))
    response = admin_client_.get(MILESTONES)
    assert "delete_selected" not in response.content.decode()


def test_milestones_are_filtered_by_kind_and_searched_by_person(admin_client_, student, member):
    record_step(actor=None, person=student, kind="application", date=days_ago(10))
    other = record_step(actor=None, person=member, kind="application", date=days_ago(10))
    for query in [{"q": student.student_number}, {"q": "陈同学"}, {"kind__exact": "application"}]:
        listed = list(admin_client_.get(MILESTONES, query).context["cl"].result_list)
        assert student.milestones.get() in listed
        assert (other in listed) == ("kind__exact" in query)


def test_staff_with_only_the_view_permission_read_milestones(
    staff, staff_client, settings, student
):
    settings.STAFF_REQUIRE_2FA = False
    staff.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    milestone = record_step(actor=None, person=student, kind="application", date=days_ago(10))
    assert staff_client.get(MILESTONES).status_code == 200
    assert (
        staff_client.post(f"{MILESTONES}{milestone.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert add_milestone(staff_client, student, "activist", days_ago(1)).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_every_members_admin_keeps_a_history_page(admin_client_, student, member, branch):
    group = WorkstationGroupFactory()
    milestone = record_step(actor=None, person=student, kind="application", date=days_ago(9))
    for url in [
        f"{PEOPLE}{student.pk}/history/",
        f"{BRANCHES}{branch.pk}/history/",
        f"{GROUPS}{group.pk}/history/",
        f"{MILESTONES}{milestone.pk}/history/",
    ]:
        assert admin_client_.get(url).status_code == 200, url


def test_people_are_filtered_by_typing_part_of_their_branch_name(admin_client_, branch):
    """A university has hundreds of branches: the filter is a box, not a link per branch."""
    other = BranchFactory(name="研究生第二党支部")
    for number in range(3):
        BranchFactory(name=f"无人党支部{number}")
    ours = UserFactory(name="本支部人", branch=branch, political_status=PoliticalStatus.FULL)
    theirs = UserFactory(name="外支部人", branch=other, political_status=PoliticalStatus.FULL)
    page = admin_client_.get(PEOPLE).content.decode()
    assert 'data-testid="text-filter-branch__name"' in page
    assert "无人党支部" not in page
    typed = branch.name[1:4]
    response = admin_client_.get(PEOPLE, {"branch__name": f" {typed} ", "political_status": "full"})
    assert response.status_code == 200
    listed = response.content.decode()
    assert ours.name in listed
    assert theirs.name not in listed
    # The other filters are kept when the box is sent again.
    assert '<input type="hidden" name="political_status" value="full">' in listed
    assert f'name="branch__name" value=" {typed} "' in listed
