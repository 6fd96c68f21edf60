"""Every URL of the portal, for every role, against the expected-access table.

A URL pattern missing from the table fails the run: a new page must state who may open it.
The third-party trees mounted under admin/ and accounts/ are covered by their own tests.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import NoticeFactory

ROLES = ["visitor", "student", "member", "reviewer", "staff"]
THIRD_PARTY_PREFIXES = ("admin/", "accounts/")

# What a GET returns: "ok" 200, "login" a redirect to sign-in, "405" wrong method, "404".
SIGNED_IN_ONLY = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "ok")
POST_ONLY = {"visitor": "login"} | dict.fromkeys(ROLES[1:], "405")
EXPECTED: dict[str, dict[str, str]] = {
    "home": dict.fromkeys(ROLES, "ok"),
    "healthz": dict.fromkeys(ROLES, "ok"),
    "set_language": dict.fromkeys(ROLES, "405"),
    "notifications:inbox": SIGNED_IN_ONLY,
    "notifications:open": POST_ONLY,
    "notifications:read-all": POST_ONLY,
}


def portal_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(THIRD_PARTY_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL {route} has no name"
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_is_in_the_table():
    assert portal_url_names() == set(EXPECTED)


@pytest.fixture
def url_kwargs(student):
    """Arguments for URLs that address an object: one owned by the student."""
    notice = NoticeFactory(recipient=student)
    return {"notifications:open": {"pk": notice.pk}}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_table(role, request, url_kwargs):
    client = request.getfixturevalue(f"{role}_client")
    for name, expected in EXPECTED.items():
        url = reverse(name, kwargs=url_kwargs.get(name))
        response = client.get(url)
        outcome = {200: "ok", 405: "405", 404: "404"}.get(response.status_code, "other")
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            outcome = "login"
        assert outcome == expected[role], f"{role} GET {url}: {response.status_code}"


@pytest.mark.django_db
def test_another_persons_notice_is_not_found(member_client, url_kwargs):
    url = reverse("notifications:open", kwargs=url_kwargs["notifications:open"])
    assert member_client.post(url).status_code == 404
