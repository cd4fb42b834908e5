"""Teachers making assignments: what a teacher fills in (`AssignmentSpec`), creating an
assignment with its question set fixed once, deleting one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizapp.domain import gradebook
from quizapp.domain import quizzes as quiz_domain
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Deck,
    QuizAttempt,
    User,
)
from quizapp.services import NotFound, ServiceError, write_transaction
from quizapp.services import classroom as classroom_service
from quizapp.services import quizzes as quiz_service
from quizapp.services.assignments.reading import get_assignment

TITLE_MAX = 200


class AssignmentClosed(ServiceError):
    """The assignment can't be started now (not open yet, past due, attempts used)."""

    status = 409


@dataclass(frozen=True)
class AssignmentSpec:
    """What a teacher fills in to assign a quiz.

    Attributes:
        deck_key: The deck the questions come from.
        title: Shown to students (empty: the deck's title).
        subjects: Entity keys to ask about (empty: all).
        kinds: Question kinds (empty: all).
        count: Number of questions.
        time_limit: Seconds per question, or None.
        opens_at: From when students can start.
        due_at: The due date (after `opens_at`).
        attempts_allowed: 1, or None for unlimited.
        scoring: `gradebook.BEST` or `gradebook.LAST`.
        late_policy: `gradebook.MARK_LATE` or `gradebook.REFUSE_LATE`.
        shuffle: Each student gets the questions in their own order.
    """

    deck_key: str
    opens_at: datetime
    due_at: datetime
    title: str = ""
    subjects: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    count: int = quiz_domain.DEFAULT_COUNT
    time_limit: int | None = None
    attempts_allowed: int | None = 1
    scoring: str = gradebook.BEST
    late_policy: str = gradebook.MARK_LATE
    shuffle: bool = True


def _check_spec(spec: AssignmentSpec, now: datetime) -> None:
    if spec.opens_at.tzinfo is None or spec.due_at.tzinfo is None:
        raise ValueError("assignment dates must be timezone-aware")
    if spec.due_at <= spec.opens_at:
        raise ServiceError("The due date must be after the opening date.")
    if spec.due_at <= now:
        raise ServiceError("The due date has already passed: pick a later one.")
    if spec.attempts_allowed not in (1, None):
        raise ServiceError("Allow either one attempt or unlimited attempts.")
    if spec.scoring not in gradebook.SCORING:
        raise ServiceError("Choose whether the best or the last attempt counts.")
    if spec.late_policy not in gradebook.LATE_POLICIES:
        raise ServiceError("Choose whether late work is marked late or refused.")
    if len(spec.title.strip()) > TITLE_MAX:
        raise ServiceError(f"A title has at most {TITLE_MAX} characters.")


def create_assignment(
    teacher: User, class_id: int, spec: AssignmentSpec, *, now: datetime, seed: int | None = None
) -> Assignment:
    """Assign a quiz to the teacher's class; its question set is chosen now, once.

    Args:
        teacher: The class's teacher.
        class_id: The class.
        spec: What to assign.
        now: The current time (the due date must be later).
        seed: Seeds the choice of questions and each student's order (random if None).

    Raises:
        NotFound: Not the teacher's class, or a deck the teacher can't see.
        ServiceError: Dates out of order, a bad count/kind/topic/time limit, or no
            question matching the choices.
    """
    school_class = classroom_service.get_own_class(teacher, class_id)
    _check_spec(spec, now)
    seed = secrets.randbits(31) if seed is None else seed % 2**31
    options = quiz_domain.QuizOptions(
        subjects=tuple(spec.subjects),
        kinds=tuple(spec.kinds),
        count=spec.count,
        time_limit=spec.time_limit,
    )
    chosen = quiz_service.choose_question_ids(teacher, spec.deck_key, options, seed=seed)
    deck = db.session.scalar(select(Deck).where(Deck.key == spec.deck_key))
    with write_transaction() as session:
        assignment = Assignment(
            class_id=school_class.id,
            deck_id=deck.id,
            title=spec.title.strip() or deck.title,
            subjects=sorted(set(spec.subjects)),
            kinds=sorted(set(spec.kinds)),
            question_ids=chosen.ids,
            built_questions=chosen.built or None,
            time_limit_seconds=spec.time_limit,
            opens_at=spec.opens_at,
            due_at=spec.due_at,
            attempts_allowed=spec.attempts_allowed,
            scoring=spec.scoring,
            late_policy=spec.late_policy,
            shuffle=spec.shuffle,
            seed=seed,
        )
        session.add(assignment)
    return assignment


def delete_assignment(teacher: User, class_id: int, assignment_id: int) -> str:
    """Delete an assignment. Students' attempts stay in their own quiz history.

    Returns:
        The deleted assignment's title.
    """
    with write_transaction() as session:
        school_class, assignment = get_assignment(teacher, class_id, assignment_id)
        if school_class.teacher_id != teacher.id:
            raise NotFound("There is no such assignment in this class.")
        title = assignment.title
        for attempt in session.scalars(
            select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id)
        ):
            attempt.assignment_id = None
        session.flush()
        session.delete(assignment)
    return title
