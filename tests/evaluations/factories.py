import datetime

import factory
from django.utils import timezone

from evaluations.models import Campaign, Question, Relation


def _now() -> datetime.datetime:
    return timezone.now()


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign of every Party member, by every kind of evaluator, over the last half year,
    open since an hour ago for a week (open it with `open_campaign`)."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"2026年秋季党群互评{n}")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=180))
    period_end = factory.LazyFunction(timezone.localdate)
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=7))
    relations = factory.LazyFunction(lambda: list(Relation.values))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    campaign = factory.SubFactory(CampaignFactory)
    text = factory.Sequence(lambda n: f"服务同学{n}")
    position = factory.Sequence(lambda n: n)
