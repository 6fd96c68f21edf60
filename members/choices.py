"""The grades and majors that the directory's and the admin's filters offer, and the grades to
enrol a study plan's participants by."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import caches
from django.db.models import Q, QuerySet

from .models import User

# What is read over everyone is kept this long in each process's memory: a pass over all the
# people of a university on every request is what made the directory and the admin slow.
EVERYONE_SECONDS = 5 * 60


def grades_and_majors(people: QuerySet[User]) -> dict[str, list]:
    """The grades (newest first) and majors (sorted) of `people`, in one pass over them."""
    found = people.order_by().aggregate(
        grades=ArrayAgg("grade", distinct=True, filter=Q(grade__isnull=False), default=[]),
        majors=ArrayAgg("major", distinct=True, filter=~Q(major=""), default=[]),
    )
    return {"grades": sorted(found["grades"], reverse=True), "majors": sorted(found["majors"])}


def everyones() -> dict[str, list]:
    """The grades and majors of everyone, read once every few minutes per process: one that
    has just appeared may be offered a few minutes late."""
    return caches["process"].get_or_set(
        "members-everyones-choices",
        lambda: grades_and_majors(User.objects.all()),
        EVERYONE_SECONDS,
    )


def workstation_grades() -> list[int]:
    """The grades of the people of the workstation, newest first, read once every few minutes
    per process: one that has just appeared may be offered a few minutes late."""

    def grades() -> list[int]:
        people = User.objects.in_workstation().exclude(grade=None).order_by()
        return sorted(set(people.values_list("grade", flat=True).distinct()), reverse=True)

    return caches["process"].get_or_set("members-workstation-grades", grades, EVERYONE_SECONDS)
