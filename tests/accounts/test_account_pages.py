import re

import pytest
from django.urls import reverse

ACTIVE = re.compile(r'nav-link active"\s+aria-current="page"\s+href="([^"]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("account_email", "account_email"),
        ("account_change_password", "account_change_password"),
        ("mfa_index", "mfa_index"),
    ],
)
def test_account_settings_menu_marks_the_current_section(student_client, page, section):
    html = student_client.get(reverse(page)).content.decode()
    assert ACTIVE.findall(html) == [reverse(section)]


@pytest.mark.django_db
def test_form_fields_show_their_help_text(client, settings):
    settings.SIGNUP_OPEN = True
    html = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="id_username_helptext"' in html
    assert "The number on your student card." in html
