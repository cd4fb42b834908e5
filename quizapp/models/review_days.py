"""Daily review counts per learner and deck: what the statistics read instead of the log.

Kept with the reviews (see `services.review_days`): one row per (user, deck, study day)
with the reviews of that day that were not undone, and of them the reviews of mature
items and the ones passed. Study days are counted in `ReviewDayZone.timezone`; when the
learner's timezone is another one, the rows are counted again from the log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db


class ReviewDay(db.Model):
    __tablename__ = "review_days"
    __table_args__ = (
        # All of a user's decks: one range of (user, day), summed per day.
        Index("ix_review_days_user_day", "user_id", "day"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    mature: Mapped[int] = mapped_column(Integer, default=0)  # reviews of mature items
    passed: Mapped[int] = mapped_column(Integer, default=0)  # of those, not rated Again


class ReviewDayZone(db.Model):
    """The timezone a user's `ReviewDay` rows were counted in."""

    __tablename__ = "review_day_zones"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    timezone: Mapped[str] = mapped_column(String(64))
