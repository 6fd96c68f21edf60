"""Hours of concentrated training (集中培训) that other apps keep for a person.

`members` imports none of those apps: each registers a provider here (in its AppConfig.ready)
that returns the training a person attended in a period, and the rule for a development
candidate (at least 3 days or 24 hours of training) counts them with the training steps
recorded on his timeline. The study track registers its attended lectures and branch study
sessions (`study.progress.training_hours`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TrainingCredit:
    date: datetime.date
    title: str
    hours: Decimal


Provider = Callable[[object, datetime.date, datetime.date], list[TrainingCredit]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider of training hours (once, however often it is registered)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def credits_of(person, since: datetime.date, until: datetime.date) -> list[TrainingCredit]:
    """Every registered app's training for `person` between two days (both included)."""
    credits = [c for provider in _providers for c in provider(person, since, until)]
    return sorted(credits, key=lambda credit: credit.date)
