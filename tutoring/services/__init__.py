"""The writes of peer tutoring.

- `asking`: requests (submit, withdraw) and offers (save, pause);
- `pairings`: the pairing workflow (propose, accept, decline, pause, resume, end, hand over);
- `sessions`: sessions (log, confirm), ratings and check-in answers;
- `sweeps`: the reminders and check-in surveys, each notice once;
- `notices`: the history and who is told.

Which step may be taken in which status, and by whom, is the table in `tutoring.workflow`;
every service here enforces it.
"""

from .asking import save_offer, submit_request, withdraw_request
from .pairings import (
    accept_pairing,
    decline_pairing,
    end_pairing,
    hand_over_pairing,
    hand_over_tutees,
    pause_pairing,
    propose_tutor,
    resume_pairing,
    tutors_to_hand_to,
)
from .sessions import answer_check_in, confirm_session, log_session, rate_session
from .sweeps import remind_quiet_pairings, remind_waiting, send_check_ins

__all__ = [
    "accept_pairing",
    "answer_check_in",
    "confirm_session",
    "decline_pairing",
    "end_pairing",
    "hand_over_pairing",
    "hand_over_tutees",
    "log_session",
    "pause_pairing",
    "propose_tutor",
    "rate_session",
    "remind_quiet_pairings",
    "remind_waiting",
    "resume_pairing",
    "save_offer",
    "send_check_ins",
    "submit_request",
    "tutors_to_hand_to",
    "withdraw_request",
]
