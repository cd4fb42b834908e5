"""SQL the study queries share: days since 1970 of a timestamp column (SQLite and
PostgreSQL), the exam's at-risk condition and order built on it, and fsrs's recall of a
memory computed in the database (so that the statistics aggregate thousands of reviews
without reading them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Select, bindparam, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Float, Integer

from quizapp.domain.scheduling import SchedulerSettings, StudyState, forgetting_curve
from quizapp.extensions import db
from quizapp.models.study import StudyItem


class epoch_days(FunctionElement):
    """Days since 1970-01-01 UTC of a timestamp column, as a float, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element, compiler, **kw):
    # UTCDateTime stores naive UTC text on SQLite; julianday() reads it.
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element, compiler, **kw):
    return f"(extract(epoch from {compiler.process(element.clauses, **kw)}) / 86400.0)"


def _epoch_days(moment: datetime) -> float:
    return moment.timestamp() / 86_400.0


def exam_risk(exam_at: datetime, ratio: float) -> tuple:
    """Conditions of `domain.scheduling.exam.at_risk`: in review, not due before the exam,
    and more than `ratio` stabilities since the last review on the exam morning."""
    return (
        StudyItem.state == StudyState.REVIEW.value,
        StudyItem.due >= exam_at,
        literal(_epoch_days(exam_at)) - epoch_days(StudyItem.last_review)
        > StudyItem.stability * ratio,
    )


def exam_urgency(exam_at: datetime):
    """The order of at-risk facts: most stabilities past on the exam morning first."""
    return (literal(_epoch_days(exam_at)) - epoch_days(StudyItem.last_review)) / StudyItem.stability


class whole_days(FunctionElement):
    """Whole days from the first timestamp column to the second, at least 0: what
    `max(0, (later - earlier).days)` is in Python, exactly (microseconds counted as
    integers, no floating point), on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


def _sqlite_micros(column: str) -> str:
    # UTCDateTime stores naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff" on SQLite. The
    # seconds are read without their fraction: SQLite keeps times to the millisecond and
    # rounds, so strftime('%s') of 11:59:59.9996 is 12:00:00. unixepoch() (SQLite 3.38)
    # is the same whole number of seconds for whole seconds, a quarter of the cost.
    seconds = f"substr({column}, 1, 19)"
    seconds = (
        f"unixepoch({seconds})"
        if _SQLITE_HAS_UNIXEPOCH
        else f"CAST(strftime('%s', {seconds}) AS INTEGER)"
    )
    return f"({seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"


_SQLITE_HAS_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38, 0)


@compiles(whole_days, "sqlite")
def _whole_days_sqlite(element, compiler, **kw):
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    # Integer division truncates towards 0, which differs from floor only below 0.
    return f"max(0, ({_sqlite_micros(later)} - {_sqlite_micros(earlier)}) / 86400000000)"


@compiles(whole_days, "postgresql")
def _whole_days_postgresql(element, compiler, **kw):
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    # extract(epoch from interval) is numeric: exact to the microsecond.
    return f"greatest(0, floor(extract(epoch from ({later} - {earlier})) / 86400))::integer"


def recall(stability, earlier, later, settings: SchedulerSettings, *, elapsed=None):
    """`scheduling.recall_curve(settings)(stability, earlier, later)` as a SQL expression:
    the same IEEE operations in the same order, so the same number. `elapsed`: a column
    holding `whole_days(earlier, later)` already, where it is not NULL."""
    factor, decay = forgetting_curve(settings)
    return curve(
        stability,
        earlier,
        later,
        literal(factor, Float()),
        literal(decay, Float()),
        elapsed=elapsed,
    )


def curve(stability, earlier, later, factor, decay, *, elapsed=None):
    """`recall` with the curve's factor and decay as SQL expressions (`curve_values`
    binds them by name in a `Prepared` statement)."""
    days = whole_days(earlier, later)
    elapsed = days if elapsed is None else func.coalesce(elapsed, days)
    return func.power(1 + factor * elapsed / stability, decay)


FACTOR = bindparam("factor", type_=Float())
DECAY = bindparam("decay", type_=Float())


def curve_values(settings: SchedulerSettings) -> dict[str, float]:
    """The values of FACTOR and DECAY for these settings."""
    factor, decay = forgetting_curve(settings)
    return {"factor": factor, "decay": decay}


class Prepared:
    """A SELECT built once per process and run with its values bound by name.

    The statistics' aggregate queries are a few dozen CASE branches: building them and
    their cache key at each view cost the page about as much as SQLite's running them.
    `build` makes the statement with `bindparam`s; `execute(**values)` runs it.
    """

    def __init__(self, build: Callable[[], Select]):
        self._build = build
        self._statement: Select | None = None

    @property
    def statement(self) -> Select:
        if self._statement is None:
            self._statement = self._build()
        return self._statement

    def execute(self, **values):
        return db.session.execute(self.statement, values)


# A LIMIT that keeps every row: on a subquery, it keeps SQLite and PostgreSQL from
# merging the subquery into the query around it.
NO_LIMIT = 2**62
