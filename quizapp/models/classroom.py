"""Classes run by a teacher, the students who joined them with the class's code, and the
quizzes assigned to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.deck import Deck
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import User


class SchoolClass(db.Model):
    """A class: one teacher, a join code, its students (members)."""

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # 8 characters of `domain.classroom.CODE_ALPHABET`; rotating it invalidates old links.
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    teacher: Mapped[User] = relationship()


class ClassMembership(db.Model):
    """A student in a class; the unique pair makes joining twice a no-op."""

    __tablename__ = "class_memberships"
    __table_args__ = (UniqueConstraint("class_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    # "My classes" reads a student's memberships.
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    student: Mapped[User] = relationship()


class Assignment(db.Model):
    """A quiz given to a class: the same question set for every student.

    `question_ids` is fixed when the assignment is made, so every student is asked the
    same questions (each in their own order when `shuffle` is on), and later deck edits
    don't change what the assignment asks.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        # A class's assignments are listed by due date.
        Index("ix_assignments_class_due", "class_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # What the teacher asked for (entity keys and kinds; empty means all).
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    # The estimate and order questions of the set, as made when the assignment was
    # (by the id of the deck question each is made from): they are not stored
    # questions, and an order question's items depend on the deck at that time.
    built_questions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # 1, or None for unlimited attempts.
    attempts_allowed: Mapped[int | None] = mapped_column(Integer)
    scoring: Mapped[str] = mapped_column(String(8))  # gradebook.BEST / LAST
    late_policy: Mapped[str] = mapped_column(String(8))  # gradebook.MARK_LATE / REFUSE_LATE
    shuffle: Mapped[bool] = mapped_column(Boolean, default=True)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    deck: Mapped[Deck] = relationship()

    @property
    def accept_late(self) -> bool:
        return self.late_policy == "mark"

    @property
    def question_count(self) -> int:
        return len(self.question_ids)
