from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Suggestion board")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
