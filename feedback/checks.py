"""System checks of the suggestion board's settings."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def anonymity_key_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Warn while the tokens of anonymous authors hang on SECRET_KEY."""
    if settings.FEEDBACK_ANONYMITY_KEY:
        return []
    return [
        checks.Warning(
            "FEEDBACK_ANONYMITY_KEY is not set: the tokens of anonymous authors are derived from "
            "SECRET_KEY, and a new SECRET_KEY would cut every anonymous author off from his "
            "suggestions.",
            hint="Set FEEDBACK_ANONYMITY_KEY to the SECRET_KEY in use now (see README).",
            id="feedback.W001",
        )
    ]
