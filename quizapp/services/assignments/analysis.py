"""The layer under "what to reteach": item analysis of an assignment, and a teacher
accepting a student's answer.

`item_analysis` reads every student's counted attempt (the gradebook's: best or
last, by the assignment's rule) and hands the answers to
`domain.item_analysis.analyse`. It also lists each question's wrong answers with
the student who gave them, so the teacher can accept one.

`accept_answer` turns one response of an assignment attempt into a right answer
with full credit, for the class's teacher only. The attempt's score is summed
again from its responses, so the report, the gradebook and the CSV files follow.
Each acceptance is logged (an `AnswerOverride` row with what the response counted
before, and a line in the app's log); accepting an answer already accepted, or
already right, changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from quizapp.domain import gradebook
from quizapp.domain import item_analysis as analysis_domain
from quizapp.domain import quizzes as quiz_domain
from quizapp.extensions import db
from quizapp.models import (
    AnswerOverride,
    Assignment,
    Deck,
    Fact,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    SchoolClass,
    User,
)
from quizapp.models.types import is_row_id
from quizapp.services import NotFound, write_transaction
from quizapp.services.assignments.gradebook import _teacher_assignment
from quizapp.services.assignments.reading import _outcome, _students, _summaries
from quizapp.services.assignments.submitted import submitted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WrongAnswer:
    """A student's wrong (or partly right) answer to a question, which may be accepted."""

    response_id: int
    student: User
    given: str
    points: float


@dataclass(frozen=True)
class ItemAnalysisReport:
    """The item analysis page of an assignment.

    Attributes:
        school_class, assignment: What it is about.
        analysis: The statistics, one item per question in the assignment's order.
        deck_key: The assignment's deck.
        can_edit: Whether the teacher may edit the deck (links go to the editor, else
            to the fact's page).
        fact_keys: Each question's fact key, by question id.
        wrong: Each question's wrong answers (with their students), by question id.
        accepted: Ids of responses the teacher has accepted.
    """

    school_class: SchoolClass
    assignment: Assignment
    analysis: analysis_domain.Analysis
    deck_key: str
    can_edit: bool
    fact_keys: dict[str, str]
    wrong: dict[str, list[WrongAnswer]]
    accepted: frozenset[int]


def _chosen(given: Any) -> tuple[str, ...]:
    if isinstance(given, list):
        return tuple(str(part) for part in given)
    return (str(given),) if given not in (None, "") else ()


def item_analysis(
    teacher: User, class_id: int, assignment_id: int, *, now: datetime
) -> ItemAnalysisReport:
    """Item analysis of one assignment's counted attempts (its teacher only).

    Raises:
        NotFound: Not an assignment of the teacher's own class.
    """
    school_class, assignment = _teacher_assignment(teacher, class_id, assignment_id)
    students = {s.id: s for s in _students(school_class)}
    summaries = _summaries([assignment.id], list(students))
    counted = {}
    for student_id, student in students.items():
        outcome = _outcome(assignment, summaries.get((assignment.id, student_id), []), now)
        if outcome.counted is not None:
            counted[outcome.counted.attempt_id] = student
    rows = db.session.execute(
        select(QuizQuestion, QuizResponse, Fact.key)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizQuestion.attempt_id.in_(list(counted)))
        .order_by(QuizQuestion.attempt_id, QuizQuestion.position)
    ).all()
    payloads: dict[str, dict[str, Any]] = {}
    fact_keys: dict[str, str] = {}
    responses, wrong, response_ids = [], {}, []
    for question, response, fact_key in rows:
        payloads.setdefault(question.question_id, question.payload)
        fact_keys[question.question_id] = fact_key
        points = response.points if response is not None else 0.0
        given = response.answer if response is not None else None
        responses.append(
            analysis_domain.ItemResponse(
                question.attempt_id, question.question_id, points, _chosen(given)
            )
        )
        if response is not None:
            response_ids.append(response.id)
            if points < 1:
                student = counted[question.attempt_id]
                text = gradebook.answer_text(given, question.kind)
                wrong.setdefault(question.question_id, []).append(
                    WrongAnswer(response.id, student, text, points)
                )
    order = [qid for qid in assignment.question_ids if qid in payloads]
    questions = [_item_question(qid, payloads[qid]) for qid in order]
    deck = db.session.get(Deck, assignment.deck_id)
    accepted = set(
        db.session.scalars(
            select(AnswerOverride.response_id).where(AnswerOverride.response_id.in_(response_ids))
        )
    )
    for answers in wrong.values():
        answers.sort(key=lambda w: (w.given.casefold(), w.student.display_name.casefold()))
    return ItemAnalysisReport(
        school_class=school_class,
        assignment=assignment,
        analysis=analysis_domain.analyse(questions, responses),
        deck_key=deck.key,
        can_edit=deck.owner_id == teacher.id,
        fact_keys=fact_keys,
        wrong=wrong,
        accepted=frozenset(accepted),
    )


def _item_question(question_id: str, payload: dict[str, Any]) -> analysis_domain.ItemQuestion:
    # An order question's items are each placed by every answer: no option statistics.
    choices = () if payload.get("kind") == "order" else tuple(payload.get("choices") or ())
    # Options in a fixed order (each attempt showed its own shuffle of them).
    return analysis_domain.ItemQuestion(
        question_id=question_id,
        prompt=payload.get("prompt", ""),
        options=tuple(sorted(choices, key=str.casefold)),
        correct=(
            (payload.get("answer", ""),)
            if payload.get("kind") == "order"
            else tuple(payload.get("correct") or (payload.get("answer", ""),))
        ),
    )


@dataclass(frozen=True)
class Accepted:
    """What accepting an answer did.

    Attributes:
        student: Whose answer it was.
        attempt_id: The attempt whose score it changed (a grade sent elsewhere, as
            to an LMS, is out of date when `changed`).
        changed: False if it already counted as right (nothing was changed).
        score: The attempt's score now.
    """

    student: User
    attempt_id: int
    changed: bool
    score: float


def accept_answer(
    teacher: User, class_id: int, assignment_id: int, response_id: int, *, now: datetime
) -> Accepted:
    """Accept a student's answer in an assignment as right, with full credit.

    Raises:
        NotFound: Not the teacher's class or assignment, or the response is not one
            of this assignment's.
    """
    _, assignment = _teacher_assignment(teacher, class_id, assignment_id)
    with write_transaction() as session:
        found = (
            session.execute(
                select(QuizResponse, QuizAttempt)
                .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
                .join(QuizAttempt, QuizAttempt.id == QuizQuestion.attempt_id)
                .where(
                    QuizResponse.id == response_id,
                    QuizAttempt.assignment_id == assignment.id,
                )
                .with_for_update()
            ).first()
            if is_row_id(response_id)
            else None
        )
        if found is None:
            raise NotFound("There is no such answer in this assignment.")
        response, attempt = found
        student = db.session.get(User, attempt.user_id)
        if response.correct and response.points >= 1:
            return Accepted(student, attempt.id, changed=False, score=attempt.score)
        session.add(
            AnswerOverride(
                response_id=response.id,
                teacher_id=teacher.id,
                previous_correct=response.correct,
                previous_points=response.points,
                created_at=now,
            )
        )
        response.correct, response.points = True, 1.0
        session.flush()
        points = session.scalars(
            select(QuizResponse.points)
            .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
            .where(QuizQuestion.attempt_id == attempt.id)
        )
        attempt.score = quiz_domain.total_score(list(points))
        score = attempt.score
    log.info(
        "teacher %s accepted response %s (attempt %s, assignment %s): score now %s",
        teacher.id,
        response_id,
        attempt.id,
        assignment.id,
        score,
    )
    submitted(db.session.get(QuizAttempt, attempt.id))  # the platform's gradebook follows
    return Accepted(student, attempt.id, changed=True, score=score)
