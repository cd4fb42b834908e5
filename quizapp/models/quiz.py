"""Quiz attempts, the questions each one showed, and the answers given.

An attempt keeps a snapshot of every question as it was shown (prompt, options in
their shuffled order, the answer key), so scores and history survive deck edits and
retired questions. Foreign keys to `questions` and `facts` still point at the live
rows (those are retired, never deleted) so statistics can group by company and
relation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class QuizAttempt(db.Model):
    """One sitting of a quiz by one user.

    The settings (`subjects`, `kinds`, `question_count`, `time_limit_seconds`) record
    what was asked for; `due_at` and `accept_late` let an assignment (classrooms)
    close the attempt at a date, marking later answers late or refusing them.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # "My scores" and "My quizzes" read a user's attempts newest first.
        Index("ix_quiz_attempts_user_started", "user_id", "started_at"),
        # Leaderboards read a deck's finished attempts.
        Index("ix_quiz_attempts_deck_finished", "deck_id", "finished_at"),
        # One attempt per number per student of an assignment: racing starts make one.
        UniqueConstraint("assignment_id", "user_id", "attempt_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    # Entity keys the questions were drawn from; empty means every entity.
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Question kinds asked for; empty means every kind.
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # How many were asked for (the attempt may hold fewer if fewer matched).
    question_count: Mapped[int] = mapped_column(Integer)
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accept_late: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The classroom assignment this attempt is for (None for a self-test), and which
    # attempt at it this is (1, 2, ...).
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), index=True
    )
    attempt_number: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Sum of the responses' points, and the number of questions (one point each).
    score: Mapped[float] = mapped_column(Float, default=0.0)
    max_score: Mapped[int] = mapped_column(Integer, default=0)
    # The responses' count and latest time, kept with each answer (in its transaction):
    # the gradebook reads attempts, not their answers (30 x 40 x 10 of them).
    answered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="attempt", order_by="QuizQuestion.position"
    )

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class QuizQuestion(db.Model):
    """A question as one attempt showed it, at its position (1-based)."""

    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), index=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # The question dict as shown (options in this attempt's order) with its answer key.
    # Never sent to a page before the learner has answered.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # When the server first sent the question: the time limit and time taken count from it.
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt: Mapped[QuizAttempt] = relationship(back_populates="questions")
    response: Mapped[QuizResponse | None] = relationship(back_populates="attempt_question")


class QuizResponse(db.Model):
    """The one answer to an attempt's question: a second submission is a no-op."""

    __tablename__ = "quiz_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="CASCADE"), unique=True
    )
    # What the learner sent: a string, or a list of strings for multiple select.
    answer: Mapped[Any] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[float] = mapped_column(Float)
    # After the question's time limit (server clock): counts as wrong whatever was sent.
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    time_taken_ms: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Generated by the answer form; tells a replay of the same submission from a new one.
    request_id: Mapped[str] = mapped_column(String(64))

    attempt_question: Mapped[QuizQuestion] = relationship(back_populates="response")
