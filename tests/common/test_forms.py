"""The portal's drop-down list writes exactly the HTML of Django's, in every case a page meets."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common.forms import BootstrapForm, Select
from members.models import User
from tests.factories import UserFactory

CHOICES = [
    ("", gettext_lazy("All statuses")),
    ("a&b", 'A<b>"c"'),
    ("safe", mark_safe("<em>kept</em>")),
    (mark_safe("x&amp;y"), "safe value"),
    (2023, 2023),
    (Decimal("1.5"), Decimal("1.5")),
    (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1)),
    ((1, 2), "a tuple"),
    ("分组 <1>", [(1, "一"), (2, "二")]),
    ("", [(3, "no group name")]),
]
ATTRS = [
    {},
    {"class": "form-select", "required": True, "disabled": False, "data-x": 'a"b<'},
    {"class": "form-select is-invalid", "aria-describedby": "id_f_error", "id": "id_f"},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "a&b", 2023, 1, [1, "safe"], "not a choice"])
def test_the_html_is_djangos(language, attrs, value):
    with translation.override(language):
        ours = Select(attrs=dict(attrs), choices=CHOICES).render("f<", value, {"title": "<t>"})
        django = forms.Select(attrs=dict(attrs), choices=CHOICES).render(
            "f<", value, {"title": "<t>"}
        )
    assert ours == django


class PeopleForm(BootstrapForm):
    person = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A")])


@pytest.mark.django_db
def test_a_forms_lists_of_people_are_djangos_html():
    people = [UserFactory(name='张"三<'), UserFactory(name="李四")]
    ours = PeopleForm({"person": people[1].pk, "kind": "x"})
    ours.is_valid()  # marks "kind" invalid, as a page shows it
    theirs = PeopleForm({"person": people[1].pk, "kind": "x"})
    theirs.is_valid()
    for name in ("person", "kind"):
        theirs.fields[name].widget.__class__ = forms.Select
    assert type(ours.fields["person"].widget) is Select
    assert type(ours.fields["many"].widget) is forms.SelectMultiple
    for name in ("person", "kind", "many"):
        assert str(ours[name]) == str(theirs[name])
    assert "is-invalid" in str(ours["kind"])
