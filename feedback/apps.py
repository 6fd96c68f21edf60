from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Suggestion board")
    # What the landing page says this part offers (see workstation.views.landing_cards).
    landing_card = (
        _("Your voice, answered"),
        _("Raise suggestions on teaching, management and services, and follow the answers."),
    )

    def ready(self) -> None:
        from common.glance import register

        from . import checks  # noqa: F401 - registers the checks
        from .glance import FeedbackGlance

        # Its panel and next actions on the workstation's pages (see common.glance).
        register(FeedbackGlance())
