"""The navigation's menus are rendered once per language and set of links, and each reader still
sees his own: the links he may open, in his language, the current page's menu marked."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_each_reader_sees_his_own_menus(student_client, reviewer_client, staff_client):
    for _round in range(2):  # the second time from what was kept
        student = student_client.get(reverse("home"), **EN).content.decode()
        assert 'data-testid="nav-board"' in student
        assert 'data-testid="nav-review"' not in student
        assert 'data-testid="menu-manage"' not in student

        queue = reviewer_client.get(reverse("study:review"), **EN).content.decode()
        assert 'data-testid="nav-review"' in queue
        assert 'data-testid="nav-admin"' not in queue
        assert 'class="nav-link dropdown-toggle active"' in queue  # "Manage" holds this page

        home = reviewer_client.get(reverse("home"), **EN).content.decode()
        assert 'class="nav-link dropdown-toggle active"' not in home

        staff = staff_client.get(reverse("home"), **ZH).content.decode()
        assert 'data-testid="nav-admin"' in staff
        assert "管理" in staff
        staff_en = staff_client.get(reverse("home"), **EN).content.decode()
        assert ">Manage</button>" in staff_en
