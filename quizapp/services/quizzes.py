"""Quizzes: start one, serve its questions, grade answers, finish, and read the history.

Grading happens here only, against the snapshot stored with the attempt: a page never
receives the answer key before the learner answered (see `ShownQuestion`).

Rules each function keeps:

- An attempt belongs to one user: any other user gets NotFound (404), so attempt ids
  can't be probed.
- Questions are answered in order; each gets one response (a unique constraint), so a
  double click, a resubmitted form or a second tab counts once and gets the stored
  feedback back.
- The time limit per question runs on the server clock from when the question was
  first served; an answer arriving later than limit + `LATE_GRACE` counts as wrong.
- A wrong answer makes its fact due in the learner's study queue, in the same
  transaction as the answer.

Classrooms build on `choose_question_ids` (fix a question set once) and
`start_fixed_quiz` (each student's attempt of that set, shuffled per student, with a
time limit, a due date and whether late answers are accepted).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from quizapp.domain import grading
from quizapp.domain import questions as questions_domain
from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.spreadsheet import safe_cell
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    Fact,
    Question,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    User,
)
from quizapp.models.types import is_row_id
from quizapp.services import NotFound, ServiceError, is_request_id, write_transaction
from quizapp.services.decks import deck_subjects, get_deck
from quizapp.services.study_items import mark_due_after_wrong_answers

__all__ = [
    "LATE_GRACE",
    "MAX_TYPED_LENGTH",
    "Feedback",
    "History",
    "QuizClosed",
    "QuizResult",
    "ShownQuestion",
    "answer",
    "choose_question_ids",
    "current_question",
    "export_csv",
    "feedback",
    "finish",
    "get_attempt",
    "history",
    "home_summary",
    "leaderboard",
    "list_attempts",
    "result",
    "set_leaderboard_opt_in",
    "start_fixed_quiz",
    "start_quiz",
]

# Network and rendering time forgiven after a time limit runs out.
LATE_GRACE = timedelta(seconds=2)
MAX_TYPED_LENGTH = 500


class QuizClosed(ServiceError):
    """The attempt is past its due date and no longer takes answers."""

    status = 409


# --- value types handed to views --------------------------------------------------------------


@dataclass(frozen=True)
class ShownQuestion:
    """What the question page may show: never the answer key.

    Attributes:
        attempt_id: The attempt.
        position: 1-based position in the attempt.
        total: Number of questions in the attempt.
        answered: How many are answered so far.
        question_id: The generated question's id (sent back with the answer).
        kind: The question kind.
        prompt: The question text.
        choices: Options in this attempt's order (empty for typed answers).
        input: "choice", "select" or "text".
        time_limit: Seconds per question, or None.
        seconds_left: Whole seconds left on the server clock, or None without a limit.
    """

    attempt_id: int
    position: int
    total: int
    answered: int
    question_id: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    input: str
    time_limit: int | None
    seconds_left: int | None

    @property
    def expired(self) -> bool:
        return self.seconds_left is not None and self.seconds_left <= 0


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer, with what the learner should now learn.

    Attributes:
        attempt_id, position, total, question_id, kind, prompt, choices: As shown.
        given: The answer given (a list for multiple select).
        correct: Whether it counted as right.
        points: 0..1 (partial credit for multiple select).
        late: Given after the time limit (so it counts as wrong).
        expected: The canonical right answer.
        right_choices: The right options (choice questions).
        accepted: Every accepted typed answer.
        evidence: The source sentence.
        source: The source URL.
        time_taken_ms: From first serving to the answer, by the server clock.
        replayed: This answer had already been recorded; nothing changed.
        finished: The attempt is finished.
    """

    attempt_id: int
    position: int
    total: int
    question_id: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    given: Any
    correct: bool
    points: float
    late: bool
    expected: str
    right_choices: tuple[str, ...]
    accepted: tuple[str, ...]
    evidence: str
    source: str
    time_taken_ms: int
    replayed: bool
    finished: bool

    @property
    def given_text(self) -> str:
        return _answer_text(self.given)


@dataclass(frozen=True)
class ResultItem:
    position: int
    kind: str
    prompt: str
    answered: bool
    given: Any
    correct: bool
    points: float
    late: bool
    expected: str
    evidence: str
    time_taken_ms: int | None

    @property
    def given_text(self) -> str:
        return _answer_text(self.given) if self.answered else ""


@dataclass(frozen=True)
class QuizResult:
    """A finished (or abandoned) attempt, question by question.

    Attributes:
        attempt: The attempt row.
        deck: Its deck.
        items: Every question with its answer, in order.
    """

    attempt: QuizAttempt
    deck: Deck
    items: list[ResultItem]

    @property
    def mistakes(self) -> list[ResultItem]:
        return [item for item in self.items if not item.correct]

    @property
    def duration(self) -> timedelta | None:
        if self.attempt.finished_at is None:
            return None
        return self.attempt.finished_at - self.attempt.started_at


@dataclass(frozen=True)
class Accuracy:
    label: str
    answered: int
    correct: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.correct / self.answered, 1) if self.answered else 0.0


@dataclass(frozen=True)
class AttemptRow:
    id: int
    deck_key: str
    deck_title: str
    started_at: datetime
    finished_at: datetime | None
    score: float
    max_score: int
    answered: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True)
class History:
    """A learner's quiz history for "My scores".

    Attributes:
        attempts: Every attempt, newest first.
        over_time: (finished_at, deck title, percent) of finished attempts, oldest first.
        decks: Best, average and last score per deck (by title).
        by_subject: Accuracy per company/entity, weakest first.
        by_relation: Accuracy per relation (founders, products...), weakest first.
    """

    attempts: list[AttemptRow]
    over_time: list[tuple[datetime, str, float]]
    decks: list[quiz_domain.DeckSummary]
    by_subject: list[Accuracy] = field(default_factory=list)
    by_relation: list[Accuracy] = field(default_factory=list)


# --- starting -----------------------------------------------------------------------------------


def _candidates(deck: Deck) -> list[quiz_domain.Candidate]:
    rows = db.session.execute(
        select(Question.id, Question.fact_id, Fact.subject, Question.kind)
        .join(Fact, Fact.id == Question.fact_id)
        .where(
            Question.deck_id == deck.id,
            Question.retired_at.is_(None),
            Fact.retired_at.is_(None),
        )
    )
    return [
        quiz_domain.Candidate(question_id=qid, fact=fact_id, subject=subject, kind=kind)
        for qid, fact_id, subject, kind in rows
    ]


def _checked_options(deck: Deck, options: quiz_domain.QuizOptions) -> quiz_domain.QuizOptions:
    known = [key for key, _ in deck_subjects(deck)]
    try:
        return options.validated(known)
    except quiz_domain.QuizOptionsError as exc:
        raise ServiceError(str(exc)) from exc


def choose_question_ids(
    user: User, deck_key: str, options: quiz_domain.QuizOptions, *, seed: int
) -> list[str]:
    """Choose a quiz's questions without starting it (an assignment's fixed set).

    Args:
        user: Who chooses (must be able to see the deck).
        deck_key: The deck.
        options: Subjects, kinds and count (the time limit is not used here).
        seed: Seeds the choice.

    Returns:
        Question ids, in a shuffled order.

    Raises:
        NotFound: No such deck (or not visible to the user).
        ServiceError: Bad options, or no question matches them.
    """
    deck = get_deck(user, deck_key)
    options = _checked_options(deck, options)
    chosen = quiz_domain.select_questions(_candidates(deck), options, random.Random(seed))
    if not chosen:
        raise ServiceError("No questions match these choices. Pick more topics or kinds.")
    return [c.question_id for c in chosen]


def start_quiz(
    user: User, deck_key: str, options: quiz_domain.QuizOptions, *, now: datetime, seed: int
) -> QuizAttempt:
    """Start a self-test quiz on a deck.

    Args:
        user: The learner.
        deck_key: The deck.
        options: What to ask (validated here).
        now: The start time (UTC).
        seed: Seeds the choice of questions and the order of questions and options.

    Returns:
        The new attempt (it may hold fewer questions than asked for if fewer match).

    Raises:
        NotFound: No such deck (or not visible to the user).
        ServiceError: Bad options, or no question matches them.
    """
    deck = get_deck(user, deck_key)
    options = _checked_options(deck, options)
    rng = random.Random(seed)
    chosen = quiz_domain.select_questions(_candidates(deck), options, rng)
    if not chosen:
        raise ServiceError("No questions match these choices. Pick more topics or kinds.")
    return _create_attempt(
        user, deck, [c.question_id for c in chosen], options, now=now, seed=seed, rng=rng
    )


def start_fixed_quiz(
    user: User,
    deck: Deck,
    question_ids: Sequence[str],
    *,
    now: datetime,
    seed: int,
    shuffle: bool = True,
    time_limit: int | None = None,
    due_at: datetime | None = None,
    accept_late: bool = True,
    assignment_id: int | None = None,
    attempt_number: int | None = None,
) -> QuizAttempt:
    """Start an attempt of a given question set (for assignments).

    The caller has checked that the user may take it. Retired questions are allowed:
    an assignment made before a deck edit still asks what it was made with.

    Args:
        user: The student.
        deck: The deck the questions come from.
        question_ids: The set, in the assignment's order.
        now: The start time (UTC).
        seed: Seeds the per-student order of questions (if `shuffle`) and options.
        shuffle: Shuffle the question order for this student.
        time_limit: Seconds per question, or None.
        due_at: After this, answers are marked late or refused (`accept_late`).
        accept_late: Whether answers after `due_at` are still taken.
        assignment_id: The classroom assignment the attempt is for.
        attempt_number: Which attempt at that assignment (unique per student).

    Raises:
        ServiceError: An id is not a question of this deck, repeated, or the set is
            empty or larger than `MAX_COUNT`.
    """
    ids = list(question_ids)
    if not ids or len(ids) > quiz_domain.MAX_COUNT or len(set(ids)) != len(ids):
        raise ServiceError(
            f"A quiz needs 1 to {quiz_domain.MAX_COUNT} different questions, not {len(ids)}."
        )
    options = quiz_domain.QuizOptions(count=len(ids), time_limit=time_limit)
    if time_limit is not None:
        try:
            quiz_domain.QuizOptions(time_limit=time_limit).validated()
        except quiz_domain.QuizOptionsError as exc:
            raise ServiceError(str(exc)) from exc
    rng = random.Random(seed)
    if shuffle:
        rng.shuffle(ids)
    return _create_attempt(
        user,
        deck,
        ids,
        options,
        now=now,
        seed=seed,
        rng=rng,
        due_at=due_at,
        accept_late=accept_late,
        assignment_id=assignment_id,
        attempt_number=attempt_number,
    )


def _create_attempt(
    user: User,
    deck: Deck,
    question_ids: Sequence[str],
    options: quiz_domain.QuizOptions,
    *,
    now: datetime,
    seed: int,
    rng: random.Random,
    due_at: datetime | None = None,
    accept_late: bool = True,
    assignment_id: int | None = None,
    attempt_number: int | None = None,
) -> QuizAttempt:
    with write_transaction() as session:
        rows = {
            q.id: q
            for q in session.scalars(
                select(Question).where(Question.id.in_(question_ids), Question.deck_id == deck.id)
            )
        }
        missing = [qid for qid in question_ids if qid not in rows]
        if missing:
            raise ServiceError(f"The deck {deck.title!r} has no question {missing[0]!r}.")
        attempt = QuizAttempt(
            user_id=user.id,
            deck_id=deck.id,
            subjects=list(options.subjects),
            kinds=list(options.kinds),
            question_count=options.count,
            time_limit_seconds=options.time_limit,
            seed=seed % 2**31,
            due_at=due_at,
            accept_late=accept_late,
            assignment_id=assignment_id,
            attempt_number=attempt_number,
            started_at=now,
            score=0.0,
            max_score=len(question_ids),
        )
        session.add(attempt)
        session.flush()
        for position, qid in enumerate(question_ids, start=1):
            question = rows[qid]
            session.add(
                QuizQuestion(
                    attempt_id=attempt.id,
                    position=position,
                    question_id=qid,
                    fact_id=question.fact_id,
                    kind=question.kind,
                    payload=quiz_domain.shuffle_choices(question.payload, rng),
                )
            )
    return attempt


# --- taking -------------------------------------------------------------------------------------


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


def current_question(user: User, attempt_id: int, *, now: datetime) -> ShownQuestion | None:
    """The next unanswered question of the attempt (where a reopened quiz resumes).

    Records when the question is first served: its time limit and time taken count from
    then. Serving it again (a reload, a second tab) does not restart the clock.

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
        if question.served_at is None:
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
        )


def _clean_response(payload: dict[str, Any], response: Any, late: bool) -> str | list[str]:
    """Check a response has the shape its question takes; refuse anything else."""
    kind = quiz_domain.input_kind(payload)
    choices = list(payload.get("choices") or ())
    if kind == "select":
        picks = [response] if isinstance(response, str) else response
        if not isinstance(picks, list | tuple) or not all(isinstance(p, str) for p in picks):
            raise ServiceError("Choose options from the list.")
        picks = [p for p in dict.fromkeys(picks) if p != ""]
        if any(p not in choices for p in picks):
            raise ServiceError("That is not one of the options of this question.")
        if not picks and not late:
            raise ServiceError("Choose at least one option.")
        return picks
    if isinstance(response, list | tuple) and len(response) <= 1:
        response = response[0] if response else ""
    if not isinstance(response, str):
        raise ServiceError("This question takes one answer.")
    if kind == "choice":
        if response == "" and late:
            return ""
        if response == "":
            raise ServiceError("Choose one of the options.")
        if response not in choices:
            raise ServiceError("That is not one of the options of this question.")
        return response
    if len(response) > MAX_TYPED_LENGTH:
        raise ServiceError(f"An answer has at most {MAX_TYPED_LENGTH} characters.")
    return response.strip()


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
            one at that position, a question that is not the next one, a malformed
            response; (409, QuizClosed) the attempt is finished or past its due date.
    """
    if not is_request_id(request_id):
        raise ServiceError("This answer came without a valid form id. Reload the page.")
    try:
        return _answer(user, attempt_id, position, question_id, response, request_id, now)
    except IntegrityError:
        # Two submissions raced past the check; the first one's answer stands.
        db.session.rollback()
        return feedback(user, attempt_id, position, replayed=True)


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
        verdict = grading.judge(questions_domain.Question.from_dict(question.payload), given)
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
        if not attempt.is_finished:
            points = [r.points for _, r in _attempt_questions(attempt) if r is not None]
            attempt.score = quiz_domain.total_score(points)
            attempt.finished_at = now
    return attempt


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


def _answer_text(given: Any) -> str:
    if given is None:
        return ""
    if isinstance(given, list):
        return ", ".join(given)
    return str(given)


# --- history ------------------------------------------------------------------------------------


def list_attempts(user: User, limit: int | None = None) -> list[AttemptRow]:
    """The user's attempts, newest first, with their deck and number answered."""
    answered = (
        select(QuizQuestion.attempt_id, func.count(QuizResponse.id).label("n"))
        .join(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .group_by(QuizQuestion.attempt_id)
        .subquery()
    )
    query = (
        select(QuizAttempt, Deck.key, Deck.title, func.coalesce(answered.c.n, 0))
        .join(Deck, Deck.id == QuizAttempt.deck_id)
        .outerjoin(answered, answered.c.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        AttemptRow(
            id=attempt.id,
            deck_key=key,
            deck_title=title,
            started_at=attempt.started_at,
            finished_at=attempt.finished_at,
            score=attempt.score,
            max_score=attempt.max_score,
            answered=n,
        )
        for attempt, key, title, n in db.session.execute(query)
    ]


def _accuracy(user: User, column) -> list[Accuracy]:
    query = (
        select(
            column, func.count(QuizResponse.id), func.sum(case((QuizResponse.correct, 1), else_=0))
        )
        .select_from(QuizResponse)
        .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
        .join(QuizAttempt, QuizAttempt.id == QuizQuestion.attempt_id)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .where(QuizAttempt.user_id == user.id)
        .group_by(column)
    )
    rows = [
        Accuracy(label, int(n), int(right or 0)) for label, n, right in db.session.execute(query)
    ]
    return sorted(rows, key=lambda a: (a.percent, -a.answered, a.label))


def history(user: User) -> History:
    """Everything "My scores" shows: attempts, scores over time, per deck, weak spots."""
    attempts = list_attempts(user)
    finished = sorted((a for a in attempts if a.is_finished), key=lambda a: (a.finished_at, a.id))
    return History(
        attempts=attempts,
        over_time=[(a.finished_at, a.deck_title, a.percent) for a in finished],
        decks=quiz_domain.deck_summaries(
            (a.deck_title, a.finished_at, a.percent) for a in finished
        ),
        by_subject=_accuracy(user, Fact.subject_name),
        by_relation=_accuracy(user, Fact.relation_label),
    )


CSV_COLUMNS = (
    "attempt_id",
    "deck",
    "started_at",
    "finished_at",
    "position",
    "question_id",
    "kind",
    "company",
    "relation",
    "prompt",
    "answer_given",
    "correct_answer",
    "correct",
    "points",
    "late",
    "time_taken_seconds",
    "answered_at",
)


def export_csv(user: User) -> str:
    """The user's own results, one row per question of every attempt (CSV text)."""
    query = (
        select(
            QuizAttempt,
            Deck.key,
            QuizQuestion,
            Fact.subject_name,
            Fact.relation_label,
            QuizResponse,
        )
        .join(Deck, Deck.id == QuizAttempt.deck_id)
        .join(QuizQuestion, QuizQuestion.attempt_id == QuizAttempt.id)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at, QuizAttempt.id, QuizQuestion.position)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for attempt, deck_key, question, company, relation, response in db.session.execute(query):
        writer.writerow(
            [
                attempt.id,
                deck_key,
                attempt.started_at.isoformat(),
                attempt.finished_at.isoformat() if attempt.finished_at else "",
                question.position,
                question.question_id,
                question.kind,
                safe_cell(company),
                safe_cell(relation),
                safe_cell(question.payload["prompt"]),
                safe_cell(_answer_text(response.answer)) if response else "",
                safe_cell(question.payload["answer"]),
                ("yes" if response.correct else "no") if response else "",
                response.points if response else "",
                ("yes" if response.late else "no") if response else "",
                f"{response.time_taken_ms / 1000:.1f}" if response else "",
                response.answered_at.isoformat() if response else "",
            ]
        )
    return out.getvalue()


# --- leaderboard --------------------------------------------------------------------------------


def set_leaderboard_opt_in(user: User, opt_in: bool) -> None:
    """Show (or stop showing) the user's best scores on deck leaderboards."""
    with write_transaction() as session:
        row = session.get(User, user.id)
        row.leaderboard_opt_in = bool(opt_in)


def leaderboard(user: User, deck_key: str, limit: int = 20) -> tuple[Deck, list[tuple[str, float]]]:
    """Best score (percent) per opted-in user on a deck: display names only.

    Raises:
        NotFound: No such deck (or not visible to the user).
    """
    deck = get_deck(user, deck_key)
    best = func.max(QuizAttempt.score * 100.0 / QuizAttempt.max_score)
    query = (
        select(User.display_name, best)
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(
            User.leaderboard_opt_in.is_(True),
            QuizAttempt.deck_id == deck.id,
            QuizAttempt.finished_at.is_not(None),
            QuizAttempt.max_score > 0,
        )
        .group_by(User.id, User.display_name)
        .order_by(best.desc(), User.display_name)
        .limit(limit)
    )
    return deck, [(name, round(float(percent), 1)) for name, percent in db.session.execute(query)]


def home_summary(user: User) -> dict[str, AttemptRow | None]:
    """The quiz to resume (newest unfinished) and the last finished one, for the home page."""
    recent = list_attempts(user, limit=20)
    return {
        "resume": next((a for a in recent if not a.is_finished), None),
        "last": next((a for a in recent if a.is_finished), None),
    }
