"""Staff must not become more than staff: in the people admin only superusers see or change
anyone's rights, a superuser's or another staff member's account, or someone else's password."""

import pytest
from django.contrib.auth.models import Group, Permission

from members.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = "/admin/members/user/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def clerk(staff, settings) -> User:
    """Plain college staff: every permission on people, none on groups or permissions."""
    settings.STAFF_REQUIRE_2FA = False
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="members"))
    return staff


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(staff=True, is_superuser=True, name="管理员")


def change_data(person: User, **overrides) -> dict:
    """The change form as a browser would send it back, with `overrides` (the forged part)."""
    data = {
        "email": person.email,
        "name": person.name,
        "student_number": person.student_number or "",
        "staff_number": person.staff_number or "",
        "gender": person.gender,
        "phone": person.phone,
        "language": person.language,
        "college": person.college,
        "major": person.major,
        "class_name": person.class_name,
        "grade": person.grade or "",
        "political_status": person.political_status,
        "workstation_role": person.workstation_role,
        "is_active": "on",
    }
    return data | overrides


def test_staff_cannot_make_himself_superuser(clerk, staff_client):
    everything = Permission.objects.values_list("pk", flat=True)
    group = Group.objects.create(name="All powers")
    group.permissions.set(everything)
    response = staff_client.post(
        f"{PEOPLE}{clerk.pk}/change/",
        change_data(
            clerk,
            is_superuser="on",
            is_staff="on",
            groups=[str(group.pk)],
            user_permissions=[str(pk) for pk in everything],
        ),
    )
    assert response.status_code == 302  # the rest of the form is saved...
    clerk.refresh_from_db()
    assert not clerk.is_superuser  # ...but not his rights
    assert not clerk.groups.exists()
    assert not clerk.has_perm("auth.change_group")


def test_staff_cannot_make_a_student_staff(clerk, staff_client, student):
    staff_client.post(
        f"{PEOPLE}{student.pk}/change/", change_data(student, is_staff="on", is_superuser="on")
    )
    student.refresh_from_db()
    assert (student.is_staff, student.is_superuser) == (False, False)


def test_staff_do_not_see_anyones_rights(clerk, staff_client, student):
    page = staff_client.get(f"{PEOPLE}{student.pk}/change/", **EN).content.decode()
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page
    listing = staff_client.get(PEOPLE, **EN).content.decode()
    assert "is_superuser__exact" not in listing
    assert "groups__id__exact" not in listing


def test_a_superuser_sees_and_grants_rights(superuser, student, settings):
    settings.STAFF_REQUIRE_2FA = False
    from django.test import Client

    client = Client()
    client.force_login(superuser)
    page = client.get(f"{PEOPLE}{student.pk}/change/").content.decode()
    assert 'name="is_superuser"' in page
    client.post(f"{PEOPLE}{student.pk}/change/", change_data(student, is_staff="on"))
    student.refresh_from_db()
    assert student.is_staff


def test_staff_cannot_change_a_superuser(clerk, staff_client, superuser):
    url = f"{PEOPLE}{superuser.pk}/change/"
    page = staff_client.get(url, **EN)
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()  # read-only
    response = staff_client.post(url, change_data(superuser, email="mine@example.edu.cn"))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email != "mine@example.edu.cn"


def test_staff_cannot_open_a_superusers_password_page(clerk, staff_client, superuser):
    url = f"{PEOPLE}{superuser.pk}/password/"
    assert staff_client.get(url).status_code == 403
    response = staff_client.post(url, {"password1": "Tak3n-0ver!", "password2": "Tak3n-0ver!"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.check_password("Tak3n-0ver!")


def test_staff_set_no_students_password(clerk, staff_client, student):
    """A password set by staff would let them sign in as the student."""
    url = f"{PEOPLE}{student.pk}/password/"
    assert staff_client.get(url).status_code == 403
    staff_client.post(url, {"password1": "Tak3n-0ver!", "password2": "Tak3n-0ver!"})
    student.refresh_from_db()
    assert not student.check_password("Tak3n-0ver!")


def test_staff_cannot_change_or_delete_a_colleague(clerk, staff_client):
    colleague = UserFactory(staff=True, name="赵老师")
    response = staff_client.post(
        f"{PEOPLE}{colleague.pk}/change/", change_data(colleague, email="mine@example.edu.cn")
    )
    assert response.status_code == 403
    assert staff_client.post(f"{PEOPLE}{colleague.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.get(pk=colleague.pk).email != "mine@example.edu.cn"


def test_a_history_revert_restores_no_rights(clerk, staff_client, superuser):
    """Reverting a former superuser to an old version must not make him superuser again."""
    former = UserFactory(staff=True, is_superuser=True, name="前管理员")
    former.is_superuser = False
    former.is_staff = False
    former.save(update_fields=["is_superuser", "is_staff"])
    old = former.history.order_by("history_id").first()
    staff_client.post(
        f"{PEOPLE}{former.pk}/history/{old.history_id}/", change_data(former, _change_history="1")
    )
    former.refresh_from_db()
    assert (former.is_superuser, former.is_staff) == (False, False)


def test_staff_cannot_change_groups(clerk, staff_client):
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    response = staff_client.post(
        "/admin/auth/group/add/",
        {"name": "Mine", "permissions": [str(p.pk) for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="Mine").exists()


def test_a_word_as_history_version_is_not_found(clerk, staff_client, student):
    """It once failed looking up a version numbered "password"."""
    response = staff_client.get(f"{PEOPLE}{student.pk}/history/password/", follow=True, **EN)
    assert response.status_code == 200
    assert "doesn\u2019t exist" in response.content.decode()
