"""factory_boy factories: only the required fields, with traits for states."""

import datetime

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
    """A milestone row as it is stored; timelines that obey the rules use `record_milestone`."""

    class Meta:
        model = Milestone

    person = factory.SubFactory(UserFactory)
    kind = Milestone.Kind.APPLICATION
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
