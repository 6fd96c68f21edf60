"""Every registered practice source counts only approved or confirmed records, for any number of
people in a fixed number of queries; a requirement names registered sources (any of them
counts) in stage 3 only, and the start-up check refuses one that does not."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation

from dorms.models import AssistanceAction, KeyDorm
from feedback.models import Status
from feedback.services import answer_suggestion
from study.checks import practice_requirements_hold
from study.models import Requirement, Stage, StageSignOff, StudyEntry
from study.practice import practice_counts, practice_sources, registered
from study.progress import progress_of_one
from tests.dorms.factories import InspectionFactory, RoomFactory, RoundFactory
from tests.factories import UserFactory
from tests.feedback.factories import CategoryFactory, SuggestionFactory
from tests.practice import counts_of

from .factories import (
    EnrollmentFactory,
    RequirementFactory,
    StudyEntryFactory,
    StudyPlanFactory,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 3, 1), datetime.date(2026, 6, 30)
INSIDE = timezone.make_aware(datetime.datetime(2026, 4, 15, 10, 0))


def _suggestion_records(people) -> dict[int, int]:
    """Per person: two answers that stand, and answers that do not count."""
    category = CategoryFactory()
    author = UserFactory()

    def answered(person, status, **fields):
        SuggestionFactory(
            category=category,
            author=author,
            status=status,
            answer="已处理。",
            answered_by=person,
            answered_at=INSIDE,
            **fields,
        )

    for person in people:
        answered(person, Status.ANSWERED)
        answered(person, Status.CLOSED)
        answered(person, Status.ANSWERED, hidden=True)  # hidden by moderation
        answered(person, Status.IN_PROGRESS, reopened_at=INSIDE)  # reopened: owed a new answer
        answered(person, Status.DECLINED)  # reopened, then declined
        answered(person, Status.MERGED)
        SuggestionFactory(category=category, author=author, status=Status.ACCEPTED)  # pending
    return {person.pk: 2 for person in people}


def _tutoring_sessions(people, *, minutes=(90, 45)) -> list:
    """For each person as the tutor: two confirmed sessions inside the dates, one confirmed
    before them, one not confirmed."""
    from tests.tutoring.factories import PairingFactory, SessionFactory

    for person in people:
        pairing = PairingFactory(tutor=person)
        for length in minutes:
            SessionFactory(pairing=pairing, date=INSIDE.date(), minutes=length, confirmed=True)
        SessionFactory(pairing=pairing, date=START - datetime.timedelta(days=1), confirmed=True)
        SessionFactory(pairing=pairing, date=INSIDE.date(), minutes=240)  # not confirmed
    return people


def _tutoring_session_records(people) -> dict[int, int]:
    return {person.pk: 2 for person in _tutoring_sessions(people)}


def _tutoring_hour_records(people) -> dict[int, int]:
    return {person.pk: 2 for person in _tutoring_sessions(people, minutes=(90, 45))}  # 135 min


def _inspection_records(people) -> dict[int, int]:
    """Per person: two inspections done within the dates, one being filled in, one to do."""
    round_ = RoundFactory()
    for person in people:
        for status in ("done", "done", "draft", "to_do"):
            done = status == "done"
            InspectionFactory(
                round=round_,
                inspector=person,
                status=status,
                score=90 if done else None,
                done_on=INSIDE.date() if done else None,
                done_at=INSIDE if done else None,
            )
    return {person.pk: 2 for person in people}


def _assistance_records(people) -> dict[int, int]:
    """Per person: two actions the plan's reviewer confirmed, one not confirmed yet."""
    reviewer = UserFactory()
    key_dorm = KeyDorm.objects.create(room=RoomFactory(), reason="测试", reviewer=reviewer)
    for person in people:
        for confirmed in (True, True, False):
            AssistanceAction.objects.create(
                key_dorm=key_dorm,
                date=INSIDE.date(),
                kind="talk",
                note="谈心",
                member=person,
                confirmed_by=reviewer if confirmed else None,
                confirmed_at=INSIDE if confirmed else None,
            )
    return {person.pk: 2 for person in people}


def _grade_records(people) -> dict[int, int]:
    """Per person: published campaigns closed within the dates with the grades that stand
    Qualified and Excellent (a final one over a lower computed one); one whose final grade is
    below Qualified, one not yet published, one published before the dates."""
    from evaluations.models import Campaign, Evaluatee, Grade
    from evaluations.models import Status as CampaignStatus

    def campaign(status, closes=INSIDE):
        return Campaign.objects.create(
            name=f"互评{closes:%m%d}{status}",
            period_start=START,
            period_end=END,
            opens_at=closes - datetime.timedelta(days=7),
            closes_at=closes,
            status=status,
        )

    published = [campaign(CampaignStatus.PUBLISHED) for _ in range(3)]
    unpublished = campaign(CampaignStatus.CLOSED)
    earlier = campaign(CampaignStatus.PUBLISHED, INSIDE - datetime.timedelta(days=200))
    for person in people:
        for row, computed, final in [
            (published[0], Grade.QUALIFIED, ""),
            (published[1], Grade.BASIC, Grade.EXCELLENT),
            (published[2], Grade.QUALIFIED, Grade.UNQUALIFIED),
            (unpublished, Grade.EXCELLENT, ""),
            (earlier, Grade.EXCELLENT, ""),
        ]:
            Evaluatee.objects.create(
                campaign=row, person=person, computed_grade=computed, final_grade=final
            )
    return {person.pk: 2 for person in people}


# key -> what makes, for each of the people, records that count and records that do not; a
# registered source missing here fails the run.
RECORDS = {
    "suggestions": _suggestion_records,
    "tutoring-sessions": _tutoring_session_records,
    "tutoring-hours": _tutoring_hour_records,
    "dorm_inspections": _inspection_records,
    "dorm_assistance": _assistance_records,
    "evaluation-qualified": _grade_records,
}


def test_every_registered_source_is_tested_here():
    assert {source.key for source in practice_sources()} == set(RECORDS)


@pytest.mark.parametrize("key", sorted(RECORDS))
def test_a_source_counts_only_approved_records(key):
    (source,) = [source for source in practice_sources() if source.key == key]
    counted, idle = UserFactory(), UserFactory()
    expected = RECORDS[key]([counted])
    assert counts_of(source, [counted.pk, idle.pk], START, END) == expected
    assert counts_of(
        source, [counted.pk], END + datetime.timedelta(days=1), END.replace(year=2027)
    ) in (
        {},
        {counted.pk: 0},
    )
    assert str(source.label) and str(source.counts_what)


@pytest.mark.parametrize("key", sorted(RECORDS))
def test_a_source_answers_in_the_same_queries_for_one_and_fifty_people(
    key, django_assert_num_queries
):
    (source,) = [source for source in practice_sources() if source.key == key]
    one = [UserFactory()]
    fifty = UserFactory.create_batch(50)
    expected_one = RECORDS[key](one)
    expected_fifty = RECORDS[key](fifty)
    with django_assert_num_queries(1):
        assert counts_of(source, [p.pk for p in one], START, END) == expected_one
    with django_assert_num_queries(1):
        assert counts_of(source, [p.pk for p in fifty], START, END) == expected_fifty


def test_every_source_is_counted_in_one_query(django_assert_num_queries):
    """A plan's practice, whatever the number of sources it counts, is read at once, with the
    answers each source gives alone."""
    people = [UserFactory() for _key in RECORDS]
    for person, records in zip(people, RECORDS.values(), strict=True):
        records([person])
    ids = [person.pk for person in people]
    alone = {source.key: counts_of(source, ids, START, END) for source in practice_sources()}
    assert all(alone.values())
    with django_assert_num_queries(1):
        assert practice_counts(list(RECORDS), ids, START, END) == alone


# --- requirements naming sources -----------------------------------------------------------


class GroupStudy:
    """A second source for the tests: approved group-study entries."""

    key = "group-study"
    label = "Group study sessions"
    counts_what = "Approved group-study entries."

    def counted(self, person_ids, start, end):
        entries = StudyEntry.objects.approved().filter(
            person_id__in=person_ids, kind=StudyEntry.Kind.GROUP_STUDY, date__range=(start, end)
        )
        return entries.order_by().values(for_person=F("person_id")).annotate(number=Count("pk"))


@pytest.fixture
def group_study():
    with registered(GroupStudy()) as source:
        yield source


@pytest.fixture
def plan():
    return StudyPlanFactory()


def _practice(plan, *keys, minimum=2) -> Requirement:
    return RequirementFactory(
        plan=plan,
        stage=Stage.PRACTICE,
        kind=Requirement.Kind.PRACTICE,
        minimum=minimum,
        practice_sources=list(keys),
    )


def _answer(person, count: int) -> None:
    category = person.feedback_categories.first() or CategoryFactory(handlers=[person])
    for suggestion in SuggestionFactory.create_batch(count, category=category):
        answer_suggestion(actor=person, suggestion=suggestion, answer="已反馈。")


def _practice_progress(enrollment):
    (item,) = progress_of_one(enrollment).stages[Stage.PRACTICE - 1].requirements
    return item


def test_an_any_of_requirement_is_met_through_either_source_and_both_add_up(group_study):
    answers, study, both, short = EnrollmentFactory.create_batch(4, stage=Stage.PRACTICE)
    for enrollment in (study, both, short):
        enrollment.plan = answers.plan
        enrollment.save(update_fields=["plan"])
    _practice(answers.plan, "suggestions", "group-study")
    _answer(answers.person, 2)
    StudyEntryFactory.create_batch(
        2, person=study.person, kind=StudyEntry.Kind.GROUP_STUDY, approved=True
    )
    _answer(both.person, 1)
    StudyEntryFactory(person=both.person, kind=StudyEntry.Kind.GROUP_STUDY, approved=True)
    StudyEntryFactory(person=short.person, kind=StudyEntry.Kind.GROUP_STUDY, approved=True)
    StudyEntryFactory(person=short.person, kind=StudyEntry.Kind.GROUP_STUDY)  # a draft

    assert _practice_progress(answers).met
    assert _practice_progress(study).met
    assert _practice_progress(both).met
    item = _practice_progress(short)
    assert (item.done, item.needed, item.met) == (1, 2, False)
    with translation.override("en"):
        assert item.title == (
            "At least 2 practice records: Suggestions answered / Group study sessions"
        )


def test_stage_three_is_signed_off_once_the_practice_is_done(staff_client, member):
    enrollment = EnrollmentFactory(person=member, stage=Stage.PRACTICE)
    _practice(enrollment.plan, "suggestions")
    url = reverse("study:sign-off", args=[enrollment.pk])
    _answer(member, 1)
    response = staff_client.post(url, {"comment": "完成"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The stage cannot be signed off yet: 1 more practice record." in (
        response.content.decode()
    )
    assert not StageSignOff.objects.exists()
    _answer(member, 1)
    assert staff_client.post(url, {"comment": "完成"}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_practice_is_refused_outside_stage_three(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementFactory(
            plan=plan,
            stage=Stage.THEORY,
            kind=Requirement.Kind.PRACTICE,
            minimum=1,
            practice_sources=["suggestions"],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        _practice(plan)  # no source


# --- the start-up check ---------------------------------------------------------------------


def _error_ids() -> list[str]:
    return [message.id for message in practice_requirements_hold()]


def test_the_check_passes_registered_sources_in_stage_three(plan):
    _practice(plan, "suggestions")
    assert _error_ids() == []
    call_command("check")


def test_the_check_fails_on_an_unknown_source(plan):
    _practice(plan, "suggestions", "tutoring")
    (error,) = practice_requirements_hold()
    assert error.id == "study.E001"
    assert "'tutoring'" in error.msg
    with pytest.raises(CommandError, match=r"study\.E001"):
        call_command("check")


def test_the_check_fails_on_practice_in_stage_one(plan):
    # A requirement written before the database kept the rule, or around it.
    constraint = next(
        c
        for c in Requirement._meta.constraints
        if c.name == "study_practice_requirement_in_stage_three"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Requirement, constraint)
    requirement = _practice(plan, "suggestions")
    Requirement.objects.filter(pk=requirement.pk).update(stage=Stage.THEORY)
    assert _error_ids() == ["study.E002"]
    with pytest.raises(CommandError, match=r"study\.E002"):
        call_command("check")


def test_the_check_waits_for_the_table_to_be_migrated(plan):
    _practice(plan, "tutoring-unknown")
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE study_requirement RENAME COLUMN practice_sources TO practice_source"
        )
    assert _error_ids() == []
