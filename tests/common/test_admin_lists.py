"""A lean changelist's row checkbox is the HTML Django's own widget writes."""

import pytest
from django.contrib import admin
from django.utils import translation

from common.admin_lists import LeanChangelistMixin
from members.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_row_checkbox_is_the_one_django_writes(language):
    person = UserFactory(name='<b>"张&三"</b>')
    lean = type("Lean", (LeanChangelistMixin, admin.ModelAdmin), {})(User, admin.site)
    plain = admin.ModelAdmin(User, admin.site)
    with translation.override(language):
        assert lean.action_checkbox(person) == plain.action_checkbox(person)
    assert "&lt;b&gt;" in lean.action_checkbox(person)
