"""Inspections: the score from the weights, versioned checklists, the inspector's draft and
submission, follow-ups, re-inspection, and the residents' comments and disputes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dorms import services
from dorms.models import Answer, ChecklistItem, Dispute, FollowUp, InspectionStatus, Scale
from dorms.scoring import total_score


def fill(member, inspection, marks: dict[str, int]):
    """Mark the items named in `marks` (by text) and submit."""
    inspection = services.start_inspection(actor=member, inspection=inspection)
    for answer in inspection.answers.all():
        services.save_answer(
            actor=member, inspection=inspection, answer_id=answer.pk, value=marks[answer.text]
        )
    return services.submit_inspection(actor=member, inspection=inspection)


def answer(scale, weight, value):
    return Answer(scale=scale, weight=weight, value=value)


def test_score_arithmetic_with_weights_and_pass_fail():
    # 2 * 4/5 + 3 * 1 + 1 * 5/5 = 5.6 of 6 → 93.3
    answers = [
        answer(Scale.SCORE, 2, 4),
        answer(Scale.PASS_FAIL, 3, 1),
        answer(Scale.SCORE, 1, 5),
    ]
    assert total_score(answers) == Decimal("93.3")
    # The safety item failed: 2 * 4/5 + 0 + 1 = 2.6 of 6 → 43.3
    answers[1].value = 0
    assert total_score(answers) == Decimal("43.3")
    assert total_score([answer(Scale.SCORE, 1, 0)]) == Decimal("0.0")
    assert total_score([answer(Scale.SCORE, 5, 5), answer(Scale.PASS_FAIL, 5, 1)]) == 100
    assert total_score([]) == 0


def test_a_member_inspects_his_room(member, inspection):
    done = fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})
    assert done.status == InspectionStatus.DONE
    assert done.score == Decimal("93.3")
    assert not done.has_safety_failure
    assert done.done_on == timezone.localdate()
    assert FollowUp.objects.count() == 0


def test_failed_items_become_follow_ups_with_a_due_date(member, inspection):
    done = fill(member, inspection, {"地面整洁": 2, "无违规电器": 0, "作息文明": 5})
    assert done.has_safety_failure
    follow_ups = FollowUp.objects.order_by("answer__position")
    assert [f.answer.text for f in follow_ups] == ["地面整洁", "无违规电器"]
    assert {f.due for f in follow_ups} == {
        timezone.localdate() + datetime.timedelta(days=services.FOLLOW_UP_DAYS)
    }


def test_editing_the_checklist_never_changes_a_past_score(
    member, inspection, checklist, admin_client
):
    done = fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})
    version = done.checklist_version
    item = ChecklistItem.objects.get(text="地面整洁")
    item.weight = 10
    item.text = "地面与阳台整洁"
    item.save()
    done.refresh_from_db()
    assert done.score == Decimal("93.3")
    assert list(done.answers.values_list("text", "weight")) == [
        ("地面整洁", 2),
        ("无违规电器", 3),
        ("作息文明", 1),
    ]
    assert total_score(done.answers.all()) == Decimal("93.3")
    # Staff editing the items in the admin raise the version.
    items = list(checklist.items.order_by("position"))
    form = {
        "name": checklist.name,
        "is_active": "on",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(items):
        form |= {
            f"items-{index}-id": row.pk,
            f"items-{index}-checklist": checklist.pk,
            f"items-{index}-position": row.position,
            f"items-{index}-group": row.group,
            f"items-{index}-text": row.text,
            f"items-{index}-weight": 7 if index == 0 else row.weight,
            f"items-{index}-scale": row.scale,
            f"items-{index}-is_active": "on",
        }
    response = admin_client.post(f"/admin/dorms/checklist/{checklist.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    checklist.refresh_from_db()
    assert checklist.version == version + 1
    done.refresh_from_db()
    assert done.score == Decimal("93.3") and done.checklist_version == version


def test_a_submission_with_an_item_unmarked_is_refused(member, inspection):
    inspection = services.start_inspection(actor=member, inspection=inspection)
    first = inspection.answers.first()
    services.save_answer(actor=member, inspection=inspection, answer_id=first.pk, value=3)
    with pytest.raises(ValidationError, match="无违规电器"):
        services.submit_inspection(actor=member, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


@pytest.mark.parametrize("value", ["6", "-1", "x"])
def test_a_mark_outside_the_scale_is_refused(member, inspection, value):
    inspection = services.start_inspection(actor=member, inspection=inspection)
    first = inspection.answers.first()
    with pytest.raises(ValidationError):
        services.save_answer(actor=member, inspection=inspection, answer_id=first.pk, value=value)
    first.refresh_from_db()
    assert first.value is None


def test_another_members_inspection_cannot_be_changed(other_member, member, inspection, staff):
    with pytest.raises(PermissionDenied):
        services.start_inspection(actor=other_member, inspection=inspection)
    inspection = services.start_inspection(actor=member, inspection=inspection)
    first = inspection.answers.first()
    for outsider in (other_member, staff):
        with pytest.raises(PermissionDenied):
            services.save_answer(actor=outsider, inspection=inspection, answer_id=first.pk, value=1)
    first.refresh_from_db()
    assert first.value is None


def test_a_done_inspection_cannot_be_changed(member, inspection):
    done = fill(member, inspection, {"地面整洁": 4, "无违规电器": 1, "作息文明": 5})
    with pytest.raises(PermissionDenied):
        services.save_answer(
            actor=member, inspection=done, answer_id=done.answers.first().pk, value=0
        )


def test_a_reinspection_carries_the_failed_items_forward(member, inspection, client):
    done = fill(member, inspection, {"地面整洁": 1, "无违规电器": 0, "作息文明": 5})
    again = services.reinspect(actor=member, inspection=done)
    assert again.original_id == done.pk
    values = dict(again.answers.values_list("text", "value"))
    assert values == {"地面整洁": None, "无违规电器": None, "作息文明": 5}
    for row in again.answers.filter(value__isnull=True):
        services.save_answer(
            actor=member,
            inspection=again,
            answer_id=row.pk,
            value=1 if row.scale == Scale.PASS_FAIL else 4,
        )
    services.submit_inspection(actor=member, inspection=again)
    assert FollowUp.objects.filter(resolved_at__isnull=False).count() == 2
    client.force_login(member)
    page = client.get(f"/dorms/inspections/{again.pk}/").content.decode()
    # Side by side: the earlier result next to the new one.
    assert page.count('data-testid="before"') == 3
    assert "不合格" in page and "合格" in page


def test_a_resident_comments_once_and_staff_settle_a_dispute(member, student, staff, inspection):
    done = fill(member, inspection, {"地面整洁": 2, "无违规电器": 1, "作息文明": 5})
    item = done.answers.get(text="地面整洁")
    dispute = services.dispute_item(
        actor=student, answer=item, text="当天刚拖过地", is_dispute=True
    )
    with pytest.raises(PermissionDenied):
        services.dispute_item(actor=student, answer=item, text="再说一次", is_dispute=False)
    with pytest.raises(PermissionDenied):
        services.dispute_item(actor=member, answer=item, text="我不住这里", is_dispute=True)
    with pytest.raises(PermissionDenied):
        services.settle_dispute(actor=member, dispute=dispute, upheld=True, answer="好")
    services.settle_dispute(actor=staff, dispute=dispute, upheld=True, answer="已核实。")
    dispute.refresh_from_db()
    assert dispute.status == "upheld" and dispute.settled_by == staff
    assert Dispute.objects.count() == 1


def test_staff_give_a_reinspection_to_the_rooms_inspector(member, staff, inspection):
    done = fill(member, inspection, {"地面整洁": 1, "无违规电器": 1, "作息文明": 5})
    again = services.reinspect(actor=staff, inspection=done)
    assert again.inspector == member and again.status == InspectionStatus.TO_DO
    again = services.start_inspection(actor=member, inspection=again)
    assert again.answers.filter(value__isnull=True).count() == 1
