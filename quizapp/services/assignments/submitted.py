"""What happens once a student's attempt at an assignment is stored as finished.

`quizzes.taking` calls `submitted` after the transaction that finished the attempt
committed, so nothing here can undo the student's work. Today one thing listens: the
grade passback to a course platform (`services.lti.grades`), which queues the score
in the database and sends it; a failure there is logged and the score stays queued.
`counted_attempt` tells a listener which attempt's score counts.
"""

from __future__ import annotations

import logging
from datetime import datetime

from quizapp.domain.gradebook import AttemptSummary
from quizapp.models import Assignment, QuizAttempt
from quizapp.services.assignments.reading import _outcome, _summaries

log = logging.getLogger(__name__)


def submitted(attempt: QuizAttempt) -> None:
    """Tell the listeners that `attempt` (finished, committed) was submitted."""
    if attempt.assignment_id is None or not attempt.is_finished:
        return
    from quizapp.services.lti import grades  # imported late: lti reads assignments

    try:
        grades.after_submission(attempt.id)
    except Exception:  # the student's answer is stored; the outbox retry catches up
        log.exception("queueing the grade of attempt %s for its platform failed", attempt.id)


def counted_attempt(
    assignment: Assignment, user_id: int, *, now: datetime
) -> AttemptSummary | None:
    """The student's attempt that counts under the assignment's rule (best or last), if any."""
    attempts = _summaries([assignment.id], [user_id]).get((assignment.id, user_id), [])
    return _outcome(assignment, attempts, now).counted
