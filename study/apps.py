from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("Study track")

    def ready(self) -> None:
        from members.timeline import register

        from .progress import sign_off_timeline

        register(sign_off_timeline)
