"""Who records development steps, the branch's development page, the ledger (printed and in
Excel), the list of incomplete timelines and the development reminders."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from members import access
from members.models import Milestone, PoliticalStatus, WorkstationRole, add_months
from members.services import record_step, remind_development
from notifications.models import Notice
from tests.factories import (
    BranchFactory,
    MilestoneFactory,
    UserFactory,
    WorkstationGroupFactory,
    develop,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def client_of(client, user):
    client.force_login(user)
    return client


# --- who may record ---------------------------------------------------------------------------


def test_the_secretary_and_staff_record_steps_and_nobody_else(branch, reviewer, staff, client):
    group = WorkstationGroupFactory()
    # In the workstation, with a role: one of the head's people and of his group leader's.
    person = UserFactory(
        branch=branch,
        group=group,
        workstation_role=WorkstationRole.MEMBER,
        political_status="activist",
    )
    head = UserFactory(political_status="full", workstation_role=WorkstationRole.HEAD)
    leader = UserFactory(political_status="full", workstation_role="leader", group=group)
    other_branch = BranchFactory()
    other_secretary = UserFactory(political_status="full", branch=other_branch)
    other_branch.secretary = other_secretary
    other_branch.save()
    committee_member = UserFactory(political_status="full", branch=branch)
    branch.committee.add(committee_member)
    for user in (reviewer, staff, committee_member):
        assert access.can_record_step(user, person)
    assert access.can_see_development(committee_member, branch)
    for user in (head, leader, person, other_secretary):
        assert not access.can_record_step(user, person)
        with pytest.raises(PermissionDenied):
            record_step(actor=user, person=person, kind="application", date=days_ago(9))
    assert not person.milestones.exists()
    # The head and the group leader read the person's timeline but get no form, and a POST
    # is refused.
    url = reverse("members:person", args=[person.pk])
    add = reverse("members:add-milestone", args=[person.pk])
    for user in (head, leader):
        page = client_of(client, user).get(url)
        assert page.status_code == 200
        assert 'data-testid="milestone-form"' not in page.content.decode()
        data = {"kind": "application", "date": days_ago(9).isoformat()}
        assert client.post(add, data).status_code == 403
    assert client_of(client, other_secretary).get(url).status_code == 404
    record_step(actor=reviewer, person=person, kind="application", date=days_ago(9))
    assert person.milestones.get().recorded_by == reviewer
    # A committee member records on the person's page too.
    client_of(client, committee_member)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="milestone-form"' in page.content.decode()
    data = {"kind": "talk", "date": days_ago(5).isoformat(), "member_1": reviewer.pk}
    assert client.post(add, data).status_code == 302
    assert person.milestones.get(kind="talk").recorded_by == committee_member
    assert client.get(development_url(branch)).status_code == 200


def test_removing_a_step_on_the_page_says_what_changed(branch, reviewer, reviewer_client):
    person = UserFactory(branch=branch, political_status=PoliticalStatus.LEAGUE)
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=2))
    step = record_step(actor=reviewer, person=person, kind="application", date=days_ago(9))
    url = reverse("members:remove-step", args=[person.pk, step.pk])
    page = reviewer_client.post(url, follow=True, **EN).content.decode()
    assert (
        "“Application submitted” is removed; the status changes from “Party applicant” to "
        "“Communist Youth League member”." in page
    )
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.LEAGUE
    assert Milestone.history.filter(history_type="-", history_user=reviewer).exists()


def test_the_admin_status_field_follows_the_procedure(branch, staff, admin_client):
    person = UserFactory(branch=branch, political_status=PoliticalStatus.LEAGUE)
    record_step(actor=staff, person=person, kind="application", date=days_ago(9))
    person.political_status = PoliticalStatus.FULL
    with translation.override("en"), pytest.raises(Exception, match="record a milestone"):
        person.full_clean()


# --- the development page ---------------------------------------------------------------------


def development_url(branch) -> str:
    return reverse("members:development", args=[branch.pk])


def test_the_development_page_counts_stages_and_puts_the_overdue_first(branch, reviewer_client):
    late = UserFactory(name="迟到", branch=branch, political_status=PoliticalStatus.APPLICANT)
    MilestoneFactory(person=late, kind="application", date=days_ago(60))
    fresh = UserFactory(name="新人", branch=branch, political_status=PoliticalStatus.APPLICANT)
    MilestoneFactory(person=fresh, kind="application", date=days_ago(3))
    activist = UserFactory(name="积极", branch=branch)
    develop(activist, PoliticalStatus.ACTIVIST, anchor=days_ago(100))
    page = reviewer_client.get(development_url(branch), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    counts = {value: count for value, _, count in page.context["counts"]}
    assert counts["applicant"] == 2 and counts["activist"] == 1
    rows = [row.person.name for row in page.context["page"]]
    assert rows[0] == "迟到" and page.context["page"][0].overdue
    assert set(rows) == {"迟到", "新人", "积极"}
    assert "Overdue" in html and "Talk with the applicant due by" in html
    searched = reviewer_client.get(development_url(branch), {"q": "新人"})
    assert [row.person.name for row in searched.context["page"]] == ["新人"]


def test_the_development_page_is_the_secretarys_and_staffs(branch, member_client, staff_client):
    assert member_client.get(development_url(branch)).status_code == 403
    assert staff_client.get(development_url(branch)).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_the_development_page_asks_as_often_for_more_people(
    size, branch, reviewer_client, django_assert_max_num_queries
):
    for n in range(size):
        person = UserFactory(branch=branch, political_status=PoliticalStatus.CANDIDATE)
        for kind, ago in [("application", 900), ("activist", 800), ("candidate", 300)]:
            MilestoneFactory(person=person, kind=kind, date=days_ago(ago - n))
    with django_assert_max_num_queries(12):
        response = reviewer_client.get(development_url(branch), {"page": 2 if size > 25 else 1})
    assert response.status_code == 200


# --- the ledger -------------------------------------------------------------------------------


def ledger_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_the_ledger_has_the_usual_columns_and_escapes_formulas(branch, reviewer_client, staff):
    person = UserFactory(
        name="=HYPERLINK(1)", branch=branch, political_status=PoliticalStatus.LEAGUE
    )
    develop(person, PoliticalStatus.PROBATIONARY, anchor=days_ago(100))
    other = UserFactory(name="别的支部", branch=BranchFactory(), political_status="applicant")
    MilestoneFactory(person=other, kind="application", date=days_ago(5))
    response = reviewer_client.get(reverse("members:ledger-export"), {"branch": branch.pk}, **EN)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ledger-')
    header, *rows = ledger_rows(response)
    assert header == (
        "Name",
        "Student number",
        "Gender",
        "Date of birth",
        "Application",
        "Activist since",
        "Contact persons",
        "Development candidate since",
        "Introducers",
        "Political review",
        "Training",
        "Admitted (probationary)",
        "Confirmed as full member",
        "Remarks",
    )
    mine = next(row for row in rows if "HYPERLINK" in row[0])
    assert mine[0] == "'=HYPERLINK(1)"
    steps = {step.kind: step for step in person.milestones.all()}
    assert mine[4] == steps["application"].date.isoformat()
    assert mine[11] == steps["probationary"].date.isoformat()
    assert steps["activist"].member_1.display_name in mine[6]
    assert "3 days" in mine[10]
    assert all(row[0] != "别的支部" for row in rows)
    # The branch's secretary gets no other branch's ledger and not the college's.
    assert reviewer_client.get(reverse("members:ledger-export")).status_code == 403
    other_branch = {"branch": other.branch_id}
    assert reviewer_client.get(reverse("members:ledger-export"), other_branch).status_code == 404


def test_the_whole_colleges_ledger_and_its_printable_page(branch, staff_client):
    for name, home in [("甲", branch), ("乙", BranchFactory())]:
        person = UserFactory(name=name, branch=home, political_status="applicant")
        MilestoneFactory(person=person, kind="application", date=days_ago(5))
    names = {row[0] for row in ledger_rows(staff_client.get(reverse("members:ledger-export")))}
    assert {"甲", "乙"} <= names
    page = staff_client.get(reverse("members:ledger")).content.decode()
    assert 'data-testid="ledger"' in page and "甲" in page and "乙" in page


def test_the_ledger_keeps_the_steps_due_of_every_branch(branch, staff_client):
    """`?due=overdue` keeps the people whose step is overdue, `?due=soon` those due within 30
    days too, in every branch; a full member and a fresh activist are in neither."""
    for name, home, ago in [
        ("迟甲", branch, 60),
        ("迟乙", BranchFactory(), 45),
        ("新丙", branch, 10),
    ]:
        person = UserFactory(name=name, branch=home, political_status="applicant")
        MilestoneFactory(person=person, kind="application", date=days_ago(ago))
    develop(UserFactory(name="积极丁", branch=branch), PoliticalStatus.ACTIVIST, anchor=days_ago(5))
    UserFactory(name="正式戊", branch=branch, political_status=PoliticalStatus.FULL)
    ledger = reverse("members:ledger")
    overdue = staff_client.get(ledger, {"due": "overdue"}, **EN)
    assert [row[0] for row in overdue.context["rows"]] == ["迟甲", "迟乙"]
    assert "Only the steps overdue." in overdue.content.decode()
    soon = staff_client.get(ledger, {"due": "soon"})
    assert {row[0] for row in soon.context["rows"]} == {"迟甲", "迟乙", "新丙"}
    everyone = staff_client.get(ledger, {"due": "nonsense"})
    assert {"积极丁", "正式戊"} <= {row[0] for row in everyone.context["rows"]}


def test_people_with_a_status_and_no_dates_are_listed_as_incomplete(branch, staff_client):
    imported = UserFactory(name="导入", branch=branch, political_status="probationary")
    MilestoneFactory(person=imported, kind="application", date=days_ago(900))
    UserFactory(name="群众", political_status="masses")
    page = staff_client.get(reverse("members:incomplete"), **EN).content.decode()
    assert "导入" in page and "群众" not in page
    assert "Named a Party activist" in page and "Branch meeting admits" in page


# --- reminders --------------------------------------------------------------------------------


def notices(kind_prefix: str):
    return Notice.objects.filter(kind="development-due", dedup_key__startswith=kind_prefix)


def test_development_reminders_are_told_once(branch, reviewer, staff):
    applicant = UserFactory(branch=branch, political_status="applicant")
    MilestoneFactory(person=applicant, kind="application", date=days_ago(3))
    eligible = UserFactory(branch=branch, political_status="activist")
    MilestoneFactory(person=eligible, kind="application", date=days_ago(500))
    MilestoneFactory(person=eligible, kind="activist", date=days_ago(370))
    waiting = UserFactory(branch=branch, political_status="candidate")
    MilestoneFactory(person=waiting, kind="probationary", date=add_months(days_ago(1), -2))
    first = remind_development()
    assert first >= 4
    assert notices("talk-due:").get().recipient == reviewer
    assert notices("candidate-eligible:").count() == 1
    assert notices("record-due:").count() == 1  # no record in more than six months
    assert notices("approval-missing:").get().recipient == reviewer
    assert remind_development() == 0
    assert remind_development(today=TODAY + datetime.timedelta(days=3)) == 0


def test_imported_probationers_and_their_own_reminder(branch, reviewer):
    # Imported as a probationary member with the date of the branch meeting only.
    ending = UserFactory(name="将满", branch=branch, political_status="probationary")
    MilestoneFactory(person=ending, kind="probationary", date=days_ago(350))
    overdue = UserFactory(name="逾期", branch=branch, political_status="probationary")
    MilestoneFactory(person=overdue, kind="probationary", date=days_ago(400))
    assert remind_development() == 2
    own = notices("probation-ending-own:").get()
    assert own.recipient == ending
    assert "转正申请" in own.body or "application for full membership" in own.body
    assert notices("probation-overdue:").get().recipient == reviewer
    assert remind_development() == 0


def test_the_chinese_ledger_speaks_as_the_roster_and_names_its_sheet(branch, staff_client):
    """The ledger's sheet is named, its date columns are the roster's, and its lists and
    training read as Chinese: 、 between names, 天 and 学时 without an English plural."""
    person = UserFactory(name="孙申请", branch=branch, political_status="applicant")
    MilestoneFactory(person=person, kind="application", date=days_ago(5))
    MilestoneFactory(person=person, kind="training", date=days_ago(3), days=1, hours=8)
    response = staff_client.get(reverse("members:ledger-export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active.title == "发展党员工作台账"
    header, *rows = list(book.active.iter_rows(values_only=True))
    assert header[4:8] == ("入党申请时间", "确定积极分子时间", "培养联系人", "确定发展对象时间")
    mine = next(row for row in rows if row[0] == "孙申请")
    assert mine[10] == "1天，8学时"  # noqa: RUF001
    english = ledger_rows(staff_client.get(reverse("members:ledger-export"), **EN))
    assert next(row for row in english if row[0] == "孙申请")[10] == "1 day, 8 hours"
