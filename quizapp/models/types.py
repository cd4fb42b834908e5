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


def utcnow() -> datetime:
    return datetime.now(UTC)


# Ids and counts are `integer` columns: 32-bit on PostgreSQL. A larger number in a URL
# or a form can name nothing, and sent to the database it is an error (SQLite: over
# 64 bits), not an empty result.
DB_INT_MAX = 2**31 - 1


def is_row_id(value: int) -> bool:
    """Whether a number can be the id of a row (ids come from URLs and forms in any size)."""
    return 0 < value <= DB_INT_MAX
