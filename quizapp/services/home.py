"""The home page's dashboard: each feature's summary for one user, gathered by the view.

Templates never query: the home view calls `dashboard` once and each feature's partial
(`study/_home.html`, `classroom/_home.html`, `quiz/_home.html`) reads its part.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from quizapp.models import User
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services import quizzes as quiz_service
from quizapp.services import study as study_service
from quizapp.services import study_stats


def dashboard(user: User, now: datetime) -> dict[str, Any]:
    """Return ``{"study": ..., "classroom": ..., "quiz": ...}`` for the home page."""
    return {
        "study": _study(user, now),
        "classroom": _classroom(user, now),
        "quiz": quiz_service.home_summary(user),
    }


def _study(user: User, now: datetime) -> dict[str, Any]:
    if not study_stats.item_count(user):
        return {"counts": None}
    return {"counts": study_service.counts(user, now=now)}


def _classroom(user: User, now: datetime) -> dict[str, Any]:
    """The classes one teaches, or the classes one joined and the work still to do."""
    if user.is_teacher:
        return {"teaching": classroom_service.teacher_classes(user), "classes": [], "todo": []}
    assigned = assignment_service.student_assignments(user, now=now)
    return {
        "teaching": [],
        "classes": classroom_service.student_classes(user),
        # Still to do: open work without a counted score yet.
        "todo": [(c, v) for c, v in assigned if v.outcome.counted is None and v.can_start],
    }
