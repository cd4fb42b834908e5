"""Spaced-repetition state: one study item per (user, fact), with its FSRS memory state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.domain.scheduling import MemoryState, StudyState
from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class StudyItem(db.Model):
    """A user's memory of one fact (not of one phrasing of it)."""

    __tablename__ = "study_items"
    __table_args__ = (
        UniqueConstraint("user_id", "fact_id"),
        # The queue reads "this user's items due before t": keep that an index range scan.
        Index("ix_study_items_user_due", "user_id", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"), index=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=StudyState.NEW.value)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def memory(self) -> MemoryState:
        return MemoryState(
            state=StudyState(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    def set_memory(self, memory: MemoryState) -> None:
        self.state = memory.state.value
        self.step = memory.step
        self.stability = memory.stability
        self.difficulty = memory.difficulty
        self.due = memory.due
        self.last_review = memory.last_review
