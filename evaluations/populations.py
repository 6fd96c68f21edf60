"""Who a campaign evaluates when it names a study plan.

The study app sits above this one, so it registers its plans here (in its AppConfig.ready) as a
source with `choices()` -> [(plan id, name)] and `people(plan_id)` -> a queryset of the people
following the plan. Without it, a campaign cannot name a plan.
"""

from typing import Protocol


class StudyPlans(Protocol):
    def choices(self) -> list[tuple[int, str]]: ...

    def people(self, plan_id: int): ...

    def name_of(self, plan_id: int) -> str: ...


_study_plans: list[StudyPlans] = []


def register_study_plans(source: StudyPlans) -> None:
    _study_plans[:] = [source]


def study_plans() -> StudyPlans | None:
    return _study_plans[0] if _study_plans else None
