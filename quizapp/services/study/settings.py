"""A learner's study settings: daily limits, desired retention, timezone (from the form
or the browser), and per-deck limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import (
    MAX_DESIRED_RETENTION,
    MIN_DESIRED_RETENTION,
    DailyLimits,
    SchedulerSettings,
)
from quizapp.extensions import db
from quizapp.models import Deck, User
from quizapp.models.study import DeckStudyLimits, StudySettings
from quizapp.services import ServiceError, write_transaction

MAX_DAILY_LIMIT = 9999
MAX_LEECH_THRESHOLD = 99


TIMEZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


@dataclass(frozen=True)
class Prefs:
    """A user's study settings, with the defaults filled in."""

    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    timezone: str
    timezone_chosen: bool
    # The learner's fitted FSRS parameters; None: the defaults.
    parameters: tuple[float, ...] | None = None
    leech_threshold: int = scheduling.DEFAULT_LEECH_THRESHOLD
    leech_suspend: bool = False
    load_balance: bool = True
    easy_days: frozenset[int] = frozenset()  # light weekdays, Monday 0

    @property
    def limits(self) -> DailyLimits:
        return DailyLimits(self.new_per_day, self.reviews_per_day)

    def scheduler(self, fuzzing: bool) -> SchedulerSettings:
        return SchedulerSettings(
            desired_retention=self.desired_retention,
            enable_fuzzing=fuzzing,
            parameters=self.parameters,
        )


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_timezone(name: str | None) -> bool:
    """Whether `name` is an IANA timezone this machine knows ("Europe/Berlin")."""
    if not isinstance(name, str) or not TIMEZONE_NAME.fullmatch(name) or ".." in name:
        return False
    known = _timezones()
    if known:
        return name in known
    try:  # no zone list on this machine: ask zoneinfo about this one name
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_names() -> list[str]:
    return sorted(_timezones())


def get_prefs(user: User) -> Prefs:
    row = db.session.get(StudySettings, user.id)
    timezone = user.timezone if valid_timezone(user.timezone) else "UTC"
    if row is None:
        return Prefs(
            scheduling.DEFAULT_DESIRED_RETENTION,
            scheduling.DEFAULT_NEW_PER_DAY,
            scheduling.DEFAULT_REVIEWS_PER_DAY,
            timezone,
            False,
        )
    return Prefs(
        row.desired_retention,
        row.new_per_day,
        row.reviews_per_day,
        timezone,
        row.timezone_chosen,
        parameters=_parameters(row.fsrs_parameters),
        leech_threshold=row.leech_threshold,
        leech_suspend=row.leech_suspend,
        load_balance=row.load_balance,
        easy_days=frozenset(int(d) for d in row.easy_days if d in "0123456"),
    )


@lru_cache(maxsize=256)
def _parameters(stored: str | None) -> tuple[float, ...] | None:
    # Parsed once per distinct value: this runs on every study request.
    return None if stored is None else tuple(float(w) for w in json.loads(stored))


def _check_limit(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAILY_LIMIT:
        raise ServiceError(f"{name} must be a whole number from 0 to {MAX_DAILY_LIMIT}.")
    return value


def update_settings(
    user: User,
    *,
    desired_retention: float,
    new_per_day: int,
    reviews_per_day: int,
    timezone: str,
    now: datetime,
    leech_threshold: int | None = None,
    leech_suspend: bool | None = None,
    load_balance: bool | None = None,
    easy_days: Collection[int] | None = None,
) -> Prefs:
    """Save a user's study settings (the leech, balancing and easy-day ones only when given).

    Raises:
        ServiceError: A value is out of range or the timezone is unknown.
    """
    if (
        isinstance(desired_retention, bool)
        or not isinstance(desired_retention, int | float)
        or not MIN_DESIRED_RETENTION <= desired_retention <= MAX_DESIRED_RETENTION
    ):
        raise ServiceError(
            f"Desired retention must be between {MIN_DESIRED_RETENTION:.2f} "
            f"and {MAX_DESIRED_RETENTION:.2f}."
        )
    _check_limit("New facts per day", new_per_day)
    _check_limit("Reviews per day", reviews_per_day)
    if not valid_timezone(timezone):
        raise ServiceError(f"Unknown timezone {timezone!r}: use a name like Europe/Berlin.")
    if leech_threshold is not None and (
        isinstance(leech_threshold, bool)
        or not isinstance(leech_threshold, int)
        or not 1 <= leech_threshold <= MAX_LEECH_THRESHOLD
    ):
        raise ServiceError(
            f"The leech threshold must be a whole number from 1 to {MAX_LEECH_THRESHOLD}."
        )
    if easy_days is not None and not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in easy_days
    ):
        raise ServiceError("Light days are weekdays, Monday to Sunday.")
    if easy_days is not None and len(set(easy_days)) == 7:
        raise ServiceError("Leave at least one weekday that is not light.")
    with write_transaction() as session:
        row = session.get(StudySettings, user.id) or StudySettings(user_id=user.id)
        session.add(row)
        row.desired_retention = float(desired_retention)
        row.new_per_day = new_per_day
        row.reviews_per_day = reviews_per_day
        row.timezone_chosen = True
        row.updated_at = now
        if leech_threshold is not None:
            row.leech_threshold = leech_threshold
        if leech_suspend is not None:
            row.leech_suspend = bool(leech_suspend)
        if load_balance is not None:
            row.load_balance = bool(load_balance)
        if easy_days is not None:
            row.easy_days = "".join(str(d) for d in sorted(set(easy_days)))
        session.get(User, user.id).timezone = timezone
    return get_prefs(user)


def set_browser_timezone(user: User, timezone: str | None, now: datetime) -> bool:
    """Take the browser's timezone as the user's, unless they chose one themselves.

    Returns:
        Whether the timezone changed. An unknown name is ignored (it is only a guess).
    """
    if not valid_timezone(timezone) or timezone == user.timezone:
        return False
    row = db.session.get(StudySettings, user.id)
    if row is not None and row.timezone_chosen:
        return False
    with write_transaction() as session:
        session.get(User, user.id).timezone = timezone
    return True


def deck_limits(user: User, deck: Deck) -> DailyLimits | None:
    row = db.session.scalar(
        select(DeckStudyLimits).where(
            DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
        )
    )
    return None if row is None else DailyLimits(row.new_per_day, row.reviews_per_day)


def update_deck_limits(
    user: User, deck: Deck, *, new_per_day: int | None, reviews_per_day: int | None, now: datetime
) -> DailyLimits | None:
    """Set the user's daily limits for one deck; both None removes them.

    Raises:
        ServiceError: A limit is out of range, or only one of the two is given.
    """
    if new_per_day is None and reviews_per_day is None:
        with write_transaction() as session:
            row = session.scalar(
                select(DeckStudyLimits).where(
                    DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
                )
            )
            if row is not None:
                session.delete(row)
        return None
    if new_per_day is None or reviews_per_day is None:
        raise ServiceError("Give both deck limits, or neither to use your overall limits.")
    _check_limit("New facts per day", new_per_day)
    _check_limit("Reviews per day", reviews_per_day)
    with write_transaction() as session:
        row = session.scalar(
            select(DeckStudyLimits).where(
                DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
            )
        )
        if row is None:
            row = DeckStudyLimits(user_id=user.id, deck_id=deck.id)
            session.add(row)
        row.new_per_day = new_per_day
        row.reviews_per_day = reviews_per_day
        row.updated_at = now
    return DailyLimits(new_per_day, reviews_per_day)
