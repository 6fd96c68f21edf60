# ruff: noqa: RUF001 - a full-width comma as students type it
"""The pages: asking (bad input changes nothing), proposing from the suggestions, the tutor's
offer, the exports (formula-safe), and the query counts of the tutor's page and the staff
overview at two data sizes."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tutoring.models import Offer, Pairing, Request, RequestStatus, Status, Topic

from ..factories import UserFactory
from .factories import (
    OfferFactory,
    PairingFactory,
    RatingFactory,
    RequestFactory,
    SessionFactory,
    TutorFactory,
)

pytestmark = pytest.mark.django_db


def test_asking_with_bad_input_says_why_and_saves_nothing(client, tutee):
    client.force_login(tutee)
    url = reverse("tutoring:request-new")
    response = client.post(url, {"topic": "course", "course": "", "description": "求助"})
    assert response.status_code == 200
    assert response.context["form"].errors["course"]
    response = client.post(url, {"topic": "nonsense", "times": ["x"], "description": ""})
    assert response.status_code == 200
    assert not Request.objects.exists()
    data = {"topic": "course", "course": "高等数学", "times": ["wd-eve"], "description": "极限"}
    response = client.post(url, data)
    asked = Request.objects.get()
    assert response["Location"] == asked.get_absolute_url()
    assert (asked.major, asked.grade, asked.times) == (tutee.major, tutee.grade, ["wd-eve"])


def test_the_student_proposes_a_suggested_tutor_from_his_request(client, tutee, tutor):
    asked = RequestFactory(tutee=tutee, topic=Topic.COURSE, course="高等数学")
    client.force_login(tutee)
    response = client.get(asked.get_absolute_url())
    [candidate] = response.context["candidates"]
    assert candidate.tutor == tutor
    assert any("高等数学" in reason and "95" in reason for reason in candidate.reasons)
    assert "95" in response.content.decode()
    url = reverse("tutoring:propose", kwargs={"pk": asked.pk})
    stranger = TutorFactory()  # no offer: not among the suggestions
    client.post(url, {"tutor": stranger.pk})
    assert not Pairing.objects.exists()
    client.post(url, {"tutor": tutor.pk})
    pairing = Pairing.objects.get()
    assert (pairing.tutor, pairing.status) == (tutor, Status.PROPOSED)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.PROPOSED


def test_the_offer_form_saves_courses_with_grades(client, member):
    client.force_login(member)
    data = {
        "topics": ["study"],
        "courses": "高等数学, 95\nMATH102，A\n\n",
        "capacity": "3",
        "times": ["wd-eve"],
    }
    assert client.post(reverse("tutoring:offer"), data).status_code == 302
    offer = Offer.objects.get(tutor=member)
    assert sorted((c.course, c.grade_got) for c in offer.courses.all()) == [
        ("MATH102", "A"),
        ("高等数学", "95"),
    ]
    assert offer.topics == ["study", "course"]
    response = client.post(reverse("tutoring:offer"), data | {"capacity": "99"})
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.capacity == 3


def test_the_exports_escape_formulas(staff_client):
    RequestFactory(description='=HYPERLINK("http://evil")', tutee__name="+钱")
    SessionFactory(topic="@SUM(1)", confirmed=True)
    for table, cell in (("requests", "=HYPERLINK"), ("sessions", "@SUM(1)")):
        response = staff_client.get(reverse("tutoring:export", kwargs={"table": table}))
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value]
        assert any(cell in value and value.startswith("'") for value in values), values
        assert not any(value.startswith(("=", "+", "@")) for value in values)
    assert staff_client.get(reverse("tutoring:export", kwargs={"table": "x"})).status_code == 404


def _grow(tutor, count: int) -> None:
    """`count` tutees of `tutor`, each with a session waiting and a rated one, and as many open
    requests and pairings elsewhere."""
    for index in range(count):
        pairing = PairingFactory(tutor=tutor)
        SessionFactory(pairing=pairing, logged_by=pairing.tutee, next_step=f"第{index}章")
        RatingFactory(session=SessionFactory(pairing=pairing, confirmed=True))
        PairingFactory(tutor=tutor, proposed=True)
        RequestFactory()
        OfferFactory()


@pytest.mark.parametrize("count", [2, 12])
def test_the_tutors_page_takes_the_same_queries_for_more_tutees(
    client, tutor, count, django_assert_max_num_queries
):
    Offer.objects.filter(tutor=tutor).update(capacity=10)
    _grow(tutor, count)
    client.force_login(tutor)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("tutoring:tutor"))
    assert response.status_code == 200
    assert len(response.context["tutees"]) == count
    assert len(response.context["to_confirm"]) == count
    assert f"第{count - 1}章" in response.content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_the_overview_takes_the_same_queries_for_more_data(
    staff_client, tutor, count, django_assert_max_num_queries
):
    _grow(tutor, count)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("tutoring:overview"))
    assert response.status_code == 200
    assert response.context["report"]["open_requests"] == count
    assert response.context["report"]["average_rating"] == 4.0
    assert sum(row["count"] for row in response.context["report"]["per_month"]) == count


def test_the_overview_searches_the_waiting_requests(staff_client):
    RequestFactory(tutee__name="孙一", course="线性代数", topic=Topic.COURSE)
    RequestFactory(tutee__name="李二")
    response = staff_client.get(reverse("tutoring:overview"), {"q": "线性"})
    assert [r.tutee.name for r, _days in response.context["waiting_days"]] == ["孙一"]


def test_a_pairing_step_by_page_and_a_stranger_refused(client, proposal, tutor):
    client.force_login(UserFactory())
    url = reverse("tutoring:pairing-step", kwargs={"pk": proposal.pk, "action": "accept"})
    assert client.post(url).status_code == 404
    client.force_login(tutor)
    assert client.post(url).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.ACTIVE
    bad = reverse("tutoring:pairing-step", kwargs={"pk": proposal.pk, "action": "nonsense"})
    assert client.post(bad).status_code == 404


def test_the_tutor_accepts_or_declines_in_the_pairings_words(client, proposal, tutor):
    """A proposal is accepted (接受) or declined (婉拒), not taken up or turned down as a
    suggestion is (受理, 不予采纳)."""
    client.force_login(tutor)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert ">接受</button>" in page and ">婉拒</button>" in page
    assert "受理" not in page and "不予采纳" not in page
    url = reverse("tutoring:pairing-step", kwargs={"pk": proposal.pk, "action": "decline"})
    refused = client.post(url, {"decline-reason": ""}, follow=True).content.decode()
    assert "请填写婉拒理由。" in refused
    client.post(url, {"decline-reason": "这学期太忙"})
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "婉拒理由：这学期太忙" in page and "已婉拒" in page


def test_the_pairings_export_heads_its_times_as_times(staff_client, pairing):
    response = staff_client.get(reverse("tutoring:export", kwargs={"table": "pairings"}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[7:10] == ["推荐时间", "接受时间", "结束时间"]


def test_a_tutors_times_and_courses_are_listed_in_the_readers_language(client, tutor):
    offer = tutor.tutoring_offer
    offer.times = ["wd-eve", "we-am"]
    offer.save(update_fields=["times"])
    client.force_login(tutor)
    chinese = client.get(reverse("tutoring:tutor")).content.decode()
    assert "工作日晚上、周末上午" in chinese and "高等数学（95）" in chinese
    english = client.get(reverse("tutoring:tutor"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Weekday evenings, Weekend mornings" in english
    assert "、" not in english
