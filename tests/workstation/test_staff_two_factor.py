"""With STAFF_REQUIRE_2FA on, staff without two-factor open nothing but their own account:
not the admin, not a staff page, not an export."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/admin/",
    "/people/",
    "/people/export/",
    "/suggestions/queue/",
    "/suggestions/queue/export/",
    "/suggestions/statistics/",
    "/study/overview/",
    "/study/overview/entries.xlsx",
    "/study/overview/progress.xlsx",
    "/study/review/",
    "/",
]


@pytest.fixture
def required(settings) -> None:
    settings.STAFF_REQUIRE_2FA = True


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_without_two_factor_are_sent_to_set_it_up(required, staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_with_two_factor_open_the_staff_pages(required, staff, staff_client, url):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "X"})
    assert staff_client.get(url).status_code == 200


def test_staff_without_two_factor_still_reach_their_account(required, staff_client):
    assert staff_client.get(reverse("mfa_index")).status_code == 200
    assert staff_client.get(reverse("account_email")).status_code == 200
    assert staff_client.post(reverse("account_logout")).status_code == 302


def test_students_are_not_asked_for_two_factor(required, student_client):
    assert student_client.get("/suggestions/").status_code == 200


def test_the_rule_is_off_when_the_setting_is(staff_client):
    assert staff_client.get("/people/export/").status_code == 200
