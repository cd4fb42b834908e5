"""Reading assignments with their access rule (the class's teacher and students, NotFound
for anyone else), and the per-student attempt summaries the other parts build on.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from quizapp.domain import gradebook
from quizapp.domain.gradebook import (
    AttemptSummary,
    Outcome,
)
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    ClassMembership,
    QuizAttempt,
    SchoolClass,
    User,
)
from quizapp.models.types import is_row_id
from quizapp.services import NotFound
from quizapp.services import classroom as classroom_service


def class_assignments(user: User, class_id: int) -> list[Assignment]:
    """The class's assignments by due date (its teacher and students only)."""
    school_class = classroom_service.get_class(user, class_id)
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.class_id == school_class.id)
            .order_by(Assignment.due_at, Assignment.id)
        )
    )


def get_assignment(user: User, class_id: int, assignment_id: int) -> tuple[SchoolClass, Assignment]:
    """An assignment of a class the user teaches or belongs to.

    Raises:
        NotFound: No such class or assignment, or one the user is not part of (the same
            answer, so ids can't be probed).
    """
    school_class = classroom_service.get_class(user, class_id)
    assignment = db.session.get(Assignment, assignment_id) if is_row_id(assignment_id) else None
    if assignment is None or assignment.class_id != school_class.id:
        raise NotFound("There is no such assignment in this class.")
    return school_class, assignment


def _summaries(assignment_ids: list[int], user_ids: list[int] | None = None):
    """AttemptSummary per (assignment id, user id), from the attempts alone: their
    answers' count and latest time are kept on them as each answer is stored."""
    if not assignment_ids:
        return {}
    query = select(
        QuizAttempt.id,
        QuizAttempt.assignment_id,
        QuizAttempt.user_id,
        QuizAttempt.started_at,
        QuizAttempt.finished_at,
        QuizAttempt.score,
        QuizAttempt.max_score,
        QuizAttempt.answered,
        QuizAttempt.last_answer_at,
        Assignment.due_at,
    ).join(Assignment, Assignment.id == QuizAttempt.assignment_id)
    query = query.where(QuizAttempt.assignment_id.in_(assignment_ids))
    if user_ids is not None:
        query = query.where(QuizAttempt.user_id.in_(user_ids))
    found: dict[tuple[int, int], list[AttemptSummary]] = defaultdict(list)
    rows = db.session.execute(query.order_by(QuizAttempt.id))
    for attempt_id, assignment_id, user_id, started, finished, score, max_score, *rest in rows:
        answered, last_answer, due_at = rest
        found[(assignment_id, user_id)].append(
            AttemptSummary(
                attempt_id,
                started,
                finished,
                last_answer,
                score,
                max_score,
                answered,
                # An answer after the due date: the latest one is.
                due_at is not None and last_answer is not None and last_answer > due_at,
            )
        )
    return found


def _outcome(assignment: Assignment, attempts: list[AttemptSummary], now: datetime) -> Outcome:
    return _outcome_rule(assignment, now)(attempts)


def _outcome_rule(assignment: Assignment, now: datetime) -> Callable[[list], Outcome]:
    """`_outcome` of this assignment at `now` for any student's attempts: the assignment's
    rules read once for a whole class (a gradebook asks 1,200 times)."""
    return functools.partial(
        gradebook.outcome,
        scoring=assignment.scoring,
        due_at=assignment.due_at,
        accept_late=assignment.accept_late,
        now=now,
    )


def _students(school_class: SchoolClass) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ClassMembership, ClassMembership.student_id == User.id)
            .where(ClassMembership.class_id == school_class.id)
            .order_by(func.lower(User.display_name), User.id)
        )
    )
