"""The order of the study queue: learning items by due, then reviews by how overdue they
are relative to their stability, then new items, within the day's limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from quizapp.domain.scheduling.states import (
    DEFAULT_LIMITS,
    DailyLimits,
    MemoryState,
    StudyState,
    _as_utc,
)

_SECONDS_PER_DAY = 86_400.0


def overdue_priority(state: MemoryState, now: datetime) -> float:
    """Return days overdue divided by stability; higher is more urgent.

    A day late matters more for an item remembered for 3 days than for one
    remembered for 300, so lateness is measured relative to stability.
    Negative when the item is not due yet.

    Args:
        state: A memory state with stability (not NEW).
        now: The moment (UTC-aware).

    Returns:
        (now - due) in days / stability.

    Raises:
        ValueError: If the state has no stability (NEW).
    """
    if state.stability is None:
        raise ValueError("a NEW memory state has no stability to be overdue against")
    now = _as_utc(now, "now")
    days_overdue = (now - state.due).total_seconds() / _SECONDS_PER_DAY
    return days_overdue / state.stability


def queue_order(
    items: Iterable[tuple[int, MemoryState]],
    now: datetime,
    *,
    limits: DailyLimits = DEFAULT_LIMITS,
    new_done_today: int = 0,
    reviews_done_today: int = 0,
) -> list[int]:
    """Return the ids of the items to study now, in order.

    This is the reference for the study queue; the database query must give
    the same list. Only items with `due <= now` take part. Then:

    1. LEARNING and RELEARNING items, by due, then id. Not limited.
    2. REVIEW items, by `overdue_priority` descending, then due, then id; at
       most `limits.reviews_per_day - reviews_done_today`.
    3. NEW items, by due (creation), then id; at most
       `limits.new_per_day - new_done_today`.

    Args:
        items: (item id, memory state) pairs, in any order.
        now: The moment (UTC-aware).
        limits: The user's daily limits.
        new_done_today: New facts already introduced this study day.
        reviews_done_today: REVIEW-state reviews already done this study day.

    Returns:
        Item ids, learning first, then reviews, then new facts.
    """
    now = _as_utc(now, "now")
    learning: list[tuple[datetime, int]] = []
    reviews: list[tuple[float, datetime, int]] = []
    new: list[tuple[datetime, int]] = []
    for item_id, state in items:
        if state.due > now:
            continue
        if state.state is StudyState.NEW:
            new.append((state.due, item_id))
        elif state.state is StudyState.REVIEW:
            reviews.append((-overdue_priority(state, now), state.due, item_id))
        else:
            learning.append((state.due, item_id))

    reviews_left = max(limits.reviews_per_day - reviews_done_today, 0)
    new_left = max(limits.new_per_day - new_done_today, 0)
    return (
        [item_id for _, item_id in sorted(learning)]
        + [item_id for _, _, item_id in sorted(reviews)[:reviews_left]]
        + [item_id for _, item_id in sorted(new)[:new_left]]
    )
