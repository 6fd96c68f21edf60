"""Sessions logged by either side and confirmed by the other; ratings of confirmed sessions by
the tutee only; and who sees the ratings: the tutor only an average over at least three, staff
in full, another student nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tutoring import services
from tutoring.models import Status
from tutoring.ratings import Average, average_for

from ..factories import UserFactory
from .factories import RatingFactory, SessionFactory

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def _log(actor, pairing, **fields):
    data = {"date": YESTERDAY, "minutes": 90, "topic": "极限与连续", "next_step": "做习题"}
    return services.log_session(actor=actor, pairing=pairing, **(data | fields))


def test_either_side_logs_and_only_the_other_confirms(pairing, tutor, tutee):
    by_tutee = _log(tutee, pairing)
    by_tutor = _log(tutor, pairing)
    assert tutor.notices.filter(kind="tutoring-session-logged").count() == 1
    assert tutee.notices.filter(kind="tutoring-session-logged").count() == 1
    with pytest.raises(PermissionDenied):
        services.confirm_session(actor=tutee, session=by_tutee)
    with pytest.raises(PermissionDenied):
        services.confirm_session(actor=UserFactory(), session=by_tutor)
    services.confirm_session(actor=tutor, session=by_tutee)
    services.confirm_session(actor=tutee, session=by_tutor)
    with pytest.raises(ValidationError):
        services.confirm_session(actor=tutee, session=by_tutor)
    pairing.refresh_from_db()
    assert pairing.quiet_since == YESTERDAY


def test_bad_sessions_are_refused_and_nothing_is_saved(pairing, tutor):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for fields in ({"date": tomorrow}, {"minutes": 5}, {"minutes": 600}, {"topic": "  "}):
        with pytest.raises(ValidationError):
            _log(tutor, pairing, **fields)
    assert not pairing.sessions.exists()


def test_sessions_are_logged_only_while_active(tutor, tutee, proposal):
    with pytest.raises(ValidationError):
        _log(tutor, proposal)
    with pytest.raises(PermissionDenied):
        _log(UserFactory(), proposal)


def test_only_the_tutee_rates_and_only_confirmed_sessions_once(pairing, tutor, tutee):
    unconfirmed = SessionFactory(pairing=pairing)
    with pytest.raises(ValidationError):
        services.rate_session(actor=tutee, session=unconfirmed, score=5)
    session = SessionFactory(pairing=pairing, confirmed=True)
    with pytest.raises(PermissionDenied):
        services.rate_session(actor=tutor, session=session, score=5)
    with pytest.raises(ValidationError):
        services.rate_session(actor=tutee, session=session, score=6)
    services.rate_session(actor=tutee, session=session, score=5, comment="讲得清楚")
    with pytest.raises(ValidationError):
        services.rate_session(actor=tutee, session=session, score=1)
    assert session.rating.score == 5


def _rate(pairing, *scores):
    for score in scores:
        RatingFactory(session=SessionFactory(pairing=pairing, confirmed=True), score=score)


def test_the_tutor_sees_an_average_only_over_three_ratings(pairing, tutor, staff, student):
    _rate(pairing, 5, 2)
    assert average_for(tutor, tutor).value is None
    assert average_for(staff, tutor).value == 3.5
    assert average_for(student, tutor) is None
    assert average_for(pairing.tutee, tutor) is None
    _rate(pairing, 5)
    assert average_for(tutor, tutor).value == 4.0


def test_the_tutors_average_moves_only_by_whole_batches_of_ratings(pairing, tutor, staff):
    """A fourth rating changes nothing he sees, so the change cannot tell him its score; the
    sixth shows the second batch with the first."""
    _rate(pairing, 5, 2, 5)
    assert average_for(tutor, tutor) == Average(4.0, 3)
    _rate(pairing, 1)
    assert average_for(tutor, tutor) == Average(4.0, 3)
    assert average_for(staff, tutor) == Average(3.2, 4)
    _rate(pairing, 1)
    assert average_for(tutor, tutor) == Average(4.0, 3)
    _rate(pairing, 4)
    assert average_for(tutor, tutor) == Average(3.0, 6)


def test_the_pages_show_ratings_by_the_rule(client, pairing, tutor, staff, student):
    _rate(pairing, 1, 5)
    RatingFactory(
        session=SessionFactory(pairing=pairing, confirmed=True, topic="第三次"),
        score=3,
        comment="有点赶",
    )
    url = reverse("tutoring:pairing", kwargs={"pk": pairing.pk})
    client.force_login(tutor)
    page = client.get(url).content.decode()
    assert "有点赶" not in page and "1 / 5" not in page and 'data-testid="rating"' not in page
    assert "3.0 / 5" in page  # the average of three
    # Nor which sessions were rated: with the average's change, that would tell him a score.
    assert "Rated" not in page and "已评分" not in page
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "有点赶" in page and "1 / 5" in page
    client.force_login(student)
    assert client.get(url).status_code == 404
    client.force_login(tutor)
    assert "有点赶" not in client.get(reverse("tutoring:tutor")).content.decode()


def test_a_paused_pairing_takes_no_session(pairing, tutor):
    services.pause_pairing(actor=tutor, pairing=pairing)
    pairing.refresh_from_db()
    assert pairing.status == Status.PAUSED
    with pytest.raises(ValidationError):
        _log(tutor, pairing)


def test_a_refused_session_is_shown_again_with_what_was_typed(client, pairing, tutor):
    client.force_login(tutor)
    url = reverse("tutoring:session-log", kwargs={"pk": pairing.pk})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    typed = {"date": tomorrow.isoformat(), "minutes": "60", "topic": "极限", "notes": "很长的笔记"}
    response = client.post(url, typed)
    assert response.status_code == 200
    assert response.context["session_form"].errors["date"]
    assert "很长的笔记" in response.content.decode()
    response = client.post(url, typed | {"minutes": "abc"})
    assert response.status_code == 200 and "很长的笔记" in response.content.decode()
    assert not pairing.sessions.exists()
    response = client.post(url, typed | {"date": YESTERDAY.isoformat()})
    assert response.status_code == 302
    assert pairing.sessions.get().notes == "很长的笔记"
