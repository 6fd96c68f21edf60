from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DormsConfig(AppConfig):
    name = "dorms"
    verbose_name = _("Dorms")
    # What the landing page says this part offers (see workstation.views.landing_cards).
    landing_card = (
        _("Dorms looked after"),
        _(
            "Members look after dorm rooms, inspect them on their phones and help the rooms "
            "that need it most."
        ),
    )

    def ready(self) -> None:
        from common.glance import register

        from .glance import DormsGlance

        # Its panel and next actions on the workstation's pages (see common.glance).
        register(DormsGlance())
