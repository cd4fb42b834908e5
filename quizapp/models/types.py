"""Column types shared by all tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite has no timezone type and hands back naive datetimes; PostgreSQL's
    timestamptz hands back aware ones. This type stores UTC and returns UTC on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _from_sqlite_text


def _from_sqlite_text(value: str | None) -> datetime | None:
    """What SQLite's text of a UTCDateTime reads as (`datetime.fromisoformat`, then
    `process_result_value`), in one step for the text as stored: "YYYY-MM-DD
    HH:MM:SS[.ffffff]". `datetime.replace` cost the gradebook 1 µs per time read (1,200
    attempts, 4 times each); parsing the text with its offset added costs nothing more
    than parsing it. Anything else is read the general way."""
    if value is None:
        return None
    if len(value) in (19, 26) and value[10] == " " and (len(value) == 19 or value[19] == "."):
        moment = datetime.fromisoformat(value + "+00:00")
        if moment.tzinfo is UTC:
            return moment
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Ids and counts are `integer` columns: 32-bit on PostgreSQL. A larger number in a URL
# or a form can name nothing, and sent to the database it is an error (SQLite: over
# 64 bits), not an empty result.
DB_INT_MAX = 2**31 - 1


def is_row_id(value: int) -> bool:
    """Whether a number can be the id of a row (ids come from URLs and forms in any size)."""
    return 0 < value <= DB_INT_MAX
