import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from members.models import User

NEW_STUDENT = {
    "email": "new@example.edu.cn",
    "username": "20249999",
    "password1": "x-Passw0rd-long",
    "password2": "x-Passw0rd-long",
}


@pytest.mark.django_db
def test_sign_up_is_closed_by_default(client):
    response = client.post(
        reverse("account_signup"),
        NEW_STUDENT,
    )
    assert not User.objects.filter(email="new@example.edu.cn").exists()
    assert response.status_code == 200


@pytest.mark.django_db
def test_open_sign_up_asks_for_the_student_number_and_verification(client, settings, mailoutbox):
    settings.SIGNUP_OPEN = True
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Student number" in page.content.decode()
    response = client.post(
        reverse("account_signup"),
        NEW_STUDENT,
        follow=True,
    )
    user = User.objects.get(email="new@example.edu.cn")
    assert user.student_number == "20249999"
    assert not response.wsgi_request.user.is_authenticated  # verification is mandatory
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_admin_login_goes_through_the_portal_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_staff_without_two_factor_are_sent_to_set_it_up(staff_client, settings):
    settings.STAFF_REQUIRE_2FA = True
    response = staff_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_with_two_factor_use_the_admin(staff_client, staff, settings):
    settings.STAFF_REQUIRE_2FA = True
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert staff_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_two_factor_is_not_forced_when_the_setting_is_off(staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    assert staff_client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_students_cannot_use_the_admin(student_client):
    response = student_client.get("/admin/", follow=True)
    assert response.status_code == 403
