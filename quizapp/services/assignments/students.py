"""Students and their assignments: what one student sees of an assignment, their list
across classes, and starting an attempt (open, not past due, attempts left).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
from quizapp.services import Forbidden
from quizapp.services import quizzes as quiz_service
from quizapp.services.assignments.making import AssignmentClosed
from quizapp.services.assignments.reading import _outcome, _summaries, get_assignment


@dataclass(frozen=True)
class StudentView:
    """What a student sees of one assignment: their own outcome and what they can do."""

    assignment: Assignment
    outcome: Outcome
    attempts: list[AttemptSummary]
    can_start: bool
    reason: str  # why not, when `can_start` is False


def _availability(assignment: Assignment, outcome: Outcome, now: datetime) -> tuple[bool, str]:
    if outcome.open_attempt is not None:
        return True, ""
    if now < assignment.opens_at:
        return False, "This assignment is not open yet."
    if now > assignment.due_at and not assignment.accept_late:
        return False, "This assignment was due; it takes no more work."
    if assignment.attempts_allowed is not None and outcome.attempts >= assignment.attempts_allowed:
        return False, "You have used your attempt at this assignment."
    return True, ""


def student_view(student: User, class_id: int, assignment_id: int, *, now: datetime) -> StudentView:
    """A student's own view of an assignment (never anyone else's results).

    Raises:
        NotFound: Not an assignment of a class the student is in.
    """
    _, assignment = get_assignment(student, class_id, assignment_id)
    attempts = _summaries([assignment.id], [student.id]).get((assignment.id, student.id), [])
    outcome = _outcome(assignment, attempts, now)
    can_start, reason = _availability(assignment, outcome, now)
    attempts = sorted(attempts, key=lambda a: (a.started_at, a.attempt_id))
    return StudentView(assignment, outcome, attempts, can_start, reason)


def student_assignments(student: User, *, now: datetime, class_id: int | None = None):
    """Every assignment of the student's classes with their own outcome, by due date.

    Returns:
        A list of (school class, StudentView).
    """
    query = (
        select(Assignment, SchoolClass)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
        .where(ClassMembership.student_id == student.id)
        .order_by(Assignment.due_at, Assignment.id)
    )
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    rows = list(db.session.execute(query))
    summaries = _summaries([a.id for a, _ in rows], [student.id])
    views = []
    for assignment, school_class in rows:
        attempts = summaries.get((assignment.id, student.id), [])
        outcome = _outcome(assignment, attempts, now)
        can_start, reason = _availability(assignment, outcome, now)
        views.append((school_class, StudentView(assignment, outcome, attempts, can_start, reason)))
    return views


def start(student: User, class_id: int, assignment_id: int, *, now: datetime) -> QuizAttempt:
    """Start (or resume) the student's attempt at an assignment.

    An attempt still open is resumed, never duplicated: a double click or a second tab
    gets the same attempt. The attempt number is unique per student and assignment in
    the database, so two racing starts make one attempt.

    Raises:
        NotFound: Not an assignment of a class the student is in.
        Forbidden: The class's teacher (teachers don't take their own assignments).
        AssignmentClosed: Not open yet, past due with late work refused, or the one
            attempt is used.
    """
    school_class, assignment = get_assignment(student, class_id, assignment_id)
    if school_class.teacher_id == student.id:
        raise Forbidden("This is your own class's assignment; students take it.")
    view = student_view(student, class_id, assignment_id, now=now)
    if view.outcome.open_attempt is not None:
        return db.session.get(QuizAttempt, view.outcome.open_attempt.attempt_id)
    if not view.can_start:
        raise AssignmentClosed(view.reason)
    number = view.outcome.attempts + 1
    try:
        return quiz_service.start_fixed_quiz(
            student,
            assignment.deck,
            assignment.question_ids,
            now=now,
            built=assignment.built_questions,
            # Each student (and each attempt) gets an order of their own, reproducibly.
            seed=random.Random(f"{assignment.seed}:{student.id}:{number}").randrange(2**31),
            shuffle=assignment.shuffle,
            time_limit=assignment.time_limit_seconds,
            due_at=assignment.due_at,
            accept_late=assignment.accept_late,
            assignment_id=assignment.id,
            attempt_number=number,
        )
    except IntegrityError:
        # The same student's other request started this attempt first: resume it.
        db.session.rollback()
        attempt = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.assignment_id == assignment.id,
                QuizAttempt.user_id == student.id,
                QuizAttempt.attempt_number == number,
            )
        )
        if attempt is None:
            raise
        return attempt
