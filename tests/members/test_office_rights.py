"""An office gives its rights only while its holder's status allows it: a branch's secretary
and committee while Party members (probationary or full), a workstation role while its holder
is in the workstation (activist onward). A later change of status (a cancelled probation, a
roster, the admin) leaves the office recorded but takes its rights away, on every page and in
every sweep; the admin and the roster refuse a workstation role to anyone outside it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import access
from members.models import Branch, Milestone, PoliticalStatus, User, WorkstationRole
from members.services import record_step, remind_development, remind_probation_ending
from notifications.models import Notice
from study.access import activities
from study.services.track import remind_review_queue
from tests.admin_forms import form_data
from tests.factories import (
    BranchFactory,
    MilestoneFactory,
    UserFactory,
    WorkstationGroupFactory,
    develop,
)
from tests.study.factories import ActivityFactory, StudyEntryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = timezone.now() - datetime.timedelta(days=4)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Below probationary membership: the secretary's and the committee's rights go.
NOT_PARTY_MEMBERS = [
    PoliticalStatus.MASSES,
    PoliticalStatus.LEAGUE,
    PoliticalStatus.ACTIVIST,
    PoliticalStatus.CANDIDATE,
]
# Outside the workstation: a workstation role's rights go.
OUTSIDE_THE_WORKSTATION = [
    PoliticalStatus.MASSES,
    PoliticalStatus.LEAGUE,
    PoliticalStatus.APPLICANT,
]


def demoted(person: User, status: str) -> User:
    """`person` with `status` set as a roster or the admin would (no timeline recorded), as
    the next request loads him."""
    User.objects.filter(pk=person.pk).update(political_status=status)
    return User.objects.get(pk=person.pk)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def branch_pages(branch, member, activity) -> dict[str, str]:
    """What the secretary of `branch` opens as such."""
    return {
        "review queue": reverse("study:review"),
        "directory": reverse("members:directory"),
        "his member's page": reverse("members:person", args=[member.pk]),
        "the branch's development": reverse("members:development", args=[branch.pk]),
        "the branch's view": reverse("workstation:branch", args=[branch.pk]),
        "the branch's dorm work": reverse("dorms:branch", args=[branch.pk]),
        "the branch's tutoring": reverse("tutoring:branch", args=[branch.pk]),
        "editing the branch's activity": reverse("study:activity-edit", args=[activity.pk]),
    }


@pytest.fixture
def activity(branch):
    """A study session of the branch, organised by staff."""
    return ActivityFactory(branch=branch)


# --- a secretary ---------------------------------------------------------------------------------


def test_a_party_member_secretary_has_his_rights(reviewer, member, branch, activity):
    """The other side of the tests below: the same pages open while he is a Party member."""
    client = client_of(reviewer)
    for page, url in branch_pages(branch, member, activity).items():
        assert client.get(url).status_code == 200, page
    assert access.is_reviewer(reviewer)


@pytest.mark.parametrize("status", NOT_PARTY_MEMBERS)
def test_a_secretary_no_longer_a_party_member_loses_his_pages(
    reviewer, member, branch, activity, status
):
    secretary = demoted(reviewer, status)
    client = client_of(secretary)
    for page, url in branch_pages(branch, member, activity).items():
        assert client.get(url).status_code in (403, 404), page
    # His member is no longer his to see, so recording a step for him finds nobody.
    add = reverse("members:add-milestone", args=[member.pk])
    assert client.post(add, {"kind": "application", "date": TODAY.isoformat()}).status_code == 404
    assert not member.milestones.exists()
    # The branch's page stays his (he is one of its people) but no longer leads to the
    # directory or the development page.
    page = client.get(reverse("members:branch", args=[branch.pk])).content.decode()
    assert reverse("members:directory") not in page
    assert reverse("members:development", args=[branch.pk]) not in page
    # His home page calls it his Party branch, not the branch he leads.
    home = client.get("/", **EN).content.decode()
    assert "Your Party branch" in home and "The branch you lead" not in home


@pytest.mark.parametrize("status", NOT_PARTY_MEMBERS)
def test_a_secretary_no_longer_a_party_member_is_no_reviewer(reviewer, member, branch, status):
    secretary = demoted(reviewer, status)
    assert not access.is_reviewer(secretary)
    assert not access.reviews(secretary, member)
    assert list(access.people_visible_to(secretary)) == []
    assert not access.can_record_step(secretary, member)
    assert not access.can_see_development(secretary, branch)
    assert not access.can_read_branch_work(secretary, branch)
    assert access.branches_run_by(secretary) == []
    assert secretary not in access.possible_reviewers()
    assert secretary not in access.reviewers_of(User.objects.filter(pk=member.pk))
    # Nor does he run his branch's activities or schedule any for it.
    assert not activities.can_run_activity(secretary, ActivityFactory(branch=branch))
    assert not activities.schedulable_branches(secretary).exists()


@pytest.mark.parametrize("status", OUTSIDE_THE_WORKSTATION)
def test_an_organiser_who_left_the_workstation_no_longer_runs_his_activity(
    reviewer, member, branch, status
):
    """He scheduled it as the branch's secretary; once out of the workstation he neither reads
    its sign-in code, edits it nor marks who attended (which credits study hours)."""
    activity = ActivityFactory(branch=branch, organiser=reviewer)
    assert activities.can_run_activity(reviewer, activity)
    organiser = demoted(reviewer, status)
    assert not activities.can_run_activity(organiser, activity)
    client = client_of(organiser)
    for name in ("activity-edit", "activity-code", "activity-attendance"):
        assert client.get(reverse(f"study:{name}", args=[activity.pk])).status_code in (403, 404)


def test_an_activist_staff_made_organiser_runs_his_activity(branch):
    """Staff may make anyone in the workstation an activity's organiser, office or none."""
    activist = UserFactory(political_status=PoliticalStatus.ACTIVIST, branch=branch)
    assert activities.can_run_activity(activist, ActivityFactory(branch=branch, organiser=activist))


def test_a_secretary_no_longer_a_party_member_is_not_reminded(reviewer, member, staff):
    StudyEntryFactory(person=member, submitted=True, submitted_at=LONG_AGO)
    demoted(reviewer, PoliticalStatus.LEAGUE)
    assert remind_review_queue() == 0
    assert not Notice.objects.filter(recipient=reviewer).exists()


def test_development_reminders_go_to_staff_when_the_secretary_has_no_rights(
    branch, reviewer, staff
):
    applicant = UserFactory(branch=branch, political_status=PoliticalStatus.APPLICANT)
    MilestoneFactory(person=applicant, kind="application", date=TODAY - datetime.timedelta(3))
    probationer = UserFactory(branch=branch, political_status=PoliticalStatus.PROBATIONARY)
    MilestoneFactory(
        person=probationer, kind="probationary", date=TODAY - datetime.timedelta(days=350)
    )
    demoted(reviewer, PoliticalStatus.LEAGUE)
    assert remind_development() > 0
    assert remind_probation_ending() > 0
    told = set(Notice.objects.exclude(recipient=probationer).values_list("recipient", flat=True))
    assert told == {staff.pk}


def test_a_cancelled_probation_takes_the_secretarys_rights(branch, member, staff, activity):
    """The way it happens: a probationary member made secretary, his probation cancelled."""
    secretary = UserFactory(name="赵书记", branch=branch, political_status=PoliticalStatus.LEAGUE)
    secretary.history.update(history_date=timezone.now() - datetime.timedelta(days=900))
    develop(secretary, PoliticalStatus.PROBATIONARY)
    branch.secretary = secretary
    branch.full_clean()  # a Party member may be secretary
    branch.save(update_fields=["secretary"])
    committee_member = UserFactory(branch=branch, political_status=PoliticalStatus.FULL)
    assert access.can_record_step(secretary, member)
    assert secretary in access.reviewers_of(User.objects.filter(pk=member.pk))

    record_step(actor=staff, person=secretary, kind="cancellation", date=TODAY)
    secretary = User.objects.get(pk=secretary.pk)
    assert secretary.political_status == PoliticalStatus.LEAGUE
    assert Branch.objects.get(pk=branch.pk).secretary == secretary  # the office is kept
    client = client_of(secretary)
    for page, url in branch_pages(branch, member, activity).items():
        assert client.get(url).status_code in (403, 404), page
    assert secretary not in access.reviewers_of(User.objects.filter(pk=member.pk))
    # Nor may he record steps of his own former branch's people any more.
    assert not access.can_record_step(secretary, committee_member)


# --- a committee member --------------------------------------------------------------------------


@pytest.mark.parametrize("status", NOT_PARTY_MEMBERS)
def test_a_committee_member_no_longer_a_party_member_records_no_step(branch, member, status):
    seat = UserFactory(name="钱委员", branch=branch, political_status=PoliticalStatus.FULL)
    branch.committee.add(seat)
    assert access.can_record_step(seat, member)
    assert [b.pk for b in access.branches_run_by(seat)] == [branch.pk]

    seat = demoted(seat, status)
    assert not access.can_record_step(seat, member)
    assert not access.can_see_development(seat, branch)
    assert access.branches_run_by(seat) == []
    client = client_of(seat)
    step = {"kind": "application", "date": TODAY.isoformat()}
    add = reverse("members:add-milestone", args=[member.pk])
    assert client.post(add, step).status_code in (403, 404)
    assert not member.milestones.exists()
    assert client.get(reverse("members:person", args=[member.pk])).status_code == 404
    development = reverse("members:development", args=[branch.pk])
    assert client.get(development).status_code == 403


def test_a_committee_member_of_another_branch_keeps_seeing_it_only_while_a_party_member(
    member,
):
    other = BranchFactory(name="研究生党支部")
    seat = UserFactory(branch=member.branch, political_status=PoliticalStatus.FULL)
    other.committee.add(seat)
    assert other in access.branches_visible_to(seat)
    seat = demoted(seat, PoliticalStatus.LEAGUE)
    assert other not in access.branches_visible_to(seat)
    assert member.branch in access.branches_visible_to(seat)  # his own, as one of its people


# --- a workstation role --------------------------------------------------------------------------


@pytest.fixture
def leader(member):
    return UserFactory(
        name="孙组长",
        political_status=PoliticalStatus.ACTIVIST,
        workstation_role=WorkstationRole.LEADER,
        group=member.group,
    )


@pytest.mark.parametrize("status", OUTSIDE_THE_WORKSTATION)
def test_a_group_leader_out_of_the_workstation_loses_his_group(leader, member, status):
    assert access.is_reviewer(leader)
    assert access.reviews(leader, member)
    StudyEntryFactory(person=member, submitted=True, submitted_at=LONG_AGO)

    leader = demoted(leader, status)
    assert leader.workstation_role == WorkstationRole.LEADER  # the role is kept, not its rights
    assert not access.is_reviewer(leader)
    assert not access.reviews(leader, member)
    assert list(access.people_visible_to(leader)) == []
    assert leader not in access.possible_reviewers()
    assert leader not in access.reviewers_of(User.objects.filter(pk=member.pk))
    client = client_of(leader)
    assert client.get(reverse("study:review")).status_code == 403
    assert client.get(reverse("members:directory")).status_code == 403
    assert client.get(reverse("members:person", args=[member.pk])).status_code == 404
    remind_review_queue()
    assert not Notice.objects.filter(recipient=leader).exists()


@pytest.mark.parametrize("role", sorted(access.OFFICERS_OVER_ALL_GROUPS))
def test_the_head_or_a_deputy_out_of_the_workstation_reviews_nobody(member, role):
    officer = UserFactory(political_status=PoliticalStatus.FULL, workstation_role=role)
    assert access.reviews(officer, member)
    officer = demoted(officer, PoliticalStatus.LEAGUE)
    assert not access.is_reviewer(officer)
    assert not access.reviews(officer, member)
    assert officer not in access.reviewers_of(User.objects.filter(pk=member.pk))
    assert client_of(officer).get(reverse("study:review")).status_code == 403


@pytest.mark.parametrize("role", [WorkstationRole.HEAD, WorkstationRole.DEPUTY])
def test_the_head_no_longer_reviews_someone_whose_role_has_lapsed_with_his_status(member, role):
    """A member whose probation is cancelled keeps his role on record, and leaves the head's
    people with the workstation (his branch's secretary still reviews him)."""
    officer = UserFactory(political_status=PoliticalStatus.FULL, workstation_role=role)
    assert access.reviews(officer, member)
    member = demoted(member, PoliticalStatus.LEAGUE)
    assert member.workstation_role
    assert not access.reviews(officer, member)
    assert officer not in access.reviewers_of(User.objects.filter(pk=member.pk))
    assert member not in access.people_reviewed_by(officer)


def test_the_relation_read_both_ways_agrees_once_offices_lose_their_rights(
    reviewer, member, leader, branch
):
    """`people_reviewed_by(user)` and `reviewers_of(people)` read the same rule, whatever the
    holders' statuses."""
    head = UserFactory(political_status=PoliticalStatus.FULL, workstation_role="head")
    demoted(reviewer, PoliticalStatus.CANDIDATE)
    demoted(leader, PoliticalStatus.LEAGUE)
    everyone = list(User.objects.all())
    for user in everyone:
        reviewed = set(access.people_reviewed_by(user))
        for person in everyone:
            assert (user in access.reviewers_of(User.objects.filter(pk=person.pk))) == (
                person in reviewed
            )
    assert set(access.reviewers_of(User.objects.filter(pk=member.pk))) == {head}


# --- giving a workstation role -------------------------------------------------------------------

PEOPLE = "/admin/members/user/"


@pytest.fixture
def admin_client_(staff, staff_client):
    User.objects.filter(pk=staff.pk).update(is_superuser=True)
    return staff_client


def change_form(client, person: User) -> dict:
    """What the browser sends back from the admin's change form of `person`, unchanged."""
    return form_data(client.get(f"{PEOPLE}{person.pk}/change/"))


def test_the_admin_refuses_a_workstation_role_to_a_league_member(admin_client_, student):
    group = WorkstationGroupFactory()
    data = change_form(admin_client_, student) | {
        "workstation_role": WorkstationRole.LEADER,
        "group": str(group.pk),
    }
    response = admin_client_.post(f"{PEOPLE}{student.pk}/change/", data, **EN)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["workstation_role"] == [
        "The workstation role “Group leader” is for people in the workstation, Party activists "
        "onward; 陈同学 is “Communist Youth League member”."
    ]
    student.refresh_from_db()
    assert student.workstation_role == ""


@pytest.mark.parametrize("status", [PoliticalStatus.ACTIVIST, PoliticalStatus.FULL])
def test_the_admin_gives_a_workstation_role_to_someone_in_the_workstation(admin_client_, status):
    person = UserFactory(political_status=status)
    data = change_form(admin_client_, person) | {"workstation_role": WorkstationRole.HEAD}
    assert admin_client_.post(f"{PEOPLE}{person.pk}/change/", data).status_code == 302
    person.refresh_from_db()
    assert person.workstation_role == WorkstationRole.HEAD


def test_the_admin_does_not_drop_a_role_holder_out_of_the_workstation(admin_client_, leader):
    """The status that would take him out is refused with the reason, under the status; taking
    the role away with it is accepted."""
    url = f"{PEOPLE}{leader.pk}/change/"
    data = change_form(admin_client_, leader) | {"political_status": PoliticalStatus.LEAGUE}
    response = admin_client_.post(url, data, **EN)
    assert response.context["adminform"].form.errors["political_status"] == [
        "The workstation role “Group leader” is for people in the workstation, Party activists "
        "onward; 孙组长 is “Communist Youth League member”."
    ]
    leader.refresh_from_db()
    assert leader.political_status == PoliticalStatus.ACTIVIST
    assert admin_client_.post(url, data | {"workstation_role": "", "group": ""}).status_code == 302
    leader.refresh_from_db()
    assert (leader.political_status, leader.workstation_role) == (PoliticalStatus.LEAGUE, "")


def test_a_roster_does_not_drop_a_role_holder_out_of_the_workstation(importer_client):
    leader = UserFactory(
        student_number="2023010101",
        name="王思远",
        political_status=PoliticalStatus.ACTIVIST,
        workstation_role=WorkstationRole.LEADER,
        group=WorkstationGroupFactory(),
    )
    roster = (
        "学号,姓名,政治面貌\r\n2023010101,王思远,共青团员\r\n".encode()  # a League member again
    )
    preview = importer_client.post(
        "/admin/members/user/import/",
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile("r.csv", roster)},
        **EN,
    )
    assert "confirm_form" not in preview.context
    (row,) = preview.context["result"].invalid_rows
    assert row.error_dict == {
        "Political status": [
            "The workstation role “Group leader” is for people in the workstation, Party "
            "activists onward; 王思远 is “Communist Youth League member”."
        ]
    }
    leader.refresh_from_db()
    assert leader.political_status == PoliticalStatus.ACTIVIST


def test_a_roster_row_of_someone_whose_role_lapsed_says_why_in_words(importer_client):
    """His status dropped outside the roster (a cancelled probation): a row changing anything of
    his is refused until staff clear the role, and the preview says so as the row's error, not
    under a field name the file has no column for."""
    head = UserFactory(
        student_number="2023010102",
        name="李明",
        political_status=PoliticalStatus.LEAGUE,
        phone="13800000000",
    )
    User.objects.filter(pk=head.pk).update(workstation_role=WorkstationRole.HEAD)
    roster = "学号,姓名,手机号\r\n2023010102,李明,13900000000\r\n".encode()
    preview = importer_client.post(
        "/admin/members/user/import/",
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile("r.csv", roster)},
        **EN,
    )
    (row,) = preview.context["result"].invalid_rows
    assert row.error_dict == {
        "__all__": [
            "The workstation role “Head of the workstation” is for people in the workstation, "
            "Party activists onward; 李明 is “Communist Youth League member”."
        ]
    }
    assert "workstation_role" not in preview.content.decode()


def test_a_cancelled_probation_keeps_the_role_without_its_rights(member, staff):
    """A step of the procedure is not refused for the role: the role stays recorded (staff take
    it away when they next edit him) and gives no rights."""
    head = UserFactory(
        branch=member.branch,
        political_status=PoliticalStatus.LEAGUE,
        workstation_role=WorkstationRole.MEMBER,
    )
    head.history.update(history_date=timezone.now() - datetime.timedelta(days=900))
    develop(head, PoliticalStatus.PROBATIONARY)
    User.objects.filter(pk=head.pk).update(workstation_role=WorkstationRole.HEAD)
    assert access.reviews(User.objects.get(pk=head.pk), member)
    record_step(actor=staff, person=head, kind=Milestone.Kind.CANCELLATION, date=TODAY)
    head = User.objects.get(pk=head.pk)
    assert (head.political_status, head.workstation_role) == (PoliticalStatus.LEAGUE, "head")
    assert not access.reviews(head, member)
    assert not access.is_reviewer(head)
