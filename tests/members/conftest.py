"""Fixtures shared by the members tests: the branches a roster names, and a staff member who may
import rosters."""

import pytest
from django.contrib.auth.models import Permission

from members.models import Branch, User


@pytest.fixture
def branches(db) -> tuple[Branch, Branch]:
    return (
        Branch.objects.get_or_create(name="本科生第一党支部")[0],
        Branch.objects.get_or_create(name="本科生第二党支部")[0],
    )


@pytest.fixture
def importer(staff, settings) -> User:
    """A staff member who may see people and import rosters, and nothing more."""
    settings.STAFF_REQUIRE_2FA = False
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "import_user"])
    )
    return staff


@pytest.fixture
def importer_client(importer, staff_client):
    return staff_client
