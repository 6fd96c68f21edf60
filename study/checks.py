"""System checks of the study track's data: every practice requirement can be met.

A requirement naming a practice source nobody registered would count 0 for ever, so its stage
could never be signed off; one outside stage 3 asks stage 1 or 2 for practice. Both are refused
at start-up (`runserver`, `check`, `migrate`, ...). Before the table is migrated, or without a
database, there is nothing to check.
"""

from django.core import checks
from django.db import DatabaseError, connection

from .practice import get_source


def _requirements_table_ready(table: str) -> bool:
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return False
        columns = connection.introspection.get_table_description(cursor, table)
    return "practice_sources" in {column.name for column in columns}


@checks.register()
def practice_requirements_hold(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An Error for each practice requirement with an unknown source or outside stage 3."""
    from .models import Requirement, Stage

    if app_configs is not None and "study" not in {config.label for config in app_configs}:
        return []
    try:
        if not _requirements_table_ready(Requirement._meta.db_table):
            return []
        rows = list(
            Requirement.objects.filter(kind=Requirement.Kind.PRACTICE)
            .order_by("plan_id", "pk")
            .values_list("pk", "plan__name", "stage", "practice_sources")
        )
    except DatabaseError:
        return []
    errors = []
    for pk, plan, stage, keys in rows:
        for key in keys:
            if get_source(key) is None:
                errors.append(
                    checks.Error(
                        f"The practice requirement {pk} of the plan {plan!r} counts records "
                        f"from {key!r}, which no app registers as a practice source.",
                        hint="Choose a registered source in the plan's admin page, or register "
                        "the app's source in study/apps.py (see study/practice.py).",
                        obj=f"study.Requirement {pk}",
                        id="study.E001",
                    )
                )
        if stage != Stage.PRACTICE:
            errors.append(
                checks.Error(
                    f"The practice requirement {pk} of the plan {plan!r} is in stage {stage}: "
                    "practice records are asked for in stage 3 only.",
                    hint="Move the requirement to stage 3 in the plan's admin page.",
                    obj=f"study.Requirement {pk}",
                    id="study.E002",
                )
            )
    return errors
