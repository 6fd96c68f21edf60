"""The sweeps: each notice at most once per event, however often they run; time moved forward
by passing the dates in."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notice
from tutoring import services
from tutoring.models import CheckIn, Status
from tutoring.services.sweeps import last_semester_end

from .factories import PairingFactory, RequestFactory, SessionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _kinds(person) -> list[str]:
    return sorted(person.notices.values_list("kind", flat=True))


def test_a_quiet_pairing_reminds_both_then_staff_once_per_quiet_spell(settings, staff, pairing):
    settings.TUTORING_QUIET_DAYS = 21
    start = datetime.date(2026, 3, 1)
    pairing.quiet_since = start
    pairing.save(update_fields=["quiet_since"])
    assert services.remind_quiet_pairings(today=start + 20 * DAY) == 0
    assert services.remind_quiet_pairings(today=start + 21 * DAY) == 2
    assert services.remind_quiet_pairings(today=start + 22 * DAY) == 0  # the same spell
    assert _kinds(pairing.tutee) == _kinds(pairing.tutor) == ["tutoring-quiet"]
    assert services.remind_quiet_pairings(today=start + 41 * DAY) == 0
    assert services.remind_quiet_pairings(today=start + 42 * DAY) == 1
    assert services.remind_quiet_pairings(today=start + 50 * DAY) == 0
    assert _kinds(staff) == ["tutoring-quiet-staff"]
    # A session starts a new quiet spell: reminded again once it has gone quiet again.
    SessionFactory(pairing=pairing, date=start + 45 * DAY)
    pairing.quiet_since = start + 45 * DAY
    pairing.save(update_fields=["quiet_since"])
    assert services.remind_quiet_pairings(today=start + 60 * DAY) == 0
    assert services.remind_quiet_pairings(today=start + 66 * DAY) == 2
    assert services.remind_quiet_pairings(today=start + 66 * DAY) == 0
    assert _kinds(pairing.tutor) == ["tutoring-quiet", "tutoring-quiet"]


def test_paused_and_ended_pairings_are_not_chased(settings, staff):
    long_ago = timezone.localdate() - 100 * DAY
    PairingFactory(status=Status.PAUSED, quiet_since=long_ago)
    PairingFactory(status=Status.ENDED, end_reason="goal", quiet_since=long_ago)
    assert services.remind_quiet_pairings() == 0


def test_logging_a_session_ends_the_quiet_spell(pairing, tutor):
    start = timezone.localdate() - 30 * DAY
    pairing.quiet_since = start
    pairing.save(update_fields=["quiet_since"])
    services.log_session(
        actor=tutor, pairing=pairing, date=timezone.localdate(), minutes=60, topic="复盘"
    )
    assert services.remind_quiet_pairings() == 0


def test_a_request_waiting_three_days_tells_staff_once_per_wait(staff, tutor):
    now = timezone.now()
    request = RequestFactory(created_at=now, waiting_since=now)
    assert services.remind_waiting(now=now + 3 * DAY - datetime.timedelta(minutes=1)) == 0
    assert services.remind_waiting(now=now + 3 * DAY + datetime.timedelta(minutes=1)) == 1
    assert services.remind_waiting(now=now + 5 * DAY) == 0
    pairing = services.propose_tutor(actor=staff, request=request, tutor=tutor)
    services.decline_pairing(actor=tutor, pairing=pairing, reason="没空")
    request.refresh_from_db()
    later = request.waiting_since + 4 * DAY
    assert services.remind_waiting(now=later) == 1  # a new wait, after the decline
    assert services.remind_waiting(now=later) == 0
    assert staff.notices.filter(kind="tutoring-request-waiting").count() == 2


def test_an_unanswered_proposal_reminds_the_tutor_once(proposal):
    now = proposal.created_at
    assert services.remind_waiting(now=now + DAY) == 0
    assert services.remind_waiting(now=now + 2 * DAY + datetime.timedelta(minutes=1)) == 1
    assert services.remind_waiting(now=now + 9 * DAY) == 0
    assert _kinds(proposal.tutor) == ["tutoring-proposal-waiting"]


def test_check_ins_come_after_a_month_and_at_the_end_of_each_semester(settings, pairing):
    settings.TUTORING_SEMESTER_ENDS = ["01-20", "07-10"]
    began = timezone.make_aware(datetime.datetime(2026, 5, 1, 10))
    pairing.accepted_at = began
    pairing.save(update_fields=["accepted_at"])
    assert services.send_check_ins(today=datetime.date(2026, 5, 30)) == 0
    assert services.send_check_ins(today=datetime.date(2026, 5, 31)) == 1
    assert services.send_check_ins(today=datetime.date(2026, 6, 30)) == 0
    assert services.send_check_ins(today=datetime.date(2026, 7, 10)) == 1
    assert services.send_check_ins(today=datetime.date(2026, 7, 11)) == 0
    assert sorted(CheckIn.objects.values_list("occasion", flat=True)) == [
        "month",
        "semester-2026-07-10",
    ]
    assert _kinds(pairing.tutee) == ["tutoring-check-in", "tutoring-check-in"]
    notice = Notice.objects.filter(kind="tutoring-check-in").first()
    assert notice.link.startswith("/tutoring/check-ins/")


def test_the_last_semester_end(settings):
    settings.TUTORING_SEMESTER_ENDS = ["01-20", "07-10"]
    assert last_semester_end(datetime.date(2026, 1, 19)) == datetime.date(2025, 7, 10)
    assert last_semester_end(datetime.date(2026, 1, 20)) == datetime.date(2026, 1, 20)
    assert last_semester_end(datetime.date(2026, 12, 31)) == datetime.date(2026, 7, 10)


def test_the_check_in_is_answered_once_by_the_tutee(client, pairing, tutor):
    services.send_check_ins(today=timezone.localdate() + 40 * DAY)
    survey = CheckIn.objects.get(occasion="month")
    url = survey.get_absolute_url()
    client.force_login(tutor)
    assert client.get(url).status_code == 404
    client.force_login(pairing.tutee)
    assert client.post(url, {"helpful": "9"}).status_code == 200  # shown again, nothing saved
    survey.refresh_from_db()
    assert survey.answered_at is None
    answers = {"helpful": "4", "in_touch": "yes", "go_on": "no", "comment": "很好"}
    assert client.post(url, answers).status_code == 302
    survey.refresh_from_db()
    assert (survey.helpful, survey.in_touch, survey.go_on) == (4, True, False)
