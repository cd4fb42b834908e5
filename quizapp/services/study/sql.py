"""SQL the study queries share: days since 1970 of a timestamp column (SQLite and
PostgreSQL), and the exam's at-risk condition and order built on it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Float

from quizapp.domain.scheduling import StudyState
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
