"""Images of a deck's facts, kept in the database beside the deck (one row per image).

The bytes were checked by `domain.images.accept` (a sniffed PNG, JPEG, GIF or
WebP, size-capped) and are named by their hash, so a name is never the upload's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class DeckImage(db.Model):
    __tablename__ = "deck_images"
    __table_args__ = (UniqueConstraint("deck_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))  # "<32 hex digits>.png"
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
