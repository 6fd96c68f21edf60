import pytest
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = "/accounts/login/"


def sign_in(client, login: str, password: str, language: str = "zh-hans"):
    return client.post(
        LOGIN, {"login": login, "password": password}, HTTP_ACCEPT_LANGUAGE=language, follow=True
    )


@pytest.mark.django_db
def test_it_signs_in_by_email(client, password):
    user = UserFactory(name="陈同学")
    response = sign_in(client, user.email.upper(), password)
    assert response.wsgi_request.user == user
    assert "陈同学" in response.content.decode()


@pytest.mark.django_db
def test_it_signs_in_by_student_number(client, password):
    user = UserFactory(student_number="20231234", name="陈同学")
    response = sign_in(client, "20231234", password)
    assert response.wsgi_request.user == user
    assert "陈同学，你已成功登录。" in response.content.decode()  # noqa: RUF001


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "邮箱/学号或密码不正确。"),
        ("en", "The e-mail or student number, or the password, is not correct."),
    ],
)
@pytest.mark.parametrize("by", ["email", "student_number"])
def test_wrong_password_shows_a_clear_message(client, language, message, by):
    user = UserFactory()
    response = sign_in(client, getattr(user, by), "not-my-password", language)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert message in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, "wrong", "en")
    response = sign_in(client, user.email, "wrong", "en")
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.django_db
def test_rate_limit_blocks_even_the_right_password_for_a_while(client, password):
    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, "wrong", "en")
    response = sign_in(client, user.email, password, "en")
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_the_rate_limit_lifts_after_five_minutes(client, password, monkeypatch):
    import time

    from allauth.core.internal import ratelimit

    user = UserFactory()
    for _ in range(5):
        sign_in(client, user.email, "wrong", "en")
    later = time.time() + 301
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    response = sign_in(client, user.email, password, "en")
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_it_signs_out(student_client):
    response = student_client.post(reverse("account_logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_an_unmarked_page_sends_a_visitor_to_sign_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=/notifications/")


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, mailoutbox):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password(client, mailoutbox):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    new_password = "a-brand-new-passphrase-77"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_change_password(student_client, student, password):
    new_password = "another-long-passphrase-88"
    response = student_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password(new_password)


@pytest.mark.django_db
def test_a_language_chosen_before_signing_in_becomes_the_preference(client, password):
    user = UserFactory()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    sign_in(client, user.email, password)
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_a_person_without_a_password_signs_in_with_a_code(client, mailoutbox):
    user = UserFactory(password="!unusable")
    client.post(reverse("account_request_login_code"), {"email": user.email}, follow=True)
    assert len(mailoutbox) == 1
    code = next(word for word in mailoutbox[0].body.split() if len(word) >= 6 and word.isupper())
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_the_sign_in_page_invites_sign_up_only_while_it_is_open(client, settings):
    assert reverse("account_signup") not in client.get(LOGIN).content.decode()
    settings.SIGNUP_OPEN = True
    assert reverse("account_signup") in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_the_saved_language_follows_the_person_to_a_new_device(client, password, settings):
    user = UserFactory(english=True, name="Chen")
    response = sign_in(client, user.email, password)
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert "Successfully signed in as Chen" in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_device_left_in_another_language_does_not_override_the_saved_one(
    client, password, settings
):
    user = UserFactory(english=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # from an earlier visit
    sign_in(client, user.email, password)
    user.refresh_from_db()
    assert user.language == "en"
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_switching_language_while_signed_in_is_kept_for_the_next_sign_in(
    client, password, settings
):
    user = UserFactory()
    sign_in(client, user.email, password)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    other_device = type(client)()
    sign_in(other_device, user.email, password)
    assert 'lang="en"' in other_device.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "site", "greeting"),
    [
        ("en", "Student Party-Member Workstation", "Hello from Student Party-Member Workstation!"),
        ("zh-hans", "学生党员工作站", "你好，这里是学生党员工作站。"),  # noqa: RUF001
    ],
)
def test_account_e_mails_name_the_portal_in_their_language(
    client, mailoutbox, settings, language, site, greeting
):
    settings.SITE_NAME_EN = "Student Party-Member Workstation"
    user = UserFactory()
    client.post(
        reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE=language
    )
    message = mailoutbox[0]
    assert message.subject.startswith(f"[{site}] ")
    assert message.body.startswith(greeting)
    assert "testserver" not in message.subject
