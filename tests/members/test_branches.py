"""A branch's page with its people by status, and the staff list of all branches."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import PoliticalStatus, WorkstationRole
from tests.factories import BranchFactory, UserFactory

BRANCHES = "/branches/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def branch_url(branch) -> str:
    return reverse("members:branch", args=[branch.pk])


def counts(response) -> dict[str, int]:
    """The count shown for each status, and the total."""
    context = response.context
    return {value: count for value, _label, count in context["statuses"]} | {
        "total": context["total"]
    }


@pytest.mark.django_db
def test_branch_page_counts_people_by_status(reviewer_client, branch, member, reviewer):
    UserFactory.create_batch(2, branch=branch, political_status=PoliticalStatus.ACTIVIST)
    UserFactory(political_status=PoliticalStatus.ACTIVIST)  # another branch's, or none
    response = reviewer_client.get(branch_url(branch), **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert counts(response) == {
        "masses": 0,
        "league": 0,
        "applicant": 0,
        "activist": 2,
        "candidate": 0,
        "probationary": 1,
        "full": 1,
        "total": 4,
    }
    # All seven statuses are listed, zeros included.
    for label in PoliticalStatus.labels:
        assert str(label) in page
    assert '<tr data-status="masses">' in page
    assert "本科生第一党支部" in page and "李书记" in page and "Active" in page


@pytest.mark.django_db
def test_the_secretary_and_staff_get_the_branchs_people(reviewer_client, staff_client, branch):
    link = f'href="/people/?branch={branch.pk}"'
    assert link in reviewer_client.get(branch_url(branch)).content.decode()
    assert link in staff_client.get(branch_url(branch)).content.decode()


@pytest.mark.django_db
def test_a_member_sees_his_branch_without_the_people_link(member_client, branch):
    response = member_client.get(branch_url(branch))
    assert response.status_code == 200
    assert "/people/?branch=" not in response.content.decode()


@pytest.mark.django_db
def test_an_inactive_branch_shows_as_such(staff_client):
    branch = BranchFactory(is_active=False)
    assert "Inactive" in staff_client.get(branch_url(branch), **EN).content.decode()


@pytest.mark.django_db
def test_branch_page_rejects_outsiders(student_client, member_client, branch):
    other = BranchFactory()
    assert student_client.get(branch_url(branch)).status_code == 404
    assert member_client.get(branch_url(other)).status_code == 404
    secretary = UserFactory(political_status=PoliticalStatus.FULL)
    other.secretary = secretary
    other.save(update_fields=["secretary"])
    client = Client()
    client.force_login(secretary)
    assert client.get(branch_url(branch)).status_code == 404
    assert client.get(branch_url(other)).status_code == 200
    assert member_client.get(reverse("members:branch", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_branch_pages_reject_the_wrong_method(staff_client, branch):
    assert staff_client.post(branch_url(branch)).status_code == 405
    assert staff_client.post(BRANCHES).status_code == 405


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in(client, branch):
    for url in [branch_url(branch), BRANCHES]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


# --- the list of branches ---------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_list_branches_with_secretary_and_people(staff_client, branch, member, reviewer):
    empty = BranchFactory(name="新建党支部", is_active=False)
    response = staff_client.get(BRANCHES, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    rows = {b.name: b.people_count for b in response.context["page"]}
    assert rows == {"本科生第一党支部": 2, "新建党支部": 0}
    assert "Secretary: 李书记" in page and "2 people" in page and "0 people" in page
    assert f'href="{branch_url(empty)}"' in page and "Inactive" in page


@pytest.mark.django_db
def test_a_secretary_and_a_member_list_only_their_own_branch(
    member_client, reviewer_client, branch
):
    BranchFactory(name="研究生党支部", secretary=UserFactory())
    for client in [member_client, reviewer_client]:
        response = client.get(BRANCHES)
        assert [b.name for b in response.context["page"]] == ["本科生第一党支部"]
        assert f'href="{branch_url(branch)}"' in response.content.decode()


@pytest.mark.django_db
def test_a_secretary_outside_the_branch_he_leads_lists_it(client, branch):
    secretary = UserFactory(name="赵书记", political_status=PoliticalStatus.FULL)
    BranchFactory(name="研究生党支部", secretary=secretary)
    client.force_login(secretary)
    response = client.get(BRANCHES)
    assert [b.name for b in response.context["page"]] == ["研究生党支部"]


@pytest.mark.django_db
def test_someone_with_no_branch_lists_none(student_client):
    assert student_client.get(BRANCHES).status_code == 403


# --- reaching a branch: navigation, home page, directory ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reviewer", "staff"])
def test_the_navigation_offers_branches_to_whoever_may_open_one(role, request, branch):
    client = request.getfixturevalue(f"{role}_client")
    page = client.get(reverse("study:mine"), **EN).content.decode()
    assert f'href="{BRANCHES}"' in page
    assert ">Branches<" in page


@pytest.mark.django_db
def test_the_navigation_offers_no_branches_to_a_student_without_one(student_client):
    page = student_client.get("/").content.decode()
    assert f'href="{BRANCHES}"' not in page


@pytest.mark.django_db
def test_the_home_page_links_the_secretary_to_the_branch_he_leads(reviewer_client, branch):
    page = reviewer_client.get("/", **EN).content.decode()
    assert f'href="{branch_url(branch)}" data-testid="home-branch">本科生第一党支部' in page
    assert "The branch you lead" in page


@pytest.mark.django_db
def test_the_home_page_links_a_member_to_his_branch(member_client, branch):
    page = member_client.get("/", **EN).content.decode()
    assert f'href="{branch_url(branch)}" data-testid="home-branch">' in page
    assert "Your Party branch" in page


@pytest.mark.django_db
def test_directory_links_the_branches_the_reader_may_open(
    reviewer_client, reviewer, branch, member
):
    # He also leads a group that spans branches.
    reviewer.workstation_role, reviewer.group = WorkstationRole.LEADER, member.group
    reviewer.save(update_fields=["workstation_role", "group"])
    other = BranchFactory(name="研究生党支部", secretary=UserFactory())
    UserFactory(branch=other, workstation_role="member", group=member.group)
    page = reviewer_client.get(reverse("members:directory")).content.decode()
    assert f'<a href="{branch_url(branch)}" data-testid="branch-link">本科生第一党支部</a>' in page
    assert "研究生党支部" in page  # shown, but not a link he could not follow
    assert branch_url(other) not in page


@pytest.mark.django_db
def test_staff_directory_links_every_branch(staff_client, branch, member):
    other = BranchFactory(name="研究生党支部")
    UserFactory(branch=other)
    page = staff_client.get(reverse("members:directory")).content.decode()
    assert f'href="{branch_url(branch)}" data-testid="branch-link"' in page
    assert f'href="{branch_url(other)}" data-testid="branch-link"' in page


@pytest.mark.django_db
def test_branches_are_searchable_and_paginated(staff_client, branch):
    BranchFactory.create_batch(30)
    response = staff_client.get(BRANCHES, {"q": "本科生"})
    assert [b.name for b in response.context["page"]] == ["本科生第一党支部"]
    first = staff_client.get(BRANCHES)
    assert len(first.context["page"]) == 25
    assert len(staff_client.get(BRANCHES, {"page": 2}).context["page"]) == 6
    searched = staff_client.get(BRANCHES, {"q": "党支部"}).content.decode()
    assert 'href="?q=%E5%85%9A%E6%94%AF%E9%83%A8&amp;page=2"' in searched


# --- query counts -----------------------------------------------------------------------------


def populate(branch, count: int) -> None:
    for n in range(count):
        other = BranchFactory(secretary=UserFactory())
        UserFactory(branch=branch, political_status=PoliticalStatus.values[n % 7])
        UserFactory(branch=other)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reviewer", "staff"])
def test_branch_page_query_count_does_not_grow(
    role, request, branch, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")
    populate(branch, 3)
    with django_assert_max_num_queries(8) as few:
        assert client.get(branch_url(branch)).status_code == 200
    populate(branch, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(branch_url(branch)).status_code == 200


@pytest.mark.django_db
def test_branch_list_query_count_does_not_grow(staff_client, branch, django_assert_max_num_queries):
    populate(branch, 3)
    with django_assert_max_num_queries(6) as few:
        assert staff_client.get(BRANCHES).status_code == 200
    populate(branch, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(BRANCHES).status_code == 200
