import pytest

from feedback.models import Category
from members.models import PoliticalStatus

from ..factories import UserFactory
from .factories import CategoryFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded photos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def handler(db):
    """A workstation member who handles the category `services`."""
    return UserFactory(name="赵处理", political_status=PoliticalStatus.FULL)


@pytest.fixture
def services(handler) -> Category:
    return CategoryFactory(name="后勤服务", name_en="Campus services", handlers=[handler])


@pytest.fixture
def other_category(db) -> Category:
    return CategoryFactory(name="教学", name_en="Teaching")
