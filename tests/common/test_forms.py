"""A lean select writes what Django's own select writes, without a template per option."""

import re

import pytest
from django import forms

from common.forms import LeanSelect, LeanSelectMultiple
from members.models import Branch
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

GROUPED = [("", "全部"), ("年级", [("2023", "2023级"), ("2024", "2024 & <later>")])]


def _tags(html: object) -> str:
    """The HTML without the line breaks and indentation between tags."""
    return re.sub(r">\s+<", "><", str(html)).strip()


class _Plain(forms.Form):
    one = forms.ModelChoiceField(queryset=Branch.objects.order_by("name"), required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    several = forms.ModelMultipleChoiceField(queryset=Branch.objects.order_by("name"))


class _Lean(forms.Form):
    one = forms.ModelChoiceField(
        queryset=Branch.objects.order_by("name"), required=False, widget=LeanSelect
    )
    grouped = forms.ChoiceField(choices=GROUPED, widget=LeanSelect)
    several = forms.ModelMultipleChoiceField(
        queryset=Branch.objects.order_by("name"), widget=LeanSelectMultiple
    )


@pytest.mark.parametrize("name", ["one", "grouped", "several"])
def test_a_lean_select_writes_djangos_html(name):
    first, second = BranchFactory(name="第一党支部"), BranchFactory(name="第二<党>支部")
    data = {"one": str(second.pk), "grouped": "2024", "several": [str(first.pk), str(second.pk)]}
    plain, lean = _Plain(data), _Lean(data)
    for form in (plain, lean):
        form.fields[name].widget.attrs["class"] = "form-select"
    assert _tags(lean[name]) == _tags(plain[name])
    assert "selected" in str(lean[name])
    assert "&lt;" in str(lean[name])
