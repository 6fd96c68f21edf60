"""The writes of the dorms: who lives where and who looks after which rooms (`rooms`), rounds
and inspections (`inspections`), key dorms and their assistance (`key_dorms`), and the daily
reminder sweep (`reminders`). Every service asks `dorms.access` and refuses with
PermissionDenied; the key-dorm services enforce the table of `dorms.workflow`."""

from .inspections import (
    FOLLOW_UP_DAYS,
    Mark,
    dispute_item,
    reassign_inspection,
    reinspect,
    save_answer,
    save_answers,
    schedule_round,
    settle_dispute,
    start_inspection,
    submit_inspection,
)
from .key_dorms import (
    agree_plan,
    apply_rules,
    confirm_action,
    log_action,
    open_key_dorm,
    take_step,
)
from .reminders import send_reminders
from .rooms import add_contact, move_in

__all__ = [
    "FOLLOW_UP_DAYS",
    "Mark",
    "add_contact",
    "agree_plan",
    "apply_rules",
    "confirm_action",
    "dispute_item",
    "log_action",
    "move_in",
    "open_key_dorm",
    "reassign_inspection",
    "reinspect",
    "save_answer",
    "save_answers",
    "schedule_round",
    "send_reminders",
    "settle_dispute",
    "start_inspection",
    "submit_inspection",
    "take_step",
]
