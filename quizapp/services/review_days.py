"""Daily review counts kept with the reviews, so statistics never read the whole log.

Contract: `ReviewDay` rows hold, for each (user, deck, study day), the reviews not
undone (`domain.study.daily_tallies` of the log), counted in the study days of the
timezone in the user's `ReviewDayZone`.

- `record` is called by the code that writes a review (+1) or undoes one (-1), inside
  its transaction: a review and its count are stored together or not at all. It counts
  in the zone's timezone even when the learner has since picked another one, so the
  rows stay true to the contract. A learner without a zone (a first review, or reviews
  stored without counts by a bulk insert) has the whole log counted instead.
- `daily_counts` is what the statistics read: at most one row per day. When the
  learner's timezone is no longer the zone's, it first counts their log again in the
  new one (once per change of timezone; the settings code needs no hook).

Counts are changed with one INSERT ... ON CONFLICT DO UPDATE: two tabs of one learner
answering at once on PostgreSQL add up instead of one failing on the primary key.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from quizapp.domain import scheduling
from quizapp.domain.study import daily_tallies, retention_tally
from quizapp.extensions import db
from quizapp.models.review_days import ReviewDay, ReviewDayZone
from quizapp.models.study import ReviewLog
from quizapp.services import write_transaction
from quizapp.services.study.sql import Prepared

__all__ = ["daily_counts", "rebuild", "record"]

_DAYS = ReviewDay.__table__
_ZONES = ReviewDayZone.__table__


def _insert(session: Session, table):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _locked_zone(session: Session, user_id: int) -> ReviewDayZone | None:
    """The user's zone row, locked.

    The lock orders a review's count and a recount of the whole log on PostgreSQL: the
    recount reads the log only once it holds the row, and a review written meanwhile
    waits for it and is then counted in the new timezone. SQLite's BEGIN IMMEDIATE
    already serialises writers.
    """
    return session.scalar(
        select(ReviewDayZone)
        .where(ReviewDayZone.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def record(session: Session, log: ReviewLog, timezone: str, sign: int = 1) -> None:
    """Count a review just written (sign 1) or just undone (sign -1).

    A learner without a zone yet (their first review, or reviews stored without counts)
    has their whole log counted instead, this review included.

    Args:
        session: The session of the transaction that writes the review.
        log: The review.
        timezone: The learner's timezone now (used only when they have no zone yet).
        sign: 1 for a new review, -1 for an undone one.
    """
    zone = _locked_zone(session, log.user_id)
    if zone is None:
        rebuild(session, log.user_id, timezone)
        return
    mature, passed = retention_tally(log.state_before, log.stability_before, log.rating)
    insert = _insert(session, _DAYS).values(
        user_id=log.user_id,
        deck_id=log.deck_id,
        day=scheduling.study_date(log.reviewed_at, zone.timezone),
        reviews=sign,
        mature=sign * mature,
        passed=sign * passed,
    )
    added = insert.excluded
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "deck_id", "day"],
            set_={
                "reviews": _DAYS.c.reviews + added.reviews,
                "mature": _DAYS.c.mature + added.mature,
                "passed": _DAYS.c.passed + added.passed,
            },
        )
    )


def rebuild(session: Session, user_id: int, timezone: str) -> None:
    """Count the user's whole log again, in `timezone` (in the caller's transaction)."""
    session.execute(
        _insert(session, _ZONES)
        .values(user_id=user_id, timezone=timezone)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    zone = _locked_zone(session, user_id)
    session.flush()  # the review being written or undone is part of the log read here
    logs = select(
        ReviewLog.reviewed_at,
        ReviewLog.deck_id,
        ReviewLog.state_before,
        ReviewLog.stability_before,
        ReviewLog.rating,
    ).where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
    tallies = daily_tallies(session.execute(logs), timezone)
    session.execute(delete(ReviewDay).where(ReviewDay.user_id == user_id))
    zone.timezone = timezone
    if tallies:
        session.execute(
            _DAYS.insert(),
            [
                {
                    "user_id": user_id,
                    "deck_id": deck_id,
                    "day": day,
                    "reviews": reviews,
                    "mature": mature,
                    "passed": passed,
                }
                for (deck_id, day), (reviews, mature, passed) in tallies.items()
            ],
        )


def daily_counts(
    user_id: int, *, deck_id: int | None, since: date, timezone: str
) -> list[tuple[date, int, int, int]]:
    """(day, reviews, mature reviews, passed) per study day from `since`, in `timezone`.

    Counts the log again first if the rows were counted in another timezone.
    """
    counted_in = db.session.scalar(_ZONE_OF, {"user_id": user_id})
    if counted_in != timezone:
        with write_transaction() as session:
            zone = _locked_zone(session, user_id)
            if zone is None or zone.timezone != timezone:  # not done meanwhile by another
                rebuild(session, user_id, timezone)
    rows = _DAILY[deck_id is not None].execute(user_id=user_id, deck_id=deck_id, since=since)
    return [tuple(row) for row in rows]


# Read at each statistics view: built once (see `sql.Prepared`).
_ZONE_OF = select(_ZONES.c.timezone).where(_ZONES.c.user_id == bindparam("user_id"))


def _daily(one_deck: bool):
    days = select(
        _DAYS.c.day,
        func.sum(_DAYS.c.reviews),
        func.sum(_DAYS.c.mature),
        func.sum(_DAYS.c.passed),
    ).where(_DAYS.c.user_id == bindparam("user_id"), _DAYS.c.day >= bindparam("since"))
    if one_deck:
        days = days.where(_DAYS.c.deck_id == bindparam("deck_id"))
    return days.group_by(_DAYS.c.day)


_DAILY = {
    one_deck: Prepared(lambda one_deck=one_deck: _daily(one_deck)) for one_deck in (False, True)
}
