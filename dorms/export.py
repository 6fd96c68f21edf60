"""The dorms' staff tables as Excel workbooks, every cell formula-safe (`formula_safe`)."""

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exports import formula_safe

from .models import Dispute, KeyDorm, Round


def _dataset(headers: list[str], title: str) -> tablib.Dataset:
    return tablib.Dataset(headers=headers, title=title[:31])


def export_round(round_: Round) -> bytes:
    dataset = _dataset(
        [
            _("Building"),
            _("Floor"),
            _("Room"),
            _("Inspector"),
            _("Status"),
            _("Score"),
            _("Inspected on"),
            _("Re-inspection"),
        ],
        round_.name,
    )
    rows = round_.inspections.select_related("room__floor__building", "inspector")
    for inspection in rows.iterator(chunk_size=1000):
        dataset.append(
            formula_safe(
                [
                    inspection.room.floor.building.name,
                    inspection.room.floor.number,
                    inspection.room.number,
                    inspection.inspector.display_name if inspection.inspector else "",
                    inspection.get_status_display(),
                    float(inspection.score) if inspection.score is not None else "",
                    inspection.done_on.isoformat() if inspection.done_on else "",
                    _("Yes") if inspection.original_id else "",
                ]
            )
        )
    return dataset.export("xlsx")


def export_scores(rounds: list[Round], lines: list[dict]) -> bytes:
    dataset = _dataset([_("Building"), _("Floor"), *[r.name for r in rounds]], _("Scores"))
    for line in lines:
        scores = ["" if score is None else score for score in line["scores"]]
        dataset.append(formula_safe([line["building"], line["floor"], *scores]))
    return dataset.export("xlsx")


def export_disputes(disputes: QuerySet[Dispute]) -> bytes:
    dataset = _dataset(
        [
            _("Room"),
            _("Item"),
            _("Resident"),
            _("Dispute"),
            _("Resident's comment"),
            _("Status"),
            _("Staff's answer"),
        ],
        _("Disputes"),
    )
    rows = disputes.select_related("answer__inspection__room__floor__building", "resident")
    for dispute in rows.iterator(chunk_size=1000):
        dataset.append(
            formula_safe(
                [
                    str(dispute.answer.inspection.room),
                    dispute.answer.text,
                    dispute.resident.display_name,
                    _("Yes") if dispute.is_dispute else "",
                    dispute.text,
                    dispute.get_status_display(),
                    dispute.settlement,
                ]
            )
        )
    return dataset.export("xlsx")


def export_key_dorms(key_dorms: QuerySet[KeyDorm]) -> bytes:
    dataset = _dataset(
        [
            _("Room"),
            _("Status"),
            _("Reason"),
            _("Goals"),
            _("Responsible member"),
            _("Plan reviewer"),
            _("Review date"),
            _("Opened"),
            _("Actions"),
        ],
        _("Key dorms"),
    )
    rows = key_dorms.select_related(
        "room__floor__building", "responsible", "reviewer"
    ).prefetch_related("actions")
    for key_dorm in rows:
        dataset.append(
            formula_safe(
                [
                    str(key_dorm.room),
                    key_dorm.get_status_display(),
                    key_dorm.reason,
                    key_dorm.goals,
                    key_dorm.responsible.display_name if key_dorm.responsible else "",
                    key_dorm.reviewer.display_name if key_dorm.reviewer else "",
                    key_dorm.review_date.isoformat() if key_dorm.review_date else "",
                    timezone.localtime(key_dorm.opened_at).strftime("%Y-%m-%d"),
                    len(key_dorm.actions.all()),
                ]
            )
        )
    return dataset.export("xlsx")
