"""factory_boy factories: only the required fields, with traits for states."""

import datetime
import random

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from members.models import Branch, Milestone, PoliticalStatus, User, WorkstationGroup
from notifications.models import Notice

PASSWORD = "correct-horse-42"
# Hashed once: hashing per user would make every test that creates people slow.
PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.edu.cn")
    student_number = factory.Sequence(lambda n: f"2024{n:05d}")
    name = factory.Sequence(lambda n: f"同学{n}")
    password = PASSWORD_HASH
    # Old enough to apply to the Party on any date the tests use.
    birth_date = datetime.date(1990, 1, 1)

    class Params:
        staff = factory.Trait(is_staff=True, student_number=None)
        english = factory.Trait(language="en")
        # A member of the workstation: activist onward (use political_status= for another step).
        party_member = factory.Trait(political_status=PoliticalStatus.PROBATIONARY)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """Accounts made by the college come with a verified address."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened."
    dedup_key = factory.Sequence(lambda n: f"test:{n}")
    email_wanted = False


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"第{n}党支部")


class WorkstationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkstationGroup

    name = factory.Sequence(lambda n: f"第{n}小组")


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A step as it is stored; timelines that obey the rules use `record_step` (`develop`)."""

    class Meta:
        model = Milestone

    person = factory.SubFactory(UserFactory)
    kind = Milestone.Kind.APPLICATION
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))


def develop(person: User, status: str, *, anchor: datetime.date | None = None, actor=None):
    """Take `person` through the development procedure to `status`, step by step through the
    rules (`record_step`), with the step his status stands on dated `anchor` (200 days ago by
    default); his contact persons and introducers are four new full members of his branch."""
    from members.demo import demo_timeline
    from members.services import record_step

    today = datetime.date.today()
    members = [
        UserFactory(political_status=PoliticalStatus.FULL, branch=person.branch) for _ in range(4)
    ]
    birth, steps = demo_timeline(
        random.Random(person.pk),
        status,
        anchor or today - datetime.timedelta(days=200),
        today,
        (members[0], members[1]),
        (members[2], members[3]),
    )
    person.birth_date = birth
    person.save(update_fields=["birth_date"])
    for step in steps:
        record_step(actor=actor, person=person, **step)
    person.refresh_from_db()
    return person
