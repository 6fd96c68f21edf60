"""Casting a ballot: one per evaluator and member, changeable until voting closes, refused
with a message when it is incomplete or late, and storing nothing of the evaluator."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.models import Ballot, Evaluatee
from evaluations.services import cast_ballot, open_campaign
from tests.factories import UserFactory
from tests.tutoring.factories import PairingFactory
from tests.workstation.fingerprint import changed_tables, fingerprint

from .factories import CampaignFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _post(campaign, evaluatee, scores, comment=""):
    data = {f"q{q.pk}": score for q, score in zip(campaign.questions.all(), scores, strict=False)}
    return data | {"comment": comment}


def _url(evaluatee):
    return reverse("evaluations:ballot", args=[evaluatee.campaign_id, evaluatee.pk])


def test_the_student_sees_his_tutor_with_why_and_evaluates_him(
    student_client, campaign, member_evaluatee
):
    page = student_client.get(reverse("evaluations:mine")).content.decode()
    assert "张党员" in page
    assert "你的朋辈辅导人" in page or "朋辈" in page
    # Nobody else of the college: only the members he may evaluate.
    assert "李书记" not in page
    response = student_client.post(
        _url(member_evaluatee), _post(campaign, member_evaluatee, [5, 4], "很耐心")
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.evaluatee == member_evaluatee
    assert ballot.scores == {
        str(q.pk): s for q, s in zip(campaign.questions.all(), [5, 4], strict=False)
    }
    assert not ballot.is_self
    page = student_client.get(reverse("evaluations:mine")).content.decode()
    assert 'data-testid="voted"' in page


def test_a_second_ballot_changes_the_first_and_the_database_refuses_two(
    student, campaign, member_evaluatee
):
    cast_ballot(actor=student, evaluatee=member_evaluatee, scores=_scores(campaign, 3))
    cast_ballot(
        actor=student, evaluatee=member_evaluatee, scores=_scores(campaign, 5), comment="好"
    )
    ballot = Ballot.objects.get()
    assert set(ballot.scores.values()) == {5}
    assert ballot.comment == "好"
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(campaign=campaign, evaluatee=member_evaluatee, token=ballot.token)


def _scores(campaign, score):
    return {q.pk: score for q in campaign.questions.all()}


def test_nobody_else_may_evaluate_the_member(client, campaign, member_evaluatee):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(_url(member_evaluatee)).status_code == 404
    assert (
        client.post(_url(member_evaluatee), _post(campaign, member_evaluatee, [5, 5])).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        cast_ballot(actor=outsider, evaluatee=member_evaluatee, scores=_scores(campaign, 5))
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    ("scores", "message"),
    [([5], "请为这一题打分"), ([9, 5], "请从 1 到 5 分中选择"), ([], "请为这一题打分")],
)
def test_an_incomplete_ballot_is_refused_with_a_message(
    student_client, campaign, member_evaluatee, scores, message
):
    before = fingerprint()
    response = student_client.post(
        _url(member_evaluatee), _post(campaign, member_evaluatee, scores)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert changed_tables(before, fingerprint()) == []


def test_after_the_window_the_ballot_cannot_change(
    student, student_client, campaign, member_evaluatee
):
    cast_ballot(actor=student, evaluatee=member_evaluatee, scores=_scores(campaign, 4))
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.opens_at = campaign.closes_at - datetime.timedelta(days=1)
    campaign.save()
    before = fingerprint()
    response = student_client.post(
        _url(member_evaluatee), _post(campaign, member_evaluatee, [1, 1])
    )
    assert "投票已经结束" in response.content.decode()
    assert changed_tables(before, fingerprint()) == []
    with pytest.raises(ValidationError):
        cast_ballot(actor=student, evaluatee=member_evaluatee, scores=_scores(campaign, 1))


def test_casting_writes_the_ballot_only_and_no_time_nor_evaluator(
    student, campaign, member_evaluatee
):
    before = fingerprint()
    ballot = cast_ballot(actor=student, evaluatee=member_evaluatee, scores=_scores(campaign, 4))
    assert changed_tables(before, fingerprint()) == ["evaluations_ballot"]
    fields = {field.name for field in Ballot._meta.get_fields()}
    assert fields == {"id", "campaign", "evaluatee", "token", "is_self", "scores", "comment"}
    assert student.pk not in (ballot.campaign_id, ballot.evaluatee_id)
    assert len(ballot.token) == 64


def test_default_questions_read_in_each_readers_language(student, student_client, member):
    PairingFactory(request__tutee=student, tutor=member)
    campaign = CampaignFactory()
    with translation.override("en"):  # opened by staff who read the portal in English
        open_campaign(campaign=campaign)
    evaluatee = Evaluatee.objects.get(campaign=campaign, person=member)
    chinese = student_client.get(_url(evaluatee)).content.decode()
    english = student_client.get(_url(evaluatee), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "并体现在行动中" in chinese and "Ideals and convictions" not in chinese
    assert "Ideals and convictions: firm, and shown in what he does" in english


def test_questions_written_before_in_either_language_get_both():
    migration = importlib.import_module("evaluations.migrations.0002_question_in_english")
    campaign = CampaignFactory()
    english = QuestionFactory(campaign=campaign, text="Study: works hard and sets an example")
    own = QuestionFactory(campaign=campaign, text="服务宿舍同学")
    migration.both_languages(apps, None)
    english.refresh_from_db()
    own.refresh_from_db()
    assert (english.text, english.text_en) == migration.DEFAULTS[2]
    assert english.text.startswith("学习")
    assert (own.text, own.text_en) == ("服务宿舍同学", "")
