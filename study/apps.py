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
        from common.glance import register as register_glance
        from dorms.practice import assistance_confirmed, inspections_completed
        from evaluations.populations import register_study_plans
        from evaluations.practice import qualified_grades
        from feedback.practice import suggestions_answered
        from members.timeline import register
        from members.training import register as register_training
        from tutoring.practice import tutoring_hours, tutoring_sessions

        from . import checks  # noqa: F401 - registers the checks
        from .evaluated import StudyPlanPeople
        from .glance import StudyGlance
        from .practice import register as register_practice_source
        from .progress import sign_off_timeline, training_hours

        register(sign_off_timeline)
        # Its panel and next actions on the workstation's pages (see common.glance).
        register_glance(StudyGlance())
        register_training(training_hours)
        # Stage 3's practice sources, one line per app that keeps practice records.
        register_practice_source(suggestions_answered)
        register_practice_source(tutoring_sessions)
        register_practice_source(tutoring_hours)
        register_practice_source(inspections_completed)
        register_practice_source(assistance_confirmed)
        register_practice_source(qualified_grades)
        # The people a campaign of mutual evaluation may evaluate: those following a plan.
        register_study_plans(StudyPlanPeople())
