"""Load balancing: a review's fuzz range is the set of days `fsrs` may already put it on;
instead of a uniform draw in it, prefer the days with fewer reviews due, and the
learner's light weekdays ("Easy Days") least. The chosen day never leaves the range.

The range is fsrs's own (`fsrs.scheduler.FUZZ_RANGES`, the same rule as
`Scheduler._get_fuzzed_interval`): intervals under 2.5 days are never moved.

Pure: the day counts and the random generator are arguments.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

from fsrs.scheduler import FUZZ_RANGES

# An easy weekday keeps this share of its weight: reviews go there only when the other
# days of the range are much fuller (as Anki's "reduced" easy days).
EASY_DAY_WEIGHT = 0.1


def fuzz_range(interval_days: int, maximum_interval: int) -> tuple[int, int]:
    """The days (inclusive) `fsrs` may fuzz an interval of `interval_days` to.

    Returns:
        (lowest, highest); (interval, interval) for intervals under 2.5 days.
    """
    if interval_days < 2.5:
        return interval_days, interval_days
    delta = 1.0
    for band in FUZZ_RANGES:
        delta += band["factor"] * max(min(float(interval_days), band["end"]) - band["start"], 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high


def balanced_interval(
    low: int,
    high: int,
    due_per_day: Mapping[int, int],
    *,
    first_weekday: int,
    easy_weekdays: Collection[int],
    rng: random.Random,
) -> int:
    """Pick the interval (days from the review) within [low, high], weighted towards
    light days.

    Args:
        low: Shortest interval allowed (from `fuzz_range`).
        high: Longest interval allowed.
        due_per_day: Reviews already due, by days from the review day.
        first_weekday: The weekday (Monday 0) of the review day.
        easy_weekdays: Weekdays (Monday 0) the learner wants light.
        rng: The random generator.

    Returns:
        A whole number of days in [low, high].
    """
    if high <= low:
        return low
    days = range(low, high + 1)
    weights = []
    for day in days:
        weight = 1.0 / (1 + due_per_day.get(day, 0)) ** 2
        if (first_weekday + day) % 7 in easy_weekdays:
            weight *= EASY_DAY_WEIGHT
        weights.append(weight)
    return rng.choices(days, weights)[0]
