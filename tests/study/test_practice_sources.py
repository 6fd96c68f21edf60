"""Stage 3 counts practice from the apps where it happens: the suggestion board's answers."""

import pytest
from django.utils import translation

from feedback.services import answer_suggestion
from study.models import Requirement, Stage
from study.practice import practice_source_choices
from study.progress import progress_of_one
from tests.feedback.factories import CategoryFactory, SuggestionFactory

from .factories import EnrollmentFactory, RequirementFactory

pytestmark = pytest.mark.django_db


def test_the_suggestion_board_is_a_practice_source():
    with translation.override("zh-hans"):
        assert ("suggestions", "答复的群众建议") in [
            (key, str(label)) for key, label in practice_source_choices()
        ]


def test_suggestions_a_member_answers_count_towards_stage_three():
    enrollment = EnrollmentFactory(stage=Stage.PRACTICE)
    member = enrollment.person
    RequirementFactory(
        plan=enrollment.plan,
        stage=Stage.PRACTICE,
        kind=Requirement.Kind.PRACTICE,
        minimum=3,
        practice_sources=["suggestions"],
    )
    category = CategoryFactory(handlers=[member])
    for suggestion in SuggestionFactory.create_batch(2, category=category):
        answer_suggestion(actor=member, suggestion=suggestion, answer="已反馈至宿管中心。")
    SuggestionFactory(category=category)  # not answered: does not count

    with translation.override("en"):
        (item,) = progress_of_one(enrollment).stages[Stage.PRACTICE - 1].requirements
        assert (item.done, item.needed) == (2, 3)
        assert str(item.title) == "At least 3 practice records: Suggestions answered"
    assert not progress_of_one(enrollment).stages[Stage.PRACTICE - 1].met

    answer_suggestion(
        actor=member, suggestion=SuggestionFactory(category=category), answer="已解决。"
    )
    assert progress_of_one(enrollment).stages[Stage.PRACTICE - 1].met
