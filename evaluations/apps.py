from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Mutual evaluation")

    def ready(self) -> None:
        from common.glance import register as register_glance
        from members import timeline

        from .appraisal import appraisal_steps
        from .glance import EvaluationsGlance

        # The final appraisal grade appears on the member's development timeline.
        timeline.register(appraisal_steps)
        # Its panel and next actions on the workstation's pages (see common.glance).
        register_glance(EvaluationsGlance())
