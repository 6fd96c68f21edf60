"""Filters in an admin list's address ask only what the list shows or filters by: a hidden
field, or a relation the list does not show, tells nothing, a character or a row at a time."""

import pytest
from django.contrib import admin

from common.admin_lists import ShownLookupsMixin
from members.models import User
from notifications.models import Notice
from tests.factories import NoticeFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_every_admin_takes_only_the_lookups_it_shows():
    lacking = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, ShownLookupsMixin)
    ]
    assert lacking == []


@pytest.fixture
def superuser_client(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_the_people_list_does_not_filter_by_a_relation_it_does_not_show(superuser_client):
    """Who received a notice the notice list hides (a private one) is not told by filtering the
    people by their notices."""
    told, other = UserFactory(), UserFactory()
    notice = NoticeFactory(recipient=told)
    response = superuser_client.get("/admin/members/user/", {"notices": notice.pk}, **EN)
    assert response.status_code == 400
    assert told.email not in response.content.decode()
    assert Notice.objects.filter(recipient=other).count() == 0
    # What the list shows and filters by still filters.
    listed = superuser_client.get("/admin/members/user/", {"is_staff__exact": "0"})
    assert set(listed.context["cl"].result_list) == {told, other}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/admin/members/user/", {"password__startswith": "pbkdf2"}),
        ("/admin/members/user/", {"notices__title__contains": "x"}),
        ("/admin/feedback/suggestion/", {"author_token__startswith": "a"}),
        ("/admin/feedback/suggestion/", {"author_token": "0" * 64}),
        ("/admin/notifications/notice/", {"dedup_key__startswith": "feedback"}),
    ],
)
def test_a_hidden_field_is_not_a_filter(superuser_client, url, query):
    assert superuser_client.get(url, query).status_code == 400


@pytest.mark.django_db
def test_staff_follow_the_portals_own_links_into_the_admin(superuser_client):
    person = UserFactory()
    User.objects.filter(pk=person.pk).update(grade=2023)
    for query in [{"grade": "2023"}, {"q": person.name}, {"political_status__exact": "masses"}]:
        assert superuser_client.get("/admin/members/user/", query).status_code == 200
