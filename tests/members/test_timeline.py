"""The development procedure: each rule of 《中国共产党发展党员工作细则》 the portal enforces,
with a step it accepts and one it refuses (and changes nothing); the status follows the steps,
and removing one recomputes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from members.ledger import development_rows
from members.models import Milestone, PoliticalStatus, User, add_months, one_year_after
from members.procedure import outlook, working_days
from members.services import record_step, remove_step
from tests.factories import BranchFactory, UserFactory, develop

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=1200)


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def people():
    branch = BranchFactory()
    full = [UserFactory(political_status=PoliticalStatus.FULL, branch=branch) for _ in range(4)]
    person = UserFactory(political_status=PoliticalStatus.LEAGUE, branch=branch)
    return person, full


def record(person, kind, date, actor=None, **details):
    return record_step(actor=actor, person=person, kind=kind, date=date, **details)


# The procedure, day by day from START: (step, day, details given the four full members).
PLAN = [
    ("application", 0, lambda f: {}),
    ("talk", 10, lambda f: {"member_1": f[0]}),
    ("activist", 60, lambda f: {"method": "members", "member_1": f[0], "member_2": f[1]}),
    ("training", 150, lambda f: {"days": 3}),
    ("record", 200, lambda f: {"member_1": f[0]}),
    ("review", 300, lambda f: {}),
    ("record", 350, lambda f: {"member_1": f[1]}),
    ("candidate", 436, lambda f: {}),
    ("introducers", 450, lambda f: {"member_1": f[2], "member_2": f[3]}),
    ("publicity", 460, lambda f: {"end_date": day(470)}),
    ("probationary", 480, lambda f: {}),
    ("approval", 500, lambda f: {}),
    ("oath", 510, lambda f: {}),
]


def up_to(person, full, last: str, *, skip=()):
    """Record PLAN's steps up to the first `last` (leaving out those in `skip`)."""
    steps = {}
    for kind, offset, details in PLAN:
        if kind == last:
            return steps
        if kind not in skip:
            steps[kind] = record(person, kind, day(offset), **details(full))
    return steps


def refused(person, kind, date, **details) -> str:
    before = list(person.milestones.values_list("pk", flat=True))
    status = type(person).objects.get(pk=person.pk).political_status
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        record(person, kind, date, **details)
    assert list(person.milestones.values_list("pk", flat=True)) == before
    assert type(person).objects.get(pk=person.pk).political_status == status
    return " ".join(caught.value.messages)


def status_of(person) -> str:
    person.refresh_from_db()
    return person.political_status


def test_status_follows_the_procedure(people, staff):
    person, full = people
    up_to(person, full, "candidate")
    assert status_of(person) == PoliticalStatus.ACTIVIST
    record(person, "candidate", day(436), actor=staff)
    assert status_of(person) == PoliticalStatus.CANDIDATE
    up_to(person, full, "approval", skip={k for k, _, _ in PLAN[:8]})
    # The branch meeting alone does not make a probationary member: the approval does.
    assert status_of(person) == PoliticalStatus.CANDIDATE
    record(person, "approval", day(500))
    assert status_of(person) == PoliticalStatus.PROBATIONARY
    record(person, "oath", day(510))
    record(person, "full", one_year_after(day(480)))
    assert status_of(person) == PoliticalStatus.FULL
    assert person.history.filter(history_user=staff).exists()
    assert "nothing follows" in refused(person, "extension", days_ago(1), months=6)


# --- the application ---------------------------------------------------------------------------


def test_an_applicant_needs_a_birth_date(people):
    person, _ = people
    person.birth_date = None
    person.save(update_fields=["birth_date"])
    assert "date of birth" in refused(person, "application", days_ago(10))


def test_an_applicant_is_at_least_18(people):
    person, _ = people
    person.birth_date = days_ago(10).replace(year=days_ago(10).year - 18) + datetime.timedelta(1)
    person.save(update_fields=["birth_date"])
    message = refused(person, "application", days_ago(10))
    assert "at least 18" in message
    record(person, "application", days_ago(9))  # his 18th birthday
    assert status_of(person) == PoliticalStatus.APPLICANT


def test_the_rule_is_told_in_chinese(people):
    person, _ = people
    person.birth_date = None
    person.save(update_fields=["birth_date"])
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        record(person, "application", days_ago(10))
    assert "出生日期" in caught.value.messages[0]


def test_a_date_in_the_future_is_refused(people):
    person, _ = people
    assert "future" in refused(person, "application", TODAY + datetime.timedelta(days=1))


def test_a_step_cannot_be_skipped(people):
    person, _ = people
    message = refused(person, "activist", days_ago(10), method="members")
    assert message == (
        "“Named a Party activist” needs “Talk with the applicant” to be recorded first."
    )


# --- the talk ----------------------------------------------------------------------------------


def test_the_talk_comes_within_a_month(people):
    person, full = people
    up_to(person, full, "talk")
    late = add_months(day(0), 1) + datetime.timedelta(days=1)
    message = refused(person, "talk", late, member_1=full[0])
    assert "within one month" in message and "say why in the note" in message
    assert "Party member" in refused(
        person, "talk", day(10), member_1=UserFactory(political_status="league")
    )
    record(person, "talk", add_months(day(0), 1), member_1=full[0])


def test_a_late_talk_is_recorded_with_its_reason(people):
    person, full = people
    up_to(person, full, "talk")
    late = add_months(day(0), 2)
    assert "say why" in refused(person, "talk", late, member_1=full[0], note="   ")
    record(person, "talk", late, member_1=full[0], note=" 联系人出国交流。返校后谈话。 ")
    talk = person.milestones.get(kind="talk")
    assert (talk.date, talk.note) == (late, "联系人出国交流。返校后谈话。")
    record(person, "activist", late, method="members", member_1=full[0], member_2=full[1])


# --- the activist ------------------------------------------------------------------------------


def test_an_activist_has_a_method_and_two_full_member_contacts(people):
    person, full = people
    up_to(person, full, "activist")
    assert "how the activist was chosen" in refused(
        person, "activist", day(60), member_1=full[0], member_2=full[1]
    )
    probationer = UserFactory(name="钱预备", political_status=PoliticalStatus.PROBATIONARY)
    message = refused(
        person, "activist", day(60), method="league", member_1=full[0], member_2=probationer
    )
    assert "钱预备" in message and "full Party members" in message
    assert "two different" in refused(
        person, "activist", day(60), method="league", member_1=full[0], member_2=full[0]
    )
    record(person, "activist", day(60), method="league", member_1=full[0], member_2=full[1])
    assert status_of(person) == PoliticalStatus.ACTIVIST


def test_an_assessment_record_is_kept_by_a_contact_person(people):
    person, full = people
    up_to(person, full, "training")
    assert "contact persons" in refused(person, "record", day(200), member_1=full[2])
    record(person, "record", day(200), member_1=full[1])


# --- the development candidate -----------------------------------------------------------------


def test_a_candidate_is_an_activist_for_a_year(people):
    person, full = people
    up_to(person, full, "candidate")
    nine_months = add_months(day(60), 9)
    message = refused(person, "candidate", nine_months)
    assert "at least one year" in message
    assert one_year_after(day(60)).strftime("%Y") in message
    record(person, "candidate", day(436))


def test_a_candidate_needs_the_political_review(people):
    person, full = people
    up_to(person, full, "candidate", skip={"review"})
    assert "political review" in refused(person, "candidate", day(436))


def test_a_candidate_needs_three_days_or_24_hours_of_training(people):
    person, full = people
    up_to(person, full, "candidate", skip={"training"})
    record(person, "training", day(150), hours=20)
    message = refused(person, "candidate", day(436))
    assert "24 hours" in message and "20 hours" in message
    record(person, "training", day(160), hours=4)
    record(person, "candidate", day(436))


def test_study_track_lectures_count_as_training(people):
    from study.models import Activity, ActivityKind, Registration, Stage

    person, full = people
    up_to(person, full, "candidate", skip={"training"})
    starts = timezone.make_aware(datetime.datetime.combine(day(100), datetime.time(9)))

    def attend(kind):
        activity = Activity.objects.create(
            title="党课",
            kind=kind,
            stage=Stage.THEORY,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            place="礼堂",
            capacity=50,
            hours=24,
            organiser=full[0],
        )
        Registration.objects.create(activity=activity, person=person, attended_at=starts)

    attend(ActivityKind.VISIT)  # a visit is not training
    assert "training" in refused(person, "candidate", day(436))
    attend(ActivityKind.LECTURE)
    record(person, "candidate", day(436))


def test_an_activist_is_assessed_every_six_months(people):
    person, full = people
    up_to(person, full, "candidate")
    person.milestones.filter(kind="record", date=day(350)).delete()
    message = refused(person, "candidate", day(436))
    assert "every six months" in message


# --- introducers, public notice, branch meeting, approval ----------------------------------------


def test_introducers_are_two_full_members(people):
    person, full = people
    up_to(person, full, "introducers")
    applicant = UserFactory(political_status=PoliticalStatus.APPLICANT)
    assert "full Party members" in refused(
        person, "introducers", day(450), member_1=full[2], member_2=applicant
    )
    record(person, "introducers", day(450), member_1=full[2], member_2=full[3])


def test_a_public_notice_lasts_five_working_days(people):
    person, full = people
    up_to(person, full, "publicity")
    tuesday = day(460) + datetime.timedelta(days=(1 - day(460).weekday()) % 7)
    sunday = tuesday + datetime.timedelta(days=5)
    assert working_days(tuesday, sunday) == 4
    assert "5 working days" in refused(person, "publicity", tuesday, end_date=sunday)
    record(person, "publicity", tuesday, end_date=sunday + datetime.timedelta(days=1))


def test_the_branch_meeting_follows_the_notice_and_the_approval_comes_within_three_months(people):
    person, full = people
    up_to(person, full, "probationary")
    assert "after the public notice" in refused(person, "probationary", day(470))
    record(person, "probationary", day(480))
    late = add_months(day(480), 3) + datetime.timedelta(days=1)
    assert "within three months" in refused(person, "approval", late)
    record(person, "approval", add_months(day(480), 3))
    assert status_of(person) == PoliticalStatus.PROBATIONARY


def test_a_late_approval_needs_its_reason_and_comes_within_six_months(people):
    person, full = people
    up_to(person, full, "probationary")
    meeting = day(480)
    record(person, "probationary", meeting)
    late = add_months(meeting, 4)
    assert "say why in the note" in refused(person, "approval", late)
    too_late = add_months(meeting, 6) + datetime.timedelta(days=1)
    assert "six months" in refused(person, "approval", too_late, note="上级党委换届。")
    record(person, "approval", late, note="上级党委换届。延期审批。")
    assert person.milestones.get(kind="approval").note == "上级党委换届。延期审批。"


# --- the probation's end -------------------------------------------------------------------------


def test_full_membership_at_the_end_of_the_probation(people):
    person, full = people
    up_to(person, full, "full")
    end = one_year_after(day(480))
    message = refused(person, "full", end - datetime.timedelta(days=1))
    assert "The probation ends on" in message
    record(person, "full", end)
    assert status_of(person) == PoliticalStatus.FULL


def test_an_extension_is_six_to_twelve_months_once(people):
    person, full = people
    up_to(person, full, "full")
    assert "six months to one year" in refused(person, "extension", day(800), months=5)
    record(person, "extension", day(800), months=6)
    assert "already recorded" in refused(person, "extension", day(810), months=6)
    end = add_months(one_year_after(day(480)), 6)
    assert "The probation ends on" in refused(person, "full", end - datetime.timedelta(days=1))
    assert outlook(list(person.milestones.all())).due == end
    record(person, "full", end)


def test_the_development_figures_read_an_extension_in_their_two_queries(
    people, django_assert_max_num_queries
):
    """The dashboards' development figures load only some fields of each step: the extension's
    months among them, or each extended probation would cost a query of its own."""
    person, full = people
    up_to(person, full, "full")
    record(person, "extension", day(800), months=6)
    with django_assert_max_num_queries(2):
        rows = development_rows(User.objects.filter(pk=person.pk), TODAY, named=False)
    assert rows[0].outlook.due == add_months(one_year_after(day(480)), 6)


def test_a_cancelled_probation_ends_the_procedure(people):
    person, full = people
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=2))
    up_to(person, full, "full")
    record(person, "cancellation", day(700))
    assert status_of(person) == PoliticalStatus.LEAGUE
    assert "nothing follows" in refused(person, "full", one_year_after(day(480)))


# --- corrections ---------------------------------------------------------------------------------


def test_removing_a_step_recomputes_the_status(people, staff):
    person, full = people
    steps = up_to(person, full, "oath")
    approval_pk = steps["approval"].pk
    removal = remove_step(actor=staff, step=steps["approval"])
    assert (removal.status_before, removal.status_after) == ("probationary", "candidate")
    assert status_of(person) == PoliticalStatus.CANDIDATE
    # The correction is kept in the step's history, with who made it.
    deleted = Milestone.history.filter(id=approval_pk, history_type="-").get()
    assert deleted.history_user == staff
    with pytest.raises(ValidationError):
        remove_step(actor=staff, step=steps["application"])
    assert person.milestones.filter(pk=steps["application"].pk).exists()


def test_removing_the_only_step_restores_the_status_before_it(people, staff):
    person, _ = people
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=2))
    application = record(person, "application", days_ago(1))
    remove_step(actor=staff, step=application)
    assert status_of(person) == PoliticalStatus.LEAGUE


def test_filling_in_an_earlier_step_never_lowers_the_status(staff):
    person = UserFactory(political_status=PoliticalStatus.PROBATIONARY)  # imported as such
    person.history.update(history_date=timezone.now() - datetime.timedelta(days=2))
    application = record(person, "application", days_ago(900))
    assert status_of(person) == PoliticalStatus.PROBATIONARY
    removal = remove_step(actor=staff, step=application)
    assert not removal.status_changed
    assert status_of(person) == PoliticalStatus.PROBATIONARY


def test_demo_timelines_pass_every_rule():
    person = UserFactory(political_status=PoliticalStatus.LEAGUE, branch=BranchFactory())
    develop(person, PoliticalStatus.FULL)
    assert person.political_status == PoliticalStatus.FULL
    assert person.milestones.filter(kind="record").count() >= 2
