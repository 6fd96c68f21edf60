import pytest

from members.models import User
from tests.factories import UserFactory

ADD = "/admin/members/user/add/"


@pytest.fixture
def admin_client_(staff_client, staff, settings):
    settings.STAFF_REQUIRE_2FA = False
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    return staff_client


def add_user(client, email: str, number: str = ""):
    return client.post(
        ADD,
        {
            "email": email,
            "name": "新同学",
            "student_number": number,
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.django_db
def test_staff_add_a_person_in_the_admin(admin_client_):
    response = add_user(admin_client_, "  New.Person@Example.EDU.cn ", "20241111")
    assert response.status_code == 302
    user = User.objects.get(student_number="20241111")
    assert user.email == "new.person@example.edu.cn"
    assert not user.has_usable_password()
    assert user.history.count() == 1  # the change is in the history


@pytest.mark.django_db
def test_an_email_differing_only_in_case_is_refused(admin_client_):
    UserFactory(email="taken@example.edu.cn")
    response = add_user(admin_client_, "Taken@Example.edu.cn")
    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert User.objects.filter(email__iexact="taken@example.edu.cn").count() == 1


@pytest.mark.django_db
def test_an_empty_student_number_is_stored_as_none(admin_client_):
    add_user(admin_client_, "a@example.edu.cn")
    add_user(admin_client_, "b@example.edu.cn")
    assert User.objects.filter(student_number__isnull=True).count() == 3  # with the staff member
