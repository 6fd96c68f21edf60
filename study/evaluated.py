"""The study plans as a population of the evaluations: a campaign may evaluate the people
following a plan (`evaluations.populations`)."""

from django.contrib.auth import get_user_model

from .models import StudyPlan


class StudyPlanPeople:
    def choices(self) -> list[tuple[int, str]]:
        return list(StudyPlan.objects.order_by("-starts_on", "name").values_list("pk", "name"))

    def people(self, plan_id: int):
        return get_user_model().objects.filter(enrollments__plan_id=plan_id).distinct()

    def name_of(self, plan_id: int) -> str:
        return StudyPlan.objects.filter(pk=plan_id).values_list("name", flat=True).first() or ""
