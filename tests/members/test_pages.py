"""My profile, a person's page and recording milestones on it."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Milestone, PoliticalStatus, User
from tests.factories import BranchFactory, MilestoneFactory, NoticeFactory, UserFactory

ME = "/me/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_url(person) -> str:
    return reverse("members:person", args=[person.pk])


def add_url(person) -> str:
    return reverse("members:add-milestone", args=[person.pk])


def applicant_in(branch, **fields) -> User:
    """Someone of `branch` who applied 500 days ago: his next step is the talk."""
    person = UserFactory(branch=branch, political_status=PoliticalStatus.APPLICANT, **fields)
    MilestoneFactory(person=person, kind=Milestone.Kind.APPLICATION, date=days_ago(500))
    return person


# --- my profile -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_profile_shows_my_details_and_timeline(member_client, member, reviewer, branch):
    member.phone = "13812345678"
    member.major = "软件工程"
    member.save(update_fields=["phone", "major"])
    MilestoneFactory(
        person=member, kind="application", date=datetime.date(2021, 3, 1), recorded_by=reviewer
    )
    response = member_client.get(ME, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    for text in [member.student_number, "张党员", "软件工程", "13812345678", member.email]:
        assert text in page
    assert "Probationary Party member" in page
    assert "学业辅导组" in page and "Workstation member" in page
    assert f'href="{branch.get_absolute_url()}"' in page
    assert "Application submitted" in page and "Recorded by 李书记" in page
    # The e-mail is changed through the verified flow; only the phone is a form field here.
    assert f'href="{reverse("account_email")}"' in page
    assert 'name="phone"' in page and 'name="email"' not in page


@pytest.mark.django_db
def test_i_change_my_phone(student_client, student):
    response = student_client.post(ME, {"phone": "+86 139-1234-5678"}, follow=True, **EN)
    assert response.redirect_chain == [(ME, 302)]
    assert "Your mobile number is saved." in response.content.decode()
    student.refresh_from_db()
    assert student.phone == "13912345678"
    assert student.history.first().history_user == student


@pytest.mark.django_db
def test_a_bad_phone_is_refused_and_nothing_changes(student_client, student):
    student.phone = "13812345678"
    student.save(update_fields=["phone"])
    response = student_client.post(ME, {"phone": "12345"}, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a mainland mobile number" in page
    assert 'value="12345"' in page and "is-invalid" in page
    student.refresh_from_db()
    assert student.phone == "13812345678"


@pytest.mark.django_db
def test_only_the_phone_can_be_changed(student_client, student):
    student_client.post(
        ME, {"phone": "13812345678", "name": "改名", "political_status": PoliticalStatus.FULL}
    )
    student.refresh_from_db()
    assert student.phone == "13812345678"
    assert student.name == "陈同学"
    assert student.political_status == PoliticalStatus.LEAGUE


@pytest.mark.django_db
def test_my_profile_rejects_the_wrong_method(student_client):
    assert student_client.put(ME).status_code == 405
    assert student_client.delete(ME).status_code == 405


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in_from_my_profile(client):
    for response in [client.get(ME), client.post(ME, {"phone": "13812345678"})]:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- a person's page --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reviewer_sees_his_persons_page_with_the_milestone_form(reviewer_client, member):
    MilestoneFactory(person=member, kind="application", note="递交入党申请书")
    response = reviewer_client.get(person_url(member), **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "张党员" in page and member.email in page
    assert "递交入党申请书" in page
    assert 'data-testid="milestone-form"' in page
    assert f'action="{add_url(member)}' in page
    assert 'type="date"' in page
    # The next step of his timeline is offered first, and when it is due.
    assert '<option value="talk" selected>' in page
    assert 'data-testid="next-step"' in page and "Talk with the applicant due by" in page


@pytest.mark.django_db
def test_staff_may_record_steps_of_anyone(staff_client, student):
    page = staff_client.get(person_url(student)).content.decode()
    assert 'data-testid="milestone-form"' in page


@pytest.mark.django_db
def test_a_member_sees_his_own_page_without_the_form(member_client, member):
    response = member_client.get(person_url(member))
    assert response.status_code == 200
    assert "张党员" in response.content.decode()
    assert 'data-testid="milestone-form"' not in response.content.decode()


@pytest.mark.django_db
def test_a_complete_timeline_offers_no_form(staff_client):
    person = UserFactory(political_status=PoliticalStatus.FULL)
    for n, kind in enumerate(Milestone.Kind.values):
        MilestoneFactory(person=person, kind=kind, date=days_ago(2000 - 400 * n))
    page = staff_client.get(person_url(person), **EN).content.decode()
    assert "The timeline is complete." in page
    assert 'data-testid="milestone-form"' not in page


@pytest.mark.django_db
def test_person_pages_reject_outsiders(member_client, student_client, member, student):
    other_branch = BranchFactory()
    other_secretary = UserFactory(political_status=PoliticalStatus.FULL)
    other_branch.secretary = other_secretary
    other_branch.save(update_fields=["secretary"])
    another_member = UserFactory(branch=member.branch, party_member=True)
    assert client_for(other_secretary).get(person_url(member)).status_code == 404
    assert member_client.get(person_url(another_member)).status_code == 404
    assert member_client.get(person_url(student)).status_code == 404
    assert student_client.get(person_url(member)).status_code == 404
    assert student_client.get(reverse("members:person", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_person_page_rejects_the_wrong_method(reviewer_client, member):
    assert reviewer_client.post(person_url(member)).status_code == 405
    assert reviewer_client.get(add_url(member)).status_code == 405


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in_from_person_pages(client, member):
    response = client.get(person_url(member))
    assert response["Location"].startswith("/accounts/login/")
    response = client.post(add_url(member), {"kind": "application", "date": days_ago(1)})
    assert response["Location"].startswith("/accounts/login/")
    assert not member.milestones.exists()


# --- recording a milestone --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_milestone_updates_the_persons_status(reviewer_client, reviewer, branch):
    person = applicant_in(branch)
    response = reviewer_client.post(
        add_url(person),
        {
            "kind": "talk",
            "date": days_ago(490).isoformat(),
            "member_1": reviewer.pk,
            "note": "谈话记录",
        },
        follow=True,
        **EN,
    )
    page = response.content.decode()
    assert response.redirect_chain == [(person_url(person), 302)]
    assert "“Talk with the applicant” is recorded for" in page
    assert "谈话记录" in page and "Recorded by 李书记" in page
    assert "With: 李书记" in page
    milestone = person.milestones.get(kind="talk")
    assert milestone.recorded_by == reviewer and milestone.date == days_ago(490)
    assert milestone.member_1 == reviewer


@pytest.mark.django_db
def test_a_talk_after_its_month_is_recorded_on_the_page_once_the_note_says_why(
    reviewer_client, reviewer, branch
):
    person = applicant_in(branch)
    application = person.milestones.get(kind="application").date
    late = {"kind": "talk", "date": (application + datetime.timedelta(days=45)).isoformat()}
    late["member_1"] = reviewer.pk
    response = reviewer_client.post(add_url(person), late)
    assert response.status_code == 200
    assert "请在备注中说明原因" in response.content.decode()
    assert not person.milestones.filter(kind="talk").exists()
    response = reviewer_client.post(add_url(person), late | {"note": "申请人寒假离校。"})
    assert response.status_code == 302
    assert person.milestones.get(kind="talk").note == "申请人寒假离校。"


def post_refused(client, person, **headers):
    """Post a step that skips one (candidate before activist); nothing may change."""
    response = client.post(
        add_url(person), {"kind": "candidate", "date": days_ago(10).isoformat()}, **headers
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.political_status == PoliticalStatus.APPLICANT
    assert list(person.milestones.values_list("kind", flat=True)) == ["application"]
    assert 'data-testid="milestone-refused"' in response.content.decode()
    return response.content.decode()


@pytest.mark.django_db
def test_a_refused_milestone_shows_the_rule_in_chinese(reviewer_client, branch):
    page = post_refused(reviewer_client, applicant_in(branch))
    assert "需要先记录" in page and "确定为入党积极分子" in page


@pytest.mark.django_db
def test_a_refused_milestone_shows_the_rule_in_english(reviewer_client, branch):
    page = post_refused(reviewer_client, applicant_in(branch), **EN)
    assert (
        "“Listed as a development candidate” needs “Named a Party activist” to be recorded first."
        in page
    )
    # The form keeps what was typed.
    assert '<option value="candidate" selected>' in page


@pytest.mark.django_db
def test_the_language_cookie_chooses_the_language_of_the_refusal(reviewer_client, branch):
    reviewer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = post_refused(reviewer_client, applicant_in(branch))
    assert "needs “Named a Party activist” to be recorded first." in page


@pytest.mark.django_db
def test_a_milestone_form_with_bad_input_changes_nothing(reviewer_client, branch):
    person = applicant_in(branch)
    response = reviewer_client.post(add_url(person), {"kind": "saint", "date": "yesterday"}, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "Enter a valid date" in page
    assert person.milestones.count() == 1


@pytest.mark.django_db
def test_a_future_date_is_refused(staff_client, branch):
    person = applicant_in(branch)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    page = staff_client.post(
        add_url(person), {"kind": "activist", "date": tomorrow}, **EN
    ).content.decode()
    assert "cannot be in the future" in page
    assert person.milestones.count() == 1


@pytest.mark.django_db
def test_a_person_may_not_record_his_own_milestones(member_client, member):
    response = member_client.post(
        add_url(member), {"kind": "application", "date": days_ago(10).isoformat()}
    )
    assert response.status_code == 403
    assert not member.milestones.exists()


@pytest.mark.django_db
def test_outsiders_may_not_record_steps(student_client, member_client, member, branch):
    another_member = applicant_in(branch)
    data = {"kind": "activist", "date": days_ago(10).isoformat()}
    assert student_client.post(add_url(member), data).status_code == 404
    assert member_client.post(add_url(another_member), data).status_code == 404
    assert another_member.milestones.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_milestone_recorded_meanwhile_by_someone_else_is_refused(
    reviewer_client, reviewer, branch
):
    """Two reviewers add the same step at once: the second is told, and nothing breaks."""
    person = applicant_in(branch)
    locked, done = threading.Event(), threading.Event()

    def the_other_reviewer() -> None:
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=person.pk)
                Milestone.objects.create(person=person, kind="talk", date=days_ago(495))
                locked.set()
                # Commit only once the page's request waits for the lock: its form has
                # already found the timeline free of "activist".
                with connection.cursor() as cursor:
                    for _ in range(500):
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        if cursor.fetchone()[0]:
                            break
                        threading.Event().wait(0.01)
        finally:
            locked.set()
            connection.close()
            done.set()

    threading.Thread(target=the_other_reviewer).start()
    locked.wait(5)
    response = reviewer_client.post(
        add_url(person),
        {"kind": "talk", "date": days_ago(490).isoformat(), "member_1": reviewer.pk},
        **EN,
    )
    done.wait(5)
    assert response.status_code == 200
    assert "“Talk with the applicant” is already recorded" in response.content.decode()
    assert list(person.milestones.values_list("date", flat=True)) == [days_ago(500), days_ago(495)]


# --- query counts -----------------------------------------------------------------------------


def grow_timeline(person, recorders) -> None:
    """A full timeline, each step recorded by someone else and naming two more people."""
    person.milestones.all().delete()
    for n, kind in enumerate(Milestone.Kind.values):
        MilestoneFactory(
            person=person,
            kind=kind,
            date=days_ago(2000 - 100 * n),
            recorded_by=recorders[n % 5],
            member_1=recorders[(n + 1) % 5],
            member_2=recorders[(n + 2) % 5],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reviewer", "staff"])
def test_person_page_query_count_does_not_grow(
    role, request, member, django_assert_max_num_queries
):
    client = request.getfixturevalue(f"{role}_client")
    MilestoneFactory(person=member, kind="application")
    with django_assert_max_num_queries(14) as few:
        assert client.get(person_url(member)).status_code == 200
    grow_timeline(member, UserFactory.create_batch(5))
    NoticeFactory.create_batch(10, recipient=request.getfixturevalue(role))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(person_url(member)).status_code == 200


@pytest.mark.django_db
def test_my_profile_query_count_does_not_grow(member_client, member, django_assert_max_num_queries):
    MilestoneFactory(person=member, kind="application")
    with django_assert_max_num_queries(10) as few:
        assert member_client.get(ME).status_code == 200
    grow_timeline(member, UserFactory.create_batch(5))
    NoticeFactory.create_batch(10, recipient=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert member_client.get(ME).status_code == 200


# --- navigation -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "in_nav", "at_home"),
    [
        ("student", {"/me/"}, {"/me/"}),
        ("member", {"/me/", "/branches/"}, {"/me/", "own branch"}),
        ("reviewer", {"/me/", "/people/", "/branches/"}, {"/me/", "/people/", "own branch"}),
        ("staff", {"/me/", "/people/", "/branches/"}, {"/me/", "/people/", "/branches/"}),
    ],
)
def test_the_navigation_and_home_offer_the_pages_each_role_may_open(
    role, in_nav, at_home, request, branch
):
    """The navigation lists the branches; the home page opens a member's own branch at once."""
    page = request.getfixturevalue(f"{role}_client").get("/").content.decode()
    nav = page.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    home = page.split('data-testid="home-members-links"', 1)[1].split("</div>\n    </div>", 1)[0]
    urls = {name: name for name in ["/me/", "/people/", "/branches/"]}
    urls["own branch"] = f"/branches/{branch.pk}/"
    for part, expected in [(nav, in_nav), (home, at_home)]:
        assert {name for name, url in urls.items() if f'href="{url}"' in part} == expected
