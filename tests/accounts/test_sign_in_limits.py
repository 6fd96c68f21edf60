"""The limits on failed sign-ins: keyed on the client address the proxy reports, high enough for
a campus NAT, one per account whichever identifier is typed, never refusing a person on his own
device for someone else's failures, the same work for an unknown account, and the admin's
sign-in held to them too."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.test import Client

from members.adapters import KNOWN_DEVICE_COOKIE
from tests.factories import PASSWORD
from tests.factories import UserFactory as BaseUserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOO_MANY = "Too many failed sign-ins"


class CountingHasher(MD5PasswordHasher):
    """A fast hasher that counts how often a password is hashed."""

    algorithm = "counting-md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_sign_in_limits.CountingHasher"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def UserFactory(**fields):
    """A person whose password is hashed with the counting hasher, and who reads English (the
    language a sign-in sets on his device)."""
    return BaseUserFactory(password=make_password(PASSWORD), language="en", **fields)


def attempt(client: Client, login: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        LOGIN,
        {"login": login, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_FORWARDED_FOR=address,
        REMOTE_ADDR="127.0.0.1",  # the proxy
    )


def signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


def refused_for_too_many(response) -> bool:
    return TOO_MANY in response.content.decode()


def fail_from(address: str, times: int) -> None:
    """`times` failed sign-ins from `address`, each against another (unknown) account."""
    client = Client()
    for n in range(times):
        response = attempt(client, f"nobody{n}@example.cn", "wrong", address)
        assert not refused_for_too_many(response)


def test_the_address_limit_keys_on_the_address_the_proxy_reports(settings, password):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,5/300s/key"}
    fail_from("10.0.0.1", 3)
    person = UserFactory()
    behind_the_same_proxy = attempt(Client(), person.email, password, "10.0.0.2")
    assert signed_in(behind_the_same_proxy)
    from_the_failing_address = attempt(Client(), person.email, password, "10.0.0.1")
    assert refused_for_too_many(from_the_failing_address)
    assert not signed_in(from_the_failing_address)


def test_a_proxy_count_higher_than_the_forwarded_addresses_is_no_server_error(settings, password):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    person = UserFactory()
    response = attempt(Client(), person.email, password, "10.0.0.1")
    assert signed_in(response)


def test_a_campus_nat_of_students_is_not_held_back(password):
    """Many students behind one address mistyping now and then: 59 failures in a minute."""
    fail_from("10.0.0.1", 59)
    person = UserFactory()
    assert signed_in(attempt(Client(), person.email, password, "10.0.0.1"))


def test_the_account_limit_counts_the_email_and_the_student_number_together(password):
    person = UserFactory(student_number="20239999")
    guesser = Client()
    for login in [person.email, "20239999", person.email.upper(), "20239999", person.email]:
        attempt(guesser, login, "wrong", "10.0.0.7")
    for login in [person.email, "20239999"]:
        response = attempt(Client(), login, password, "10.0.0.8")
        assert refused_for_too_many(response), login
        assert not signed_in(response)


def test_on_his_own_device_nobody_elses_failures_refuse_him(settings, password):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,5/300s/key"}
    person = UserFactory(student_number="20238888")
    his_phone = Client()
    assert signed_in(attempt(his_phone, "20238888", password, "10.0.0.1"))
    assert KNOWN_DEVICE_COOKIE in his_phone.cookies
    his_phone.post("/accounts/logout/")
    # Someone behind the same address guesses at his account and at others'.
    guesser = Client()
    for _ in range(5):
        attempt(guesser, person.email, "wrong", "10.0.0.1")
    fail_from("10.0.0.9", 0)
    assert refused_for_too_many(attempt(Client(), person.email, password, "10.0.0.1"))
    response = attempt(his_phone, person.email, password, "10.0.0.1")
    assert signed_in(response)


def test_a_known_device_is_still_held_to_its_own_failures(password):
    person = UserFactory()
    device = Client()
    assert signed_in(attempt(device, person.email, password))
    device.post("/accounts/logout/")
    for _ in range(5):
        attempt(device, person.email, "wrong")
    response = attempt(device, person.email, password)
    assert refused_for_too_many(response)
    assert not signed_in(response)


def test_a_forged_known_device_cookie_counts_for_nothing(settings, password):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,5/300s/key"}
    person = UserFactory()
    fail_from("10.0.0.1", 3)
    forger = Client()
    forger.cookies[KNOWN_DEVICE_COOKIE] = f"[{person.pk},%22x%22]:forged:signature"
    assert refused_for_too_many(attempt(forger, person.email, password, "10.0.0.1"))


@pytest.mark.parametrize("login", ["unknown@example.cn", "20990000", "", "x" * 200])
def test_an_unknown_account_costs_the_same_work_as_a_real_one(login):
    UserFactory(email="known@example.cn", student_number="20230000")
    CountingHasher.calls = 0
    attempt(Client(), "known@example.cn", "wrong")
    real = CountingHasher.calls
    CountingHasher.calls = 0
    attempt(Client(), "20230000", "wrong")
    real_by_number = CountingHasher.calls
    CountingHasher.calls = 0
    attempt(Client(), login, "wrong")
    if login:
        assert CountingHasher.calls == real == real_by_number == 1
    else:
        assert CountingHasher.calls == 0  # refused by the form before any account is looked up


def test_the_admin_sign_in_is_the_portals_with_its_limits(settings, password):
    settings.STAFF_REQUIRE_2FA = False
    staff = UserFactory(staff=True)
    for _ in range(5):
        attempt(Client(), staff.email, "wrong", "10.0.0.3")
    admin = Client()
    response = admin.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": password},
        HTTP_X_FORWARDED_FOR="10.0.0.4",
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(response)
    assert refused_for_too_many(attempt(admin, staff.email, password, "10.0.0.4"))
    assert admin.get("/admin/").status_code == 302
