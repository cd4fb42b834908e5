"""Decks, their facts, and the questions generated from them.

A deck's facts and questions are upserted by key, never deleted: a fact removed
from its file is *retired*, so answers and reviews that point at it keep their
history.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    CLASS = "class"
    PUBLIC = "public"


class Deck(db.Model):
    __tablename__ = "decks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    as_of: Mapped[str] = mapped_column(String(10), default="")
    language: Mapped[str] = mapped_column(String(20), default="en")
    # None for the built-in decks of questions/, which are public and read-only.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PUBLIC.value)
    # The whole validated deck (facts.Deck.to_dict()): what the generator reads. Loaded
    # only when read: at 10,000 facts it is 3 MB of JSON, 80 ms to parse, and every page
    # that names a deck loads the row.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The kinds made from facts ("estimate,order", "" for none) that the deck's questions
    # make, found by `sync_deck` with them (see `quizzes.deck_kinds`); None for a deck not
    # synced since 0020_deck_quiz_kinds.
    quiz_kinds: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    facts: Mapped[list[Fact]] = relationship(back_populates="deck", order_by="Fact.id")

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class Fact(db.Model):
    __tablename__ = "facts"
    __table_args__ = (
        UniqueConstraint("deck_id", "key"),
        # A deck page is 50 facts in this order, and its forms list the first subjects:
        # each one walk of an index, not a sort of the deck (10,000 facts).
        Index("ix_facts_deck_order", "deck_id", "subject_name", "relation", "key"),
        Index("ix_facts_deck_subjects", "deck_id", "subject_name", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(120))  # entity key
    subject_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(80))  # relation key
    relation_label: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(Text)  # display text of the value
    evidence: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500), default="")
    # Changes whenever the fact (or what it refers to) changes; drives upserts.
    fingerprint: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deck: Mapped[Deck] = relationship(back_populates="facts")
    questions: Mapped[list[Question]] = relationship(
        back_populates="fact", order_by="Question.kind"
    )


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_fact_active", "fact_id", "retired_at"),)

    # The generator's stable id: a hash of (deck key, fact key, template, kind).
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), index=True)
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"))
    kind: Mapped[str] = mapped_column(String(30))
    prompt: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    # The full generated question (choices, accepted answers, which are right).
    # Never sent to a page before the learner has answered.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fact: Mapped[Fact] = relationship(back_populates="questions")
