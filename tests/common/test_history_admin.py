"""Every admin that keeps a change history takes only numbers as version ids: any other word in
a version's place is a page that does not exist, never a server error."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.history import HistoryAdmin
from tests.factories import UserFactory
from tests.feedback.factories import CategoryFactory
from tests.study.factories import StudyPlanFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_every_history_admin_takes_only_numbers_as_versions():
    with_history = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert with_history
    assert [type(a).__name__ for a in with_history if not isinstance(a, HistoryAdmin)] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "url"),
    [
        (StudyPlanFactory, "/admin/study/studyplan/{pk}/history/password/"),
        (CategoryFactory, "/admin/feedback/category/{pk}/history/password/"),
    ],
)
def test_a_word_as_history_version_is_not_found(client, factory, url):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(url.format(pk=factory().pk), follow=True, **EN)
    assert response.status_code == 200
    assert "doesn\u2019t exist" in response.content.decode()


@pytest.mark.django_db
def test_a_version_is_shown_and_never_reverted_to(client):
    """A revert would save the old version through the form: read-only fields restored, a
    deleted row back, the services passed round. Versions are read, not restored, even by a
    superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    plan = StudyPlanFactory(name="旧名字")
    plan.name = "新名字"
    plan.save()
    old = plan.history.order_by("history_id").first()
    url = f"/admin/study/studyplan/{plan.pk}/history/{old.history_id}/"
    page = client.get(url, **EN)
    assert page.status_code == 200
    assert "旧名字" in page.content.decode()
    assert "Revert" not in page.content.decode()
    response = client.post(url, {"name": "旧名字", "_change_history": "1"}, **EN)
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.name == "新名字"
    listing = client.get(f"/admin/study/studyplan/{plan.pk}/history/", **EN).content.decode()
    assert "Press the 'Revert' button" not in listing and "Revert" not in listing
