"""The branches' development work as read from the timelines: who is at which stage and what is
due (the development page), the 发展党员工作台账 (the ledger, printed or in Excel) and the
people whose status has no dates behind it (timelines incomplete)."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

import tablib
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext, pgettext, pgettext_lazy

from common.exports import formula_safe, sheet_title
from common.names import join_clauses, join_names

from .models import Branch, Milestone, PoliticalStatus, User
from .procedure import Outlook, outlook

Kind = Milestone.Kind

# The stages of the development page, in order.
DEVELOPMENT_STATUSES = [
    PoliticalStatus.APPLICANT,
    PoliticalStatus.ACTIVIST,
    PoliticalStatus.CANDIDATE,
    PoliticalStatus.PROBATIONARY,
]
# The dates a status stands on: a roster's date columns, and what an incomplete timeline lacks.
KEY_DATES: dict[str, list[str]] = {
    PoliticalStatus.APPLICANT: [Kind.APPLICATION],
    PoliticalStatus.ACTIVIST: [Kind.APPLICATION, Kind.ACTIVIST],
    PoliticalStatus.CANDIDATE: [Kind.APPLICATION, Kind.ACTIVIST, Kind.CANDIDATE],
    PoliticalStatus.PROBATIONARY: [
        Kind.APPLICATION,
        Kind.ACTIVIST,
        Kind.CANDIDATE,
        Kind.PROBATIONARY,
    ],
    PoliticalStatus.FULL: [
        Kind.APPLICATION,
        Kind.ACTIVIST,
        Kind.CANDIDATE,
        Kind.PROBATIONARY,
        Kind.FULL,
    ],
}

LEDGER_COLUMNS = [
    pgettext_lazy("person", "Name"),
    gettext_lazy("Student number"),
    gettext_lazy("Gender"),
    gettext_lazy("Date of birth"),
    gettext_lazy("Application"),
    gettext_lazy("Activist since"),
    gettext_lazy("Contact persons"),
    gettext_lazy("Development candidate since"),
    gettext_lazy("Introducers"),
    gettext_lazy("Political review"),
    gettext_lazy("Training"),
    gettext_lazy("Admitted (probationary)"),
    gettext_lazy("Confirmed as full member"),
    gettext_lazy("Remarks"),
]


def with_steps(people: QuerySet[User]) -> QuerySet[User]:
    """`people` with their branches and steps, and the people the steps name, as the ledger
    shows them (two more queries)."""
    steps = Milestone.objects.select_related("member_1", "member_2").order_by("date", "pk")
    return people.select_related("branch").prefetch_related(
        Prefetch("milestones", queryset=steps, to_attr="steps")
    )


class StepFacts(NamedTuple):
    """What `outlook` reads of a step: for counting over everyone, without a model instance
    per step (a university's timelines hold some 45,000)."""

    pk: int
    kind: str
    date: datetime.date
    end_date: datetime.date | None
    months: int | None


def with_step_facts(people: QuerySet[User]) -> list[User]:
    """`people` with what a figure's list shows of them (a name, a number, a branch id) and
    their steps as `StepFacts`, in two queries."""
    loaded = list(people.only("name", "email", "student_number", "staff_number", "branch_id"))
    steps: dict[int, list[StepFacts]] = {person.pk: [] for person in loaded}
    rows = (
        Milestone.objects.filter(person__in=people.values("pk"))
        .order_by("date", "pk")
        .values_list("person_id", *StepFacts._fields)
    )
    for person_id, *facts in rows:
        steps[person_id].append(StepFacts(*facts))
    for person in loaded:
        person.steps = steps[person.pk]
    return loaded


@dataclass
class DevelopmentRow:
    person: User
    outlook: Outlook
    overdue: bool


def stage_counts(branch: Branch) -> list[tuple[str, str, int]]:
    """The branch's people at each stage of development, in one query."""
    counts = branch.people.aggregate(
        **{
            status: Count("pk", filter=Q(political_status=status))
            for status in DEVELOPMENT_STATUSES
        }
    )
    return [
        (status, PoliticalStatus(status).label, counts[status]) for status in DEVELOPMENT_STATUSES
    ]


def development_rows(
    people: QuerySet[User], today: datetime.date, *, named: bool = True
) -> list[DevelopmentRow]:
    """Each person's next step and due date, overdue first, then by the day due (loaded
    `with_steps`, or `with_step_facts` when not `named`)."""
    rows = []
    for person in with_steps(people) if named else with_step_facts(people):
        ahead = outlook(person.steps)
        rows.append(DevelopmentRow(person, ahead, ahead.overdue(today)))
    far = datetime.date.max
    return sorted(
        rows,
        key=lambda row: (
            not row.overdue,
            row.outlook.due or far,
            row.outlook.earliest or far,
            row.person.display_name,
        ),
    )


# The development page's `?due=`: the steps due within this many days (the overdue ones
# included), or the overdue ones only.
DUE_SOON_DAYS = 30
DUE_SOON, DUE_OVERDUE = "soon", "overdue"


def due_rows(rows: list[DevelopmentRow], today: datetime.date, due: str) -> list[DevelopmentRow]:
    """The rows of `development_rows` with a step due within `DUE_SOON_DAYS` (`DUE_SOON`) or
    overdue (`DUE_OVERDUE`); all of them for any other value."""
    if due == DUE_OVERDUE:
        return [row for row in rows if row.overdue]
    if due == DUE_SOON:
        horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        return [row for row in rows if row.outlook.due is not None and row.outlook.due <= horizon]
    return rows


def ledger_people(branch: Branch | None) -> QuerySet[User]:
    """Whoever is or was in development: people with a step, or a status from applicant on."""
    people = User.objects.filter(
        Q(political_status__in=[*DEVELOPMENT_STATUSES, PoliticalStatus.FULL])
        | Exists(Milestone.objects.filter(person=OuterRef("pk")))
    )
    if branch is not None:
        people = people.filter(branch=branch)
    return people.order_by("branch__name", "student_number", "pk")


def _date(step: Milestone | None) -> str:
    return date_format(step.date, "Y-m-d") if step else ""


def _names(step: Milestone | None) -> str:
    if step is None:
        return ""
    return join_names(m.display_name for m in (step.member_1, step.member_2) if m is not None)


def training_text(days: int, hours: int) -> str:
    """A training's length, "3 days, 24 hours" (as the timeline shows it)."""
    return pgettext("training", "%(days)s, %(hours)s") % {
        "days": npgettext("training", "%(counter)s day", "%(counter)s days", days)
        % {"counter": days},
        "hours": npgettext("training", "%(counter)s hour", "%(counter)s hours", hours)
        % {"counter": hours},
    }


def ledger_row(person: User) -> list[str]:
    """One line of the ledger, from a person loaded `with_steps`."""
    by_kind = {step.kind: step for step in person.steps}
    # The training recorded on the timeline (the study track's hours are counted when a
    # candidate is listed, and not read again here: one query for the whole ledger).
    trainings = [step for step in person.steps if step.kind == Kind.TRAINING]
    days = sum(step.days or 0 for step in trainings)
    hours = sum(step.hours or 0 for step in trainings)
    training = training_text(days, hours) if days or hours else ""
    remarks = [
        str(step.get_kind_display())
        for step in person.steps
        if step.kind in (Kind.EXTENSION, Kind.CANCELLATION)
    ]
    missing = missing_dates(person)
    if missing:
        remarks.append(_("Timeline incomplete: %(missing)s") % {"missing": join_names(missing)})
    return [
        person.display_name,
        person.student_number or "",
        person.get_gender_display(),
        date_format(person.birth_date, "Y-m-d") if person.birth_date else "",
        _date(by_kind.get(Kind.APPLICATION)),
        _date(by_kind.get(Kind.ACTIVIST)),
        _names(by_kind.get(Kind.ACTIVIST)),
        _date(by_kind.get(Kind.CANDIDATE)),
        _names(by_kind.get(Kind.INTRODUCERS)),
        _date(by_kind.get(Kind.REVIEW)),
        training,
        _date(by_kind.get(Kind.PROBATIONARY)),
        _date(by_kind.get(Kind.FULL)),
        join_clauses(remarks),
    ]


def ledger_dataset(people: QuerySet[User]) -> tablib.Dataset:
    """The ledger as an Excel sheet, every cell formula-safe."""
    dataset = tablib.Dataset(
        headers=[str(column) for column in LEDGER_COLUMNS],
        title=sheet_title(_("Party development ledger")),
    )
    for person in with_steps(people):
        dataset.append(formula_safe(ledger_row(person)))
    return dataset


def missing_dates(person: User) -> list[str]:
    """The key dates a person's status stands on that his timeline lacks (loaded `with_steps`)."""
    recorded = {step.kind for step in person.steps}
    wanted = KEY_DATES.get(person.political_status, [])
    return [str(Kind(kind).label) for kind in wanted if kind not in recorded]


def incomplete_timelines() -> QuerySet[User]:
    """People whose status lacks a date behind it (imported with a status, say)."""
    lacking = Q()
    for status, kinds in KEY_DATES.items():
        missing = Q()
        for kind in kinds:
            missing |= ~Exists(Milestone.objects.filter(person=OuterRef("pk"), kind=kind))
        lacking |= Q(political_status=status) & missing
    return User.objects.filter(lacking).order_by("branch__name", "student_number", "pk")
