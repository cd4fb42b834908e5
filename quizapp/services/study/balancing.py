"""Load balancing when a review is recorded: the new due date moves, within the fuzz
range fsrs would have drawn from, towards days with fewer of the learner's reviews due
and away from their light weekdays (see `domain.scheduling.balance`).

One index range of the learner's due dates (user, due) over the few days of the range.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import MemoryState, StudyState, balance
from quizapp.models.study import StudyItem
from quizapp.services.study.settings import Prefs

_rng = random.Random()


def balanced(
    session,
    user_id: int,
    item_id: int,
    prefs: Prefs,
    after: MemoryState,
    now: datetime,
    *,
    maximum_interval: int,
    rng: random.Random | None = None,
) -> MemoryState:
    """`after` with its due date balanced, if it is a review interval fsrs would fuzz.

    Args:
        after: The state fsrs computed without fuzz.
        maximum_interval: The scheduler's longest interval (the range never passes it).
        rng: The random generator (a module one by default).
    """
    if after.state is not StudyState.REVIEW:
        return after
    interval = (after.due - now).days
    low, high = balance.fuzz_range(interval, maximum_interval)
    if high <= low:
        return after
    tz = prefs.timezone
    today = scheduling.study_date(now, tz)
    dues = session.scalars(
        select(StudyItem.due).where(
            StudyItem.user_id == user_id,
            StudyItem.due >= now + timedelta(days=low - 1),
            StudyItem.due < now + timedelta(days=high + 1),
            StudyItem.id != item_id,
        )
    )
    per_day = Counter((scheduling.study_date(due, tz) - today).days for due in dues)
    chosen = balance.balanced_interval(
        low,
        high,
        per_day,
        first_weekday=today.weekday(),
        easy_weekdays=prefs.easy_days,
        rng=rng or _rng,
    )
    return replace(after, due=now + timedelta(days=chosen))
