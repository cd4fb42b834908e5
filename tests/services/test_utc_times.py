"""UTCDateTime reads SQLite's text in one step (the gradebook reads 4,800 times a view):
the same datetimes as the general reading, for the stored text and for anything else."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import literal, select

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, _from_sqlite_text


def general(text: str) -> datetime:
    """What SQLAlchemy's SQLite DATETIME then `process_result_value` made of the text."""
    return UTCDateTime().process_result_value(datetime.fromisoformat(text), None)


TEXTS = [
    "2025-01-01 12:00:00.000123",
    "2025-01-01 12:00:00.000000",
    "2025-01-01 12:00:00",
    "1970-01-01 00:00:00.999999",
    "2025-01-01",  # a date alone: with "+00:00" added it parses, naive
    "2025-01-01 12:00",
    "2025-01-01T12:00:00.5",
    "2025-01-01T12:00:00",
    "2025-01-01 12:00:00+02:00",
    "2025-01-01 12:00:00.123456-05:30",
    "2025-01-01 12:00:00Z",
]


@pytest.mark.parametrize("text", TEXTS)
def test_each_text_reads_as_the_general_reading(text):
    moment = _from_sqlite_text(text)
    assert moment == general(text) and moment.tzinfo is UTC
    assert moment.utcoffset() == timedelta(0)


def test_bad_text_fails_as_before_and_none_is_none():
    assert _from_sqlite_text(None) is None
    for bad in ("yesterday", "2025-13-01 12:00:00", "2025-01-01 12:00:00.12345x"):
        with pytest.raises(ValueError):
            _from_sqlite_text(bad)
        with pytest.raises(ValueError):
            general(bad)


def test_times_read_back_from_the_database_are_those_written(app):
    rng = random.Random(4)
    moments = [
        datetime(2025, 3, 30, 1, 59, 59, 999_999, tzinfo=UTC),
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2025, 6, 1, 12, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    ] + [
        datetime(2020, 1, 1, tzinfo=UTC)
        + timedelta(seconds=rng.uniform(0, 10 * 365 * 86_400), microseconds=rng.randrange(10**6))
        for _ in range(200)
    ]
    for moment in moments:
        read = db.session.scalar(select(literal(moment, UTCDateTime())))
        assert read == moment and read.tzinfo is UTC
