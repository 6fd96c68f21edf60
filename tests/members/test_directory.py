"""The directory of people: who may open it, search, filters, pages and the Excel export."""

import io

import openpyxl
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members.models import PoliticalStatus, WorkstationRole
from tests.factories import BranchFactory, UserFactory, WorkstationGroupFactory

DIRECTORY = "/people/"
EXPORT = "/people/export/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def listed(response) -> set[str]:
    """The student numbers on the page."""
    return {person.student_number for person in response.context["page"]}


def exported(response) -> list[str]:
    """The student numbers in the workbook, in its order (the first row holds the headers)."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Student number")
    return [row[column] for row in rows[1:]]


@pytest.fixture
def other_branch(db):
    return BranchFactory(name="研究生党支部")


@pytest.fixture
def outsider(other_branch):
    """Someone of another branch, outside the reviewer's people."""
    return UserFactory(name="外支部", branch=other_branch, party_member=True)


@pytest.mark.django_db
def test_a_reviewer_sees_his_people_only(reviewer_client, member, reviewer, outsider, student):
    response = reviewer_client.get(DIRECTORY, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == {member.student_number, reviewer.student_number}
    assert "张党员" in page and "外支部" not in page and "陈同学" not in page
    assert f'href="{member.get_absolute_url()}"' in page
    # Both layouts: cards on a phone, a table on larger screens.
    assert 'data-testid="people-cards"' in page and 'data-testid="people-table"' in page
    assert 'data-testid="export"' not in page


@pytest.mark.django_db
def test_staff_see_everyone(staff_client, staff, member, reviewer, outsider, student):
    response = staff_client.get(DIRECTORY)
    assert listed(response) == {
        p.student_number for p in [staff, member, reviewer, outsider, student]
    }
    assert 'data-testid="export"' in response.content.decode()


@pytest.mark.django_db
def test_students_and_members_may_not_open_it(student_client, member_client):
    assert student_client.get(DIRECTORY).status_code == 403
    assert member_client.get(DIRECTORY).status_code == 403


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client):
    for url in [DIRECTORY, EXPORT]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_rejects_the_wrong_method(staff_client):
    assert staff_client.post(DIRECTORY).status_code == 405
    assert staff_client.post(EXPORT).status_code == 405


@pytest.mark.django_db
def test_search_by_name_or_number(staff_client, member, student):
    assert listed(staff_client.get(DIRECTORY, {"q": "张党"})) == {member.student_number}
    number = student.student_number
    assert listed(staff_client.get(DIRECTORY, {"q": number[-5:]})) == {number}
    response = staff_client.get(DIRECTORY, {"q": "无此人"}, **EN)
    assert listed(response) == set()
    assert "Nobody matches." in response.content.decode()


@pytest.mark.django_db
def test_filters(staff_client, branch, other_branch):
    math = UserFactory(branch=branch, grade=2023, major="数学", party_member=True)
    physics = UserFactory(branch=branch, grade=2024, major="物理", party_member=True)
    other = UserFactory(branch=other_branch, grade=2023, major="数学")
    assert listed(staff_client.get(DIRECTORY, {"branch": other_branch.pk})) == {
        other.student_number
    }
    assert listed(staff_client.get(DIRECTORY, {"grade": 2024})) == {physics.student_number}
    assert listed(staff_client.get(DIRECTORY, {"major": "数学"})) == {
        math.student_number,
        other.student_number,
    }
    both = {"major": "数学", "status": PoliticalStatus.PROBATIONARY, "branch": branch.pk}
    assert listed(staff_client.get(DIRECTORY, both)) == {math.student_number}


@pytest.mark.django_db
def test_a_reviewer_filters_only_by_branches_he_may_see(
    reviewer_client, member, branch, other_branch, outsider
):
    response = reviewer_client.get(DIRECTORY)
    choices = list(response.context["form"].fields["branch"].choices)
    assert choices == [("", "全部支部"), (branch.pk, branch.name)]
    # Another branch's number in the address shows nobody of it, and says the choice is invalid.
    response = reviewer_client.get(DIRECTORY, {"branch": other_branch.pk}, **EN)
    assert response.status_code == 200
    assert outsider.student_number not in listed(response)
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_a_group_leader_sees_and_filters_his_group_across_branches(branch, other_branch):
    group = WorkstationGroupFactory()
    leader = UserFactory(
        branch=branch, party_member=True, workstation_role=WorkstationRole.LEADER, group=group
    )
    in_other_branch = UserFactory(branch=other_branch, group=group, party_member=True)
    client = Client()
    client.force_login(leader)
    response = client.get(DIRECTORY, {"branch": other_branch.pk})
    assert listed(response) == {in_other_branch.student_number}


@pytest.mark.django_db
def test_nonsense_filters_do_not_fail(staff_client, member):
    response = staff_client.get(DIRECTORY, {"grade": "x", "branch": "y", "page": "z"})
    assert response.status_code == 200
    assert member.student_number in listed(response)


@pytest.mark.django_db
def test_it_is_paginated_and_the_page_links_keep_the_filters(staff_client, branch):
    UserFactory.create_batch(30, branch=branch, political_status=PoliticalStatus.ACTIVIST)
    UserFactory.create_batch(3, political_status=PoliticalStatus.LEAGUE)
    first = staff_client.get(DIRECTORY, {"status": "activist"}, **EN)
    assert len(first.context["page"]) == 25
    page = first.content.decode()
    assert "30 people" in page
    assert 'href="?status=activist&amp;page=2"' in page
    second = staff_client.get(DIRECTORY, {"status": "activist", "page": 2})
    assert len(second.context["page"]) == 5
    assert not (listed(first) & listed(second))
    # The export link carries the filters, without the page.
    assert f'href="{EXPORT}?status=activist"' in page
    assert f'href="{EXPORT}?status=activist&amp;page=2"' not in second.content.decode()


@pytest.mark.django_db
def test_pages_follow_the_branches_by_name_then_the_people_without_one(staff_client):
    """People of a branch come first, branch by branch in the order of their names, the
    newest grade first within a branch; the people of no branch follow, on the page where the
    branches end and after it."""
    second, first = BranchFactory(name="B 党支部"), BranchFactory(name="A 党支部")
    expected = [
        *(UserFactory(branch=first, grade=2024, student_number=f"1{n:03d}") for n in range(5)),
        *(UserFactory(branch=first, grade=2022, student_number=f"2{n:03d}") for n in range(5)),
        *(UserFactory(branch=second, grade=2023, student_number=f"3{n:03d}") for n in range(12)),
        *(UserFactory(grade=2025, student_number=f"4{n:03d}") for n in range(6)),
        *(UserFactory(grade=None, student_number=f"5{n:03d}") for n in range(3)),
    ]
    shown = []
    for page in (1, 2):
        response = staff_client.get(DIRECTORY, {"page": page})
        shown += [person.student_number for person in response.context["page"]]
    # Last, the staff member reading: no branch, no grade, no student number.
    assert shown == [*(person.student_number for person in expected), None]
    assert "32 people" in staff_client.get(DIRECTORY, **EN).content.decode()


# --- the Excel export -------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_export_the_filtered_directory(staff_client, branch, member, reviewer, outsider):
    UserFactory(branch=branch, political_status=PoliticalStatus.LEAGUE)
    response = staff_client.get(
        EXPORT, {"branch": branch.pk, "status": PoliticalStatus.PROBATIONARY}, **EN
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="roster-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert exported(response) == [member.student_number]


@pytest.mark.django_db
def test_the_export_without_filters_holds_everyone(staff_client, staff, member, reviewer, outsider):
    response = staff_client.get(EXPORT, {"q": ""}, **EN)
    assert sorted(exported(response), key=str) == sorted(
        [p.student_number for p in [staff, member, reviewer, outsider]], key=str
    )


@pytest.mark.django_db
def test_only_staff_export(student_client, member_client, reviewer_client):
    for client in [student_client, member_client, reviewer_client]:
        response = client.get(EXPORT)
        assert response.status_code == 403
        assert response["Content-Type"].startswith("text/html")


# --- query counts -----------------------------------------------------------------------------


def populate(branch, count: int) -> None:
    """`count` people in the branch and in other branches, in groups, in several states."""
    group = WorkstationGroupFactory()
    for n in range(count):
        UserFactory(
            branch=branch if n % 2 else BranchFactory(),
            group=group if n % 3 else WorkstationGroupFactory(),
            political_status=PoliticalStatus.values[n % 7],
            grade=2020 + n % 5,
            major=f"专业{n % 4}",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_query_count_does_not_grow_with_people(
    role, request, branch, member, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")
    populate(branch, 4)
    with django_assert_max_num_queries(10) as few:
        assert client.get(DIRECTORY).status_code == 200
    # The branch filter's choices are read once, the filter shown and its value checked.
    names = 'SELECT "members_branch"."id" AS "pk", "members_branch"."name" AS "name"'
    assert [query["sql"].startswith(names) for query in few.captured_queries].count(True) == 1
    populate(branch, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(DIRECTORY).status_code == 200
    # A later page also counts the people of a branch (`common.pagination.BranchFirst`).
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert client.get(DIRECTORY, {"page": 2}).status_code == 200


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_people(
    staff_client, branch, django_assert_max_num_queries
):
    populate(branch, 4)
    with django_assert_max_num_queries(6) as few:
        assert staff_client.get(EXPORT).status_code == 200
    populate(branch, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(EXPORT).status_code == 200


@pytest.mark.django_db
def test_everyones_grades_and_majors_are_read_once_every_few_minutes(
    staff_client, reviewer_client, branch
):
    UserFactory(branch=branch, grade=2023, major="数学")
    first = staff_client.get(DIRECTORY)
    assert first.context["form"].fields["major"].choices[1:] == [("数学", "数学")]
    UserFactory(branch=branch, grade=2024, major="物理")
    with CaptureQueriesContext(connection) as again:
        later = staff_client.get(DIRECTORY)
    # The staff's choices come from memory for a few minutes (no pass over everyone)...
    assert not any("ARRAY_AGG" in query["sql"] for query in again.captured_queries)
    assert later.context["form"].fields["major"].choices[1:] == [("数学", "数学")]
    # ...a reviewer's (his own people, through an index) are read every time...
    mine = reviewer_client.get(DIRECTORY).context["form"].fields["major"].choices[1:]
    assert mine == [("数学", "数学"), ("物理", "物理")]
    # ...and once the few minutes are over, the staff's are read again.
    caches["process"].clear()
    choices = staff_client.get(DIRECTORY).context["form"].fields["major"].choices[1:]
    assert choices == [("数学", "数学"), ("物理", "物理")]


def test_the_export_names_its_sheet_in_the_readers_language(staff_client, member):
    chinese = openpyxl.load_workbook(io.BytesIO(staff_client.get(EXPORT).content))
    assert chinese.active.title == "人员名录"
    english = openpyxl.load_workbook(io.BytesIO(staff_client.get(EXPORT, **EN).content))
    assert english.active.title == "Directory"
