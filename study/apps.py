from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("Study track")
    # What the landing page says this part offers (see workstation.views.landing_cards).
    landing_card = (
        _("Study in three stages"),
        _(
            "The Party constitution and rules, then the series of speeches, then practice as a "
            "qualified member."
        ),
    )

    def ready(self) -> None:
        from members.timeline import register

        from .progress import sign_off_timeline

        register(sign_off_timeline)
