"""Decks made in the browser: their version history, and uploads waiting for a preview.

Every save of a user's deck records a `DeckVersion` holding the whole validated
deck, so any version can be downloaded again as a fact file and the history says
who changed what, and when. An import that needs a second step (column mapping,
preview) keeps the uploaded content server-side in a `PendingImport` row, never
in the cookie session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow
from quizapp.models.user import User


class DeckVersion(db.Model):
    __tablename__ = "deck_versions"
    __table_args__ = (UniqueConstraint("deck_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # Kept when the author's account goes: the history stays, without a name.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[str] = mapped_column(String(500))
    # facts.Deck.to_dict() of the deck as saved in this version.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    author: Mapped[User | None] = relationship()


class PendingImport(db.Model):
    __tablename__ = "pending_imports"

    # A random token: it is in URLs and forms, and only its owner may use it.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "csv" (table, Quizlet set), "anki", "kahoot"
    filename: Mapped[str] = mapped_column(String(200))
    # csv: {"text": ...} (a Quizlet set: also "between", "rows"); anki, kahoot: {"deck": deck
    # dict, "notices": [...]}, anki also "origins" (quizapp ids) and "images" (base64).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
