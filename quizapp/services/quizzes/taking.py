"""Taking a quiz: the current question and its time limit on the server clock, grading
an answer against the attempt's snapshot (once per question), feedback, finishing and
the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.responses import ResponseRefused, read_estimate, read_order, read_response
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    User,
)
from quizapp.models.types import is_row_id
from quizapp.services import NotFound, ServiceError, is_request_id, write_transaction
from quizapp.services.quizzes.values import (
    LATE_GRACE,
    AnswerRefused,
    Feedback,
    QuizClosed,
    QuizResult,
    ResultItem,
    ShownQuestion,
)
from quizapp.services.study_items import mark_due_after_wrong_answers


def get_attempt(user: User, attempt_id: int, *, for_update: bool = False) -> QuizAttempt:
    """The user's attempt.

    Raises:
        NotFound: No such attempt, or another user's (the same answer, so ids can't be
            probed).
    """
    query = select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
    if for_update:
        query = query.with_for_update()
    attempt = db.session.scalar(query) if is_row_id(attempt_id) else None
    if attempt is None:
        raise NotFound("There is no such quiz among yours.")
    return attempt


def _attempt_questions(attempt: QuizAttempt) -> list[tuple[QuizQuestion, QuizResponse | None]]:
    rows = db.session.execute(
        select(QuizQuestion, QuizResponse)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizQuestion.attempt_id == attempt.id)
        .order_by(QuizQuestion.position)
    )
    return [(question, response) for question, response in rows]


def _deadline(attempt: QuizAttempt, question: QuizQuestion) -> datetime | None:
    if attempt.time_limit_seconds is None or question.served_at is None:
        return None
    return question.served_at + timedelta(seconds=attempt.time_limit_seconds)


def current_question(
    user: User, attempt_id: int, *, now: datetime, serve: bool = True
) -> ShownQuestion | None:
    """The next unanswered question of the attempt (where a reopened quiz resumes).

    Records when the question is first served: its time limit and time taken count from
    then. Serving it again (a reload, a second tab) does not restart the clock.

    Args:
        serve: False to read it without recording it as served (showing it again
            with the message of a refused answer changes nothing).

    Returns:
        The question without its answer key, or None if the attempt is finished or every
        question is answered.

    Raises:
        NotFound: Not an attempt of this user.
    """
    with write_transaction():
        attempt = get_attempt(user, attempt_id)
        if attempt.is_finished:
            return None
        rows = _attempt_questions(attempt)
        pending = [question for question, response in rows if response is None]
        if not pending:
            return None
        question = pending[0]
        if question.served_at is None and serve:
            question.served_at = now
        deadline = _deadline(attempt, question)
        view = quiz_domain.public_view(question.payload)
        return ShownQuestion(
            attempt_id=attempt.id,
            position=question.position,
            total=len(rows),
            answered=len(rows) - len(pending),
            question_id=question.question_id,
            kind=question.kind,
            prompt=view["prompt"],
            choices=tuple(view["choices"]),
            input=view["input"],
            time_limit=attempt.time_limit_seconds,
            seconds_left=(
                None if deadline is None else max(0, int((deadline - now).total_seconds()))
            ),
            deck=view.get("deck") or "",
            image=view.get("image") or "",
            unit=view.get("unit") or "",
            unit_label=view.get("unit_label") or "",
        )


def _clean_response(payload: dict[str, Any], response: Any, late: bool) -> str | list[str]:
    """Check a response has the shape its question takes; refuse anything else.

    No option picked (no guess typed, no item placed) is refused, except when time ran
    out: it then counts as wrong, and so does a guess or an order left half done when
    the countdown sent the form.
    """
    kind = quiz_domain.input_kind(payload)
    choices = payload.get("choices") or ()
    try:
        if kind == "estimate":
            cleaned = read_estimate(payload["unit"], response)
        elif kind == "order":
            cleaned = read_order(choices, response)
        else:
            cleaned = read_response(choices, kind == "select", response)
    except ResponseRefused as refused:
        if not (late and kind in ("estimate", "order")):
            raise AnswerRefused(str(refused)) from None
        cleaned = None
    several = kind in ("select", "order")
    if cleaned is None:
        # An empty typed answer is an answer (wrong); an option must be picked in time.
        if not late and kind != "text":
            raise AnswerRefused(_NOTHING_PICKED[kind])
        return [] if several else ""
    return list(cleaned) if several else cleaned


_NOTHING_PICKED = {
    "select": "Choose at least one option.",
    "choice": "Choose one of the options.",
    "estimate": "Type your guess.",
    "order": "Give every item a place in the order.",
}


def answer(
    user: User,
    attempt_id: int,
    *,
    position: int,
    question_id: str,
    response: str | Sequence[str],
    request_id: str,
    now: datetime,
) -> Feedback:
    """Grade and store the answer to an attempt's current question.

    Idempotent: once a question has a response, sending an answer for it again (the
    same request replayed, or another tab) changes nothing and returns the stored
    feedback with `replayed=True`.

    Args:
        user: The learner.
        attempt_id: Their attempt.
        position: The question's position (1-based).
        question_id: The question's id, which must be the one at that position.
        response: The typed text or chosen option; a list for multiple select.
        request_id: Generated by the answer form (see `services.REQUEST_ID`).
        now: When the answer arrived (server clock, UTC).

    Returns:
        The feedback: right or wrong, the right answer and the evidence.

    Raises:
        NotFound: Not an attempt of this user.
        ServiceError: (400) No question at that position, a question id that is not the
            one at that position, a question that is not the next one; (400,
            AnswerRefused) a response not of the question's shape; (409, QuizClosed)
            the attempt is finished or past its due date.
    """
    if not is_request_id(request_id):
        raise ServiceError("This answer came without a valid form id. Reload the page.")
    try:
        result = _answer(user, attempt_id, position, question_id, response, request_id, now)
    except IntegrityError:
        # Two submissions raced past the check; the first one's answer stands.
        db.session.rollback()
        return feedback(user, attempt_id, position, replayed=True)
    if result.finished and not result.replayed:
        _submitted(attempt_id)
    return result


def _answer(user, attempt_id, position, question_id, response, request_id, now) -> Feedback:
    with write_transaction() as session:
        attempt = get_attempt(user, attempt_id, for_update=True)
        rows = _attempt_questions(attempt)
        if not isinstance(position, int) or not 1 <= position <= len(rows):
            raise ServiceError(f"This quiz has no question {position}.")
        question, existing = rows[position - 1]
        if question.question_id != question_id:
            raise ServiceError("That question is not part of this quiz at this place.")
        if existing is not None:
            return _feedback(attempt, question, existing, len(rows), replayed=True)
        if attempt.is_finished:
            raise QuizClosed("This quiz is finished; it takes no more answers.")
        if attempt.due_at is not None and now > attempt.due_at and not attempt.accept_late:
            raise QuizClosed("This quiz was due earlier; it takes no more answers.")
        next_position = next(q.position for q, r in rows if r is None)
        if position != next_position:
            raise ServiceError(f"Answer the questions in order: question {next_position} is next.")

        served_at = question.served_at or now
        question.served_at = served_at
        deadline = _deadline(attempt, question)
        late = deadline is not None and now > deadline + LATE_GRACE
        given = _clean_response(question.payload, response, late)
        verdict = quiz_domain.judge_answer(question.payload, given)
        correct = verdict.correct and not late
        points = round(verdict.credit, 4) if not late else 0.0
        stored = QuizResponse(
            attempt_question_id=question.id,
            answer=given,
            correct=correct,
            points=points,
            late=late,
            time_taken_ms=max(0, int((now - served_at).total_seconds() * 1000)),
            answered_at=now,
            request_id=request_id,
        )
        session.add(stored)
        session.flush()
        if not correct:
            mark_due_after_wrong_answers(session, user.id, [question.fact_id], now)
        points_so_far = [r.points for _, r in rows if r is not None] + [points]
        attempt.score = quiz_domain.total_score(points_so_far)
        attempt.answered = len(points_so_far)
        attempt.last_answer_at = max(filter(None, (attempt.last_answer_at, now)))
        if len(points_so_far) == len(rows):
            attempt.finished_at = now
        return _feedback(attempt, question, stored, len(rows), replayed=False)


def _feedback(
    attempt: QuizAttempt,
    question: QuizQuestion,
    response: QuizResponse,
    total: int,
    *,
    replayed: bool,
) -> Feedback:
    payload = question.payload
    return Feedback(
        attempt_id=attempt.id,
        position=question.position,
        total=total,
        question_id=question.question_id,
        kind=question.kind,
        prompt=payload["prompt"],
        choices=tuple(payload.get("choices") or ()),
        given=response.answer,
        correct=response.correct,
        points=response.points,
        late=response.late,
        expected=payload["answer"],
        right_choices=tuple(payload.get("correct") or ()) if payload.get("choices") else (),
        accepted=tuple(payload.get("accepted") or ()),
        evidence=payload.get("evidence", ""),
        source=payload.get("source", ""),
        time_taken_ms=response.time_taken_ms,
        replayed=replayed,
        finished=attempt.is_finished,
    )


def feedback(user: User, attempt_id: int, position: int, *, replayed: bool = False) -> Feedback:
    """The stored feedback on an answered question (for the page after the answer).

    Raises:
        NotFound: Not an attempt of this user, no such position, or not answered yet.
    """
    attempt = get_attempt(user, attempt_id)
    rows = _attempt_questions(attempt)
    if not 1 <= position <= len(rows) or rows[position - 1][1] is None:
        raise NotFound(f"Question {position} of this quiz has no answer yet.")
    question, response = rows[position - 1]
    return _feedback(attempt, question, response, len(rows), replayed=replayed)


def finish(user: User, attempt_id: int, *, now: datetime) -> QuizAttempt:
    """Finish an attempt now; unanswered questions score nothing. Idempotent.

    Raises:
        NotFound: Not an attempt of this user.
    """
    with write_transaction():
        attempt = get_attempt(user, attempt_id, for_update=True)
        newly_finished = not attempt.is_finished
        if newly_finished:
            points = [r.points for _, r in _attempt_questions(attempt) if r is not None]
            attempt.score = quiz_domain.total_score(points)
            attempt.finished_at = now
    if newly_finished:
        _submitted(attempt_id)
    return attempt


def _submitted(attempt_id: int) -> None:
    """After the commit that finished an attempt: an assignment's listeners hear of it."""
    from quizapp.services.assignments.submitted import submitted

    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is not None and attempt.assignment_id is not None:
        submitted(attempt)


def result(user: User, attempt_id: int) -> QuizResult:
    """Every question of an attempt with the answer given and the right one.

    Raises:
        NotFound: Not an attempt of this user.
    """
    attempt = get_attempt(user, attempt_id)
    items = []
    for question, response in _attempt_questions(attempt):
        payload = question.payload
        items.append(
            ResultItem(
                position=question.position,
                kind=question.kind,
                prompt=payload["prompt"],
                answered=response is not None,
                given=response.answer if response else None,
                correct=bool(response and response.correct),
                points=response.points if response else 0.0,
                late=bool(response and response.late),
                expected=payload["answer"],
                evidence=payload.get("evidence", ""),
                time_taken_ms=response.time_taken_ms if response else None,
            )
        )
    deck = db.session.get(Deck, attempt.deck_id)
    return QuizResult(attempt=attempt, deck=deck, items=items)
