"""Answers a teacher accepted after the fact: the log of grade changes in a quiz attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class AnswerOverride(db.Model):
    """A teacher accepted one response of an assignment attempt as right.

    One per response (accepting twice changes nothing), with what the response
    counted before, so the change can be told and undone by hand. The response
    itself carries the new credit, and the attempt's score follows it.
    """

    __tablename__ = "answer_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_responses.id", ondelete="CASCADE"), unique=True
    )
    # Who accepted it; a deleted account leaves the log without a name.
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    previous_correct: Mapped[bool] = mapped_column(Boolean)
    previous_points: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
