from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TutoringConfig(AppConfig):
    name = "tutoring"
    verbose_name = _("Peer tutoring")
    # What the landing page says this part offers (see workstation.views.landing_cards).
    landing_card = (
        _("Peer tutoring"),
        _(
            "Ask a workstation member of a higher year for help with study planning, career "
            "planning or a course, and keep in touch."
        ),
    )

    def ready(self) -> None:
        from common.glance import register

        from .glance import TutoringGlance

        # Its panel and next actions on the workstation's pages (see common.glance).
        register(TutoringGlance())
