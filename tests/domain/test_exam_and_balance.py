"""Exam dates and load balancing, pure: which facts are at risk on the exam morning, the
daily share, and that a balanced review never leaves fsrs's fuzz range."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest

from quizapp.domain.scheduling import (
    MemoryState,
    SchedulerSettings,
    StudyState,
    balance,
    exam,
    retrievability,
)

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)  # a Monday
NO_FUZZ = SchedulerSettings(enable_fuzzing=False)


def in_review(stability: float, last_days_ago: float, due_in_days: float) -> MemoryState:
    return MemoryState(
        StudyState.REVIEW,
        None,
        stability,
        5.0,
        NOW + timedelta(days=due_in_days),
        NOW - timedelta(days=last_days_ago),
    )


def test_the_risk_ratio_is_where_recall_crosses_the_target():
    for target in (0.8, 0.9, 0.95):
        ratio = exam.risk_ratio(target, None)
        state = in_review(10.0, 0, 100)
        at = state.last_review + timedelta(days=10.0 * ratio)
        assert retrievability(state, at, NO_FUZZ) == pytest.approx(target, abs=0.01)
    # 0.9 is where FSRS puts the due date at desired retention 0.9: one stability.
    assert exam.risk_ratio(0.9, None) == pytest.approx(1.0)


def test_at_risk_facts_at_a_fixed_now():
    exam_day = exam.Exam(date(2025, 6, 12), 0.9)
    exam_at = exam.exam_moment(exam_day, "UTC")
    assert exam_at == datetime(2025, 6, 12, 4, tzinfo=UTC)
    ratio = exam.risk_ratio(0.9, None)
    items = [
        (1, in_review(5.0, 2, 3)),  # due before the exam: reviewed anyway
        (2, in_review(8.0, 4, 12)),  # 13.75 days since on exam day vs 8: at risk
        (3, in_review(30.0, 1, 29)),  # 10.75 of 30: safe
        (4, in_review(4.0, 1, 20)),  # 10.75 of 4: most at risk
        (5, MemoryState.new(NOW)),  # new: nothing to bring forward
        (6, in_review(9.0, 0.5, 11)),  # 10.25 of 9: just at risk
    ]
    assert exam.at_risk(items, NOW, exam_at, ratio) == [4, 2, 6]
    assert exam.days_left(exam_day, date(2025, 6, 2)) == 10
    assert exam.daily_quota(3, 10) == 1
    assert exam.daily_quota(25, 10) == 3
    assert exam.daily_quota(25, 0) == 0


def test_an_exam_target_is_checked():
    with pytest.raises(ValueError):
        exam.Exam(date(2025, 6, 12), 1.0)


@pytest.mark.parametrize("interval", [1, 2, 3, 5, 8, 15, 30, 90, 400, 3000])
def test_the_fuzz_range_is_fsrs_own(interval):
    scheduler = fsrs.Scheduler(enable_fuzzing=True)
    low, high = balance.fuzz_range(interval, 36_500)
    rng_state = random.getstate()
    try:
        random.seed(interval)
        drawn = {
            scheduler._get_fuzzed_interval(interval=timedelta(days=interval)).days
            for _ in range(400)
        }
    finally:
        random.setstate(rng_state)
    # fsrs draws from [low, high] (its rounding can reach one day past high).
    assert low == min(drawn)
    assert max(drawn) in (high, high + 1)


@pytest.mark.parametrize("seed", range(40))
def test_a_balanced_review_never_leaves_the_fuzz_range(seed):
    rng = random.Random(seed)
    interval = rng.choice([3, 6, 11, 25, 60, 200])
    low, high = balance.fuzz_range(interval, 36_500)
    due = {day: rng.randrange(0, 50) for day in range(low - 3, high + 4)}
    easy = set(rng.sample(range(7), rng.randrange(0, 7)))
    chosen = balance.balanced_interval(
        low, high, due, first_weekday=rng.randrange(7), easy_weekdays=easy, rng=rng
    )
    assert low <= chosen <= high


def test_balancing_prefers_the_lightest_day_and_avoids_easy_days():
    low, high = balance.fuzz_range(30, 36_500)
    assert (low, high) == (27, 33)
    due = {day: 40 for day in range(27, 34)} | {30: 0}
    picks = [
        balance.balanced_interval(
            low, high, due, first_weekday=0, easy_weekdays=(), rng=random.Random(n)
        )
        for n in range(200)
    ]
    assert picks.count(30) > 190
    # Day 30 from a Monday is a Wednesday; made light, the others win though fuller.
    even = dict.fromkeys(range(27, 34), 10)
    picks = [
        balance.balanced_interval(
            low, high, even, first_weekday=0, easy_weekdays={2}, rng=random.Random(n)
        )
        for n in range(200)
    ]
    assert picks.count(30) < 15
    assert (
        balance.balanced_interval(2, 2, {}, first_weekday=0, easy_weekdays=(), rng=random.Random())
        == 2
    )


def test_right_answers_by_kind_and_band_of_predicted_recall():
    from quizapp.domain.scheduling import calibration

    reviews = [("multiple_choice", 0.85, True)] * 30 + [("typed", 0.85, False)] * 10
    reviews += [("typed", 0.85, True)] * 20 + [("typed", 0.5, True)]
    table = calibration.by_kind(reviews)
    assert list(table) == ["multiple_choice", "typed"]
    mc = table["multiple_choice"][calibration.band_of(0.85)]
    typed = table["typed"][calibration.band_of(0.85)]
    assert (mc.reviews, mc.share, mc.enough) == (30, 1.0, True)
    assert typed.share == pytest.approx(2 / 3) and typed.enough
    assert mc.gap == pytest.approx(0.15) and typed.gap == pytest.approx(2 / 3 - 0.85)
    low = table["typed"][0]
    assert (low.reviews, low.enough) == (1, False)
    assert calibration.band_of(1.0) == len(calibration.BANDS) - 1
