"""Staff must not take over an account by changing its e-mail address in the admin: the new
address is unverified, no sign-in code or password reset goes to it, the old address is told,
and the change is in the history with who made it."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from members.models import User
from notifications.services import send_pending_emails

from .test_staff_rights import change_data

pytestmark = pytest.mark.django_db

ATTACKER = "mine@example.edu.cn"


@pytest.fixture
def clerk(staff, settings) -> User:
    settings.STAFF_REQUIRE_2FA = False
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="members"))
    return staff


def change_email(client, person: User, email: str) -> None:
    response = client.post(
        f"/admin/members/user/{person.pk}/change/", change_data(person, email=email)
    )
    assert response.status_code == 302
    send_pending_emails()


def sign_in_code(mailoutbox, address: str) -> str | None:
    for message in mailoutbox:
        if message.to == [address]:
            words = message.body.split()
            return next((w for w in words if len(w) >= 6 and w.isupper()), None)
    return None


def test_a_code_cannot_be_asked_for_an_address_staff_put_on_an_account(
    clerk, staff_client, student, mailoutbox
):
    old = student.email
    change_email(staff_client, student, ATTACKER)
    mailoutbox.clear()

    attacker = Client()
    attacker.post(reverse("account_request_login_code"), {"email": ATTACKER}, follow=True)
    code = sign_in_code(mailoutbox, ATTACKER)
    if code is not None:
        attacker.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert "_auth_user_id" not in attacker.session
    assert not EmailAddress.objects.filter(email=ATTACKER, verified=True).exists()

    # The person still signs in with a code to his own, verified address.
    own = Client()
    own.post(reverse("account_request_login_code"), {"email": old}, follow=True)
    own.post(
        reverse("account_confirm_login_code"), {"code": sign_in_code(mailoutbox, old)}, follow=True
    )
    assert own.session["_auth_user_id"] == str(student.pk)


def test_no_password_reset_goes_to_an_address_staff_put_on_an_account(
    clerk, staff_client, student, mailoutbox
):
    change_email(staff_client, student, ATTACKER)
    mailoutbox.clear()
    Client().post(reverse("account_reset_password"), {"email": ATTACKER})
    assert not any("/accounts/password/reset/key/" in m.body for m in mailoutbox)


def test_the_old_address_is_told_and_the_history_names_who(
    clerk, staff_client, student, mailoutbox
):
    old = student.email
    change_email(staff_client, student, ATTACKER)
    [told] = [m for m in mailoutbox if m.to == [old]]
    assert ATTACKER in told.body
    assert "王老师" in told.body
    latest = student.history.first()
    assert (latest.email, latest.history_user) == (ATTACKER, clerk)
    assert student.notices.filter(kind="email-changed").exists()


def test_putting_the_address_back_leaves_no_trace_of_the_other(
    clerk, staff_client, student, mailoutbox
):
    old = student.email
    change_email(staff_client, student, ATTACKER)
    student.refresh_from_db()
    change_email(staff_client, student, old)
    assert list(EmailAddress.objects.filter(user=student).values_list("email", "verified")) == [
        (old, True)
    ]


def test_the_person_confirms_the_new_address_himself(clerk, staff_client, student, mailoutbox):
    new = "chen.new@example.edu.cn"
    change_email(staff_client, student, new)
    mailoutbox.clear()
    own = Client()
    own.force_login(student)
    own.post(reverse("account_email"), {"action_send": "", "email": new})
    [message] = [m for m in mailoutbox if m.to == [new]]
    link = next(word for word in message.body.split() if "/accounts/confirm-email/" in word)
    own.post(link[link.index("/accounts/") :])
    assert EmailAddress.objects.get(email=new).verified
    mailoutbox.clear()
    Client().post(reverse("account_request_login_code"), {"email": new})
    assert sign_in_code(mailoutbox, new) is not None
