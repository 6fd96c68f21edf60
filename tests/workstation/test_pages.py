import re
from pathlib import Path

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_visitor_sees_what_the_workstation_is(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "崇实书院" in page
    assert reverse("account_login") in page


@pytest.mark.django_db
def test_the_home_shows_my_unread_notices_only(student_client, student):
    from tests.factories import NoticeFactory

    NoticeFactory(recipient=student, title="Mine, unread")
    NoticeFactory(recipient=student, title="Mine, read", read_at="2026-01-01T00:00:00Z")
    NoticeFactory(title="Somebody else's")
    page = student_client.get("/").content.decode()
    assert "Mine, unread" in page
    assert "Mine, read" not in page
    assert "Somebody else&#x27;s" not in page and "Somebody else's" not in page


@pytest.mark.django_db
def test_the_language_switch_changes_the_page_and_keeps_the_choice(student_client, student):
    assert "通知" in student_client.get("/").content.decode()
    response = student_client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, follow=True
    )
    assert "Notices" in response.content.decode()
    student.refresh_from_db()
    assert student.language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "页面不存在"), ("en", "Page not found")]
)
def test_not_found_page_in_both_languages(client, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("zh-hans", "无权操作"), ("en", "Not allowed")])
def test_forbidden_page_in_both_languages(student_client, language, text):
    response = student_client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "出错了"), ("en", "Something went wrong")]
)
def test_server_error_page_in_both_languages(rf, language, text):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


@pytest.mark.django_db
def test_pages_name_an_icon_that_is_served(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon, "the page names no icon, so browsers ask for /favicon.ico and get a 404"
    response = client.get(icon.group(1))
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_landing_page_describes_only_what_the_portal_offers(client):
    cards = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cards = cards.split('data-testid="landing-cards"', 1)[1]
    assert "Study in three stages" in cards
    assert "Your voice, answered" in cards
    assert "Peer tutoring" in cards and "dorm inspections" not in cards
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "朋辈辅导" in chinese and "宿舍检查" not in chinese


@pytest.mark.django_db
def test_the_landing_page_follows_the_installed_parts(client):
    from django.test import modify_settings

    with modify_settings(INSTALLED_APPS={"remove": ["feedback"]}):
        cards = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Study in three stages" in cards
    assert "Your voice, answered" not in cards


@pytest.mark.django_db
def test_the_site_icon_is_served_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


@pytest.mark.django_db
def test_admin_pages_name_the_portals_icon(staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.[0-9a-f]+\.svg"', page)


def test_no_page_title_holds_markup():
    """A tag inside `{% block title %}` shows as text in the browser tab."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    titles = re.compile(r"{% block (?:title|head_title) %}(.*?){% endblock", re.DOTALL)
    for template in templates.rglob("*.html"):
        for title in titles.findall(template.read_text()):
            assert "<" not in title, f"{template.relative_to(templates)}: {title}"


@pytest.mark.django_db
def test_the_study_entry_forms_tab_shows_only_its_title(member_client):
    page = member_client.get(reverse("study:entry-new")).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)
    assert title.startswith("记录学习 · ")
    assert "<" not in title


@pytest.mark.django_db
def test_english_pages_and_e_mails_carry_the_english_names(client, settings, mailoutbox):
    from notifications.services import notify, send_notice_email
    from tests.factories import UserFactory

    settings.SITE_NAME_EN = "Student Party-Member Workstation"
    settings.COLLEGE_NAME_EN = "Chongshi College"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Welcome · Chongshi College</title>" in page
    assert "Student Party-Member Workstation</h1>" in page
    assert "学生党员工作站" not in page and "崇实书院" not in page

    english = UserFactory(language="en")
    notice = notify(recipient=english, kind="welcome", key="welcome:english")
    assert notice.title == "Welcome to the Student Party-Member Workstation"
    send_notice_email(notice_id=notice.pk)
    assert mailoutbox[0].subject.startswith("[Student Party-Member Workstation]")
    assert "Chongshi College · Student Party-Member Workstation" in mailoutbox[0].body
    # Chinese pages and e-mails keep the Chinese names.
    assert "学生党员工作站</h1>" in client.get("/").content.decode()
    chinese = UserFactory(language="zh-hans")
    notice = notify(recipient=chinese, kind="welcome", key="welcome:chinese")
    send_notice_email(notice_id=notice.pk)
    assert "崇实书院 · 学生党员工作站" in mailoutbox[1].body


@pytest.mark.django_db
def test_the_english_admin_is_titled_in_english(staff_client, settings):
    settings.STAFF_REQUIRE_2FA = False
    page = staff_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Student Party-Member Workstation administration" in page
    assert "学生党员工作站" not in page
