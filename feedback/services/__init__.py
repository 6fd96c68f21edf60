"""The writes of the suggestion board: submit, support, report, handle, rate, moderate, and the
sweeps that chase overdue suggestions and tell anonymous authors of news.

Every change records a `Step` (who and when) and tells the author. The author of an anonymous
suggestion is told with a notice that does not say which suggestion it is about, and his steps
are recorded without naming him.

- `submitting`: submitting, the daily limit, support (+1) and reports;
- `handling`: the workflow's state transitions, the handlers' and the author's, and who may
  be a category's handler;
- `moderation`: hiding and restoring;
- `notices`: the history, who is told of it, and the hourly sweeps.

Which step may be taken in which status, and by whom, is the table in `feedback.workflow`; every
service here enforces it.
"""

from .handling import (
    RATED_NOT_SATISFIED,
    RATED_SATISFIED,
    accept_suggestion,
    add_handlers,
    answer_suggestion,
    assign_suggestions,
    check_handlers,
    close_suggestion,
    decline_suggestion,
    merge_suggestion,
    rate_answer,
    reopen_suggestion,
    start_work,
)
from .moderation import hide_suggestion, restore_suggestion
from .notices import ESCALATE_AFTER, deliver_anonymous_news, remind_overdue
from .submitting import (
    check_daily_limit,
    report_suggestion,
    submit_suggestion,
    submitted_today,
    toggle_support,
)

__all__ = [
    "ESCALATE_AFTER",
    "RATED_NOT_SATISFIED",
    "RATED_SATISFIED",
    "accept_suggestion",
    "add_handlers",
    "answer_suggestion",
    "assign_suggestions",
    "check_daily_limit",
    "check_handlers",
    "close_suggestion",
    "decline_suggestion",
    "deliver_anonymous_news",
    "hide_suggestion",
    "merge_suggestion",
    "rate_answer",
    "remind_overdue",
    "reopen_suggestion",
    "report_suggestion",
    "restore_suggestion",
    "start_work",
    "submit_suggestion",
    "submitted_today",
    "toggle_support",
]
