"""Input no page expects: a NUL byte in any query or form field is refused with a clear message
in the person's language, and changes nothing."""

import pytest
from django.urls import reverse

from members.models import User
from tests.study.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE_EN = "contains a character that is not allowed"
NUL_MESSAGE_ZH = "含有不允许的字符"


@pytest.mark.parametrize(
    ("client_name", "path"),
    [
        ("student_client", "/notifications/?q=%00"),
        ("staff_client", "/branches/?q=%00"),
        ("staff_client", "/people/?q=a%00b"),
        ("staff_client", "/suggestions/queue/?q=%00"),
        ("student_client", "/suggestions/?q=%00&category=%00"),
        ("reviewer_client", "/study/review/?person=%00"),
        ("student_client", "/notifications/?show=%00"),
        ("student_client", "/notifications/?%00=1"),
    ],
)
def test_a_nul_byte_in_a_query_is_refused_with_a_message(request, client_name, path):
    client = request.getfixturevalue(client_name)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert NUL_MESSAGE_EN in response.content.decode()


def test_a_nul_byte_in_the_participants_search_is_refused(staff_client):
    plan = EnrollmentFactory().plan
    url = reverse("study:participants", args=[plan.pk]) + "?q=%00"
    response = staff_client.get(url)
    assert response.status_code == 400
    assert NUL_MESSAGE_ZH in response.content.decode()


def test_a_nul_byte_in_a_form_changes_nothing(student_client, student):
    response = student_client.post(
        reverse("members:me"), {"phone": "138\x0000000000"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert NUL_MESSAGE_EN in response.content.decode()
    assert User.objects.get(pk=student.pk).phone == student.phone


def test_a_nul_byte_in_the_sign_in_form_is_refused(client):
    response = client.post(
        reverse("account_login"),
        {"login": "a\x00@b.cn", "password": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert NUL_MESSAGE_EN in response.content.decode()
