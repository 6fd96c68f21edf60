"""The study track in the admin: plans and their requirements, readings, activities, the log."""

from . import activities, track  # noqa: F401
