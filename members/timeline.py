"""Steps that other apps add to a person's development timeline.

`members` imports none of those apps: each registers a provider here (in its AppConfig.ready)
that returns its steps for a person, and the timeline shows them among the milestones.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineStep:
    date: datetime.date
    label: str
    detail: str = ""


Provider = Callable[[object], list[TimelineStep]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider of timeline steps (once, however often it is registered)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def steps_of(person) -> list[TimelineStep]:
    """Every registered app's steps for `person`, oldest first."""
    steps = [step for provider in _providers for step in provider(person)]
    return sorted(steps, key=lambda step: step.date)
