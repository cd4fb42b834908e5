"""An exam date: which facts to bring forward so that their predicted recall on the exam
day stays at or above a target, and how many of them a day, spread over the days left.

A fact in review is at risk when FSRS predicts its recall on the morning of the exam
(the start of that study day) below the target, and it is not due before then anyway.
Recall falls below the target once the days since its last review exceed
`stability * risk_ratio(target)`, so "at risk" is one comparison a database can make
too. The most at risk (most days past that point, relative to stability) come first;
each day takes `daily_quota` of them, so the work is spread over the days left instead
of falling on the eve of the exam.

Pure: no flask, no sqlalchemy; time is an argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from quizapp.domain.scheduling.days import day_start
from quizapp.domain.scheduling.states import MemoryState, StudyState, _as_utc

DEFAULT_PARAMETER_DECAY = 0.1542  # FSRS-6 w20, as in fsrs's defaults
_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class Exam:
    """An exam on `day` (the learner's local date) with a recall `target` (0.70-0.99)."""

    day: date
    target: float

    def __post_init__(self) -> None:
        if isinstance(self.target, bool) or not 0.5 <= self.target < 1.0:
            raise ValueError(f"an exam's recall target must be in [0.5, 1), got {self.target!r}")


def exam_moment(exam: Exam, tz_name: str) -> datetime:
    """When the exam day's study day begins (UTC): the recall that counts is that morning's."""
    noon = datetime.combine(exam.day, time(12), tzinfo=ZoneInfo(tz_name))
    return day_start(noon, tz_name)


def days_left(exam: Exam, today: date) -> int:
    """Study days from today until the exam, today included; 0 on or after exam day."""
    return max((exam.day - today).days, 0)


def risk_ratio(target: float, parameters: tuple[float, ...] | None) -> float:
    """Days since the last review, in units of stability, after which FSRS predicts
    recall below `target` (the forgetting curve solved for time).

    Args:
        target: The recall wanted, in (0, 1).
        parameters: The learner's FSRS-6 parameters; None for the defaults.
    """
    decay = -(parameters[20] if parameters else DEFAULT_PARAMETER_DECAY)
    factor = 0.9 ** (1 / decay) - 1
    return (target ** (1 / decay) - 1) / factor


def daily_quota(at_risk: int, left: int) -> int:
    """How many at-risk facts to bring forward today: an even share of the days left."""
    if left <= 0 or at_risk <= 0:
        return 0
    return math.ceil(at_risk / left)


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / _SECONDS_PER_DAY


def at_risk(
    items: Iterable[tuple[int, MemoryState]],
    now: datetime,
    exam_at: datetime,
    ratio: float,
) -> list[int]:
    """The reference order of the facts to bring forward (the database query gives the
    same): REVIEW items not due before the exam whose recall on it would fall below the
    target, most at risk first, then by id.

    Args:
        items: (item id, memory state) pairs.
        now: The moment (UTC-aware).
        exam_at: `exam_moment` of the exam.
        ratio: `risk_ratio` of the target.

    Returns:
        Item ids.
    """
    now, exam_at = _as_utc(now, "now"), _as_utc(exam_at, "exam_at")
    ranked = []
    for item_id, state in items:
        if state.state is not StudyState.REVIEW or state.due <= now or state.due < exam_at:
            continue
        overshoot = _days(exam_at - state.last_review) / state.stability
        if overshoot > ratio:
            ranked.append((-overshoot, item_id))
    return [item_id for _, item_id in sorted(ranked)]
