"""The values the quiz service hands to views: the question as shown (no answer key),
the feedback on an answer, a result, the history rows; and the limits an answer obeys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from quizapp.domain import fact_kinds
from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.responses import MAX_TYPED_LENGTH  # noqa: F401 (re-exported)
from quizapp.models import (
    Deck,
    QuizAttempt,
)
from quizapp.services import ServiceError

# Network and rendering time forgiven after a time limit runs out.
LATE_GRACE = timedelta(seconds=2)


class AnswerRefused(ServiceError):
    """An answer not of its question's shape (not a number, a place twice...): nothing
    was stored; the question page can be shown again with the message."""


class QuizClosed(ServiceError):
    """The attempt is past its due date and no longer takes answers."""

    status = 409


@dataclass(frozen=True)
class QuestionSet:
    """A fixed set of questions chosen for an assignment.

    Attributes:
        ids: The deck questions, in the set's order.
        built: The estimate and order questions among them, as made now (payloads by
            the id of the question each is made from).
    """

    ids: list[str]
    built: dict[str, dict[str, Any]] = field(default_factory=dict)


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
        input: "choice", "select", "text", "estimate" or "order" (`quizzes.input_kind`).
        time_limit: Seconds per question, or None.
        seconds_left: Whole seconds left on the server clock, or None without a limit.
        deck: Key of the question's deck (where its image is).
        image: Name of the deck's image shown with the question, or "".
        unit: An estimate's unit ("year" or "amount"), else "".
        unit_label: What an estimate is counted in ("year", "USD ($)"), or "".
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
    deck: str = ""
    image: str = ""
    unit: str = ""
    unit_label: str = ""

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
        return _answer_text(self.given, self.kind)


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
        return _answer_text(self.given, self.kind) if self.answered else ""


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


def _answer_text(given: Any, kind: str = "") -> str:
    if given is None:
        return ""
    if isinstance(given, list):
        return fact_kinds.order_text(given) if kind == "order" else ", ".join(given)
    return str(given)
