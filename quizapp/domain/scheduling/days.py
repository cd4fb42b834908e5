"""The study day: it ends at 4 a.m. (`ROLLOVER_HOUR`) in the learner's timezone; its
date, start and end for a moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quizapp.domain.scheduling.states import ROLLOVER_HOUR, _as_utc


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {tz_name!r}") from None


def _rollover(day: date, rollover_hour: int, zone: ZoneInfo) -> datetime:
    # fold=0 takes the first of two repeated wall times; for a wall time skipped
    # by a DST jump zoneinfo uses the offset from before the jump, which lands
    # on or just after the jump: the earliest sensible start of the day.
    local = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    return local.astimezone(UTC)


def study_date(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> date:
    """Return the calendar date of the user's study day that contains `now`.

    Between midnight and 4 a.m. local time it is still yesterday's study day.

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone, such as "Europe/Berlin".
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        The local date on which the current study day began.

    Raises:
        ValueError: If `tz_name` is not a known timezone, `rollover_hour` is
            out of range or `now` is naive.
    """
    if isinstance(rollover_hour, bool) or rollover_hour not in range(24):
        raise ValueError(f"rollover_hour must be 0-23, got {rollover_hour!r}")
    now = _as_utc(now, "now")
    zone = _zone(tz_name)
    today = now.astimezone(zone).date()
    # Compared in UTC: datetimes sharing a tzinfo compare by wall time, which
    # is wrong for the repeated hour when clocks go back.
    if now < _rollover(today, rollover_hour, zone):
        return today - timedelta(days=1)
    return today


def day_start(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> datetime:
    """Return when the user's current study day began (UTC).

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone.
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        `rollover_hour` o'clock local time on the study day's date, in UTC.

    Raises:
        ValueError: As `study_date`.
    """
    day = study_date(now, tz_name, rollover_hour)
    return _rollover(day, rollover_hour, _zone(tz_name))


def day_end(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> datetime:
    """Return when the user's current study day ends (UTC), exclusive.

    This is the next day's rollover, not `day_start + 24h`: study days that
    contain a DST change are 23 or 25 hours long.

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone.
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        `rollover_hour` o'clock local time on the following date, in UTC.

    Raises:
        ValueError: As `study_date`.
    """
    day = study_date(now, tz_name, rollover_hour)
    return _rollover(day + timedelta(days=1), rollover_hour, _zone(tz_name))
