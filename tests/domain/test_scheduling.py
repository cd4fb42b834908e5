"""Tests for quizapp.domain.scheduling.

Golden values were computed once from fsrs 6.3.2 (default FSRS-6 parameters)
with fuzzing off and are hard-coded, so a change of fsrs version or of the way
states are converted shows up here as a changed due date.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.domain.scheduling import (
    DailyLimits,
    MemoryState,
    Rating,
    SchedulerSettings,
    StudyState,
    day_end,
    day_start,
    format_interval,
    lapse_now,
    overdue_priority,
    preview_intervals,
    propose_rating,
    queue_order,
    retrievability,
    review,
    study_date,
)
from quizapp.domain.scheduling import reviews as scheduling_reviews

NO_FUZZ = SchedulerSettings(enable_fuzzing=False)
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
ITEM = 1


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def good_path() -> list[MemoryState]:
    """New -> Good -> Good -> Good, each review exactly when due."""
    states = [MemoryState.new(T0)]
    for _ in range(3):
        states.append(review(states[-1], Rating.Good, states[-1].due, NO_FUZZ, item_id=ITEM))
    return states


def review_state(due: datetime, stability: float) -> MemoryState:
    return MemoryState(
        state=StudyState.REVIEW,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(days=round(stability)),
    )


def learning_state(due: datetime, state: StudyState = StudyState.LEARNING) -> MemoryState:
    return MemoryState(
        state=state,
        step=0,
        stability=1.0,
        difficulty=5.0,
        due=due,
        last_review=due - timedelta(minutes=1),
    )


# --- golden scheduling ------------------------------------------------------


def test_new_item_rated_good_goes_through_learning_steps_into_review() -> None:
    new, first, second, third = good_path()

    assert new.state is StudyState.NEW
    assert first.state is StudyState.LEARNING
    assert first.step == 1
    assert first.due == utc(2025, 1, 6, 9, 10)  # second learning step: 10m
    assert first.last_review == T0
    assert first.stability == pytest.approx(2.3065)  # FSRS-6 initial stability for Good
    assert first.difficulty == pytest.approx(2.118104, abs=1e-6)

    assert second.state is StudyState.REVIEW
    assert second.step is None
    assert second.due == utc(2025, 1, 8, 9, 10)  # graduates with a 2-day interval
    assert second.last_review == utc(2025, 1, 6, 9, 10)

    assert third.state is StudyState.REVIEW
    assert third.due == utc(2025, 1, 19, 9, 10)  # 11 days
    assert third.stability == pytest.approx(10.971048, abs=1e-6)


def test_new_item_rated_again_starts_at_first_learning_step() -> None:
    after = review(MemoryState.new(T0), Rating.Again, T0, NO_FUZZ, item_id=ITEM)

    assert after.state is StudyState.LEARNING
    assert after.step == 0
    assert after.due == T0 + timedelta(minutes=1)


def test_again_in_review_goes_to_relearning_with_ten_minute_step() -> None:
    in_review = good_path()[-1]
    now = in_review.due

    lapsed = review(in_review, Rating.Again, now, NO_FUZZ, item_id=ITEM)

    assert lapsed.state is StudyState.RELEARNING
    assert lapsed.step == 0
    assert lapsed.due == utc(2025, 1, 19, 9, 20)
    assert lapsed.stability == pytest.approx(1.539013, abs=1e-6)

    relearnt = review(lapsed, Rating.Good, lapsed.due, NO_FUZZ, item_id=ITEM)
    assert relearnt.state is StudyState.REVIEW
    assert relearnt.due == utc(2025, 1, 21, 9, 20)


@pytest.mark.parametrize(
    ("retention", "due"),
    [
        (0.70, utc(2026, 3, 25, 9, 10)),
        (0.90, utc(2025, 3, 6, 9, 10)),
        (0.97, utc(2025, 1, 29, 9, 10)),
    ],
)
def test_desired_retention_sets_the_interval(retention: float, due: datetime) -> None:
    in_review = good_path()[-1]
    chosen = SchedulerSettings(desired_retention=retention, enable_fuzzing=False)

    assert review(in_review, Rating.Good, in_review.due, chosen, item_id=ITEM).due == due


def test_higher_retention_gives_shorter_interval() -> None:
    in_review = good_path()[-1]

    def interval(retention: float) -> timedelta:
        chosen = SchedulerSettings(desired_retention=retention, enable_fuzzing=False)
        return preview_intervals(in_review, in_review.due, chosen, ITEM)[Rating.Good]

    assert interval(0.97) < interval(0.90) < interval(0.70)


def test_review_accepts_rating_value_and_rejects_unknown() -> None:
    new = MemoryState.new(T0)

    assert review(new, 3, T0, NO_FUZZ, item_id=ITEM) == review(
        new, Rating.Good, T0, NO_FUZZ, item_id=ITEM
    )
    with pytest.raises(ValueError):
        review(new, 5, T0, NO_FUZZ, item_id=ITEM)


def test_review_does_not_mutate_input() -> None:
    before = good_path()[2]
    snapshot = copy.deepcopy(before)

    after = review(before, Rating.Again, before.due, NO_FUZZ, item_id=ITEM)

    assert before == snapshot
    assert after is not before
    assert after != before


def test_fuzzed_review_stays_near_unfuzzed_interval() -> None:
    in_review = good_path()[-1]
    plain = preview_intervals(in_review, in_review.due, NO_FUZZ, ITEM)[Rating.Good]

    fuzzed = review(in_review, Rating.Good, in_review.due, SchedulerSettings(), item_id=ITEM)

    assert abs((fuzzed.due - in_review.due) - plain) <= timedelta(days=5)


def test_non_utc_zone_is_normalised_for_fsrs() -> None:
    # fsrs refuses any tzinfo other than timezone.utc, even ZoneInfo("UTC").
    now = datetime(2025, 1, 6, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    state = MemoryState.new(now)

    after = review(state, Rating.Good, now, NO_FUZZ, item_id=ITEM)

    assert state.due.tzinfo is UTC
    assert after.due == utc(2025, 1, 6, 9, 10)


# --- settings ---------------------------------------------------------------


def test_settings_defaults_match_the_issue() -> None:
    defaults = SchedulerSettings()

    assert defaults.desired_retention == 0.90
    assert defaults.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert defaults.relearning_steps == (timedelta(minutes=10),)
    assert defaults.enable_fuzzing is True
    assert DailyLimits() == DailyLimits(new_per_day=20, reviews_per_day=200)


@pytest.mark.parametrize("retention", [0.70, 0.85, 0.97])
def test_settings_accept_retention_in_range(retention: float) -> None:
    assert SchedulerSettings(desired_retention=retention).desired_retention == retention


@pytest.mark.parametrize("retention", [0.69, 0.975, 1.0, 0.0, float("nan"), True, "0.9"])
def test_settings_reject_retention_out_of_range(retention: object) -> None:
    with pytest.raises(ValueError, match=r"desired retention must be between 0\.70 and 0\.97"):
        SchedulerSettings(desired_retention=retention)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"learning_steps": (timedelta(0),)},
        {"relearning_steps": (timedelta(minutes=-1),)},
        {"learning_steps": (60,)},
        {"maximum_interval": 0},
        {"maximum_interval": 1.5},
    ],
)
def test_settings_reject_bad_steps_and_maximum(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SchedulerSettings(**kwargs)  # type: ignore[arg-type]


def test_settings_steps_given_as_list_become_hashable_tuples() -> None:
    as_list = SchedulerSettings(learning_steps=[timedelta(minutes=1)])  # type: ignore[arg-type]

    assert as_list.learning_steps == (timedelta(minutes=1),)
    assert hash(as_list) == hash(SchedulerSettings(learning_steps=(timedelta(minutes=1),)))


def test_equal_settings_share_one_fsrs_scheduler() -> None:
    first = scheduling_reviews._scheduler(SchedulerSettings(desired_retention=0.8))

    assert scheduling_reviews._scheduler(SchedulerSettings(desired_retention=0.8)) is first
    assert scheduling_reviews._scheduler(SchedulerSettings(desired_retention=0.81)) is not first


@pytest.mark.parametrize(
    "kwargs", [{"new_per_day": -1}, {"reviews_per_day": -5}, {"new_per_day": 2.5}]
)
def test_daily_limits_reject_negative_or_fractional(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DailyLimits(**kwargs)  # type: ignore[arg-type]


# --- memory state -----------------------------------------------------------


@pytest.mark.parametrize("index", range(4))
def test_to_dict_from_dict_round_trip(index: int) -> None:
    state = good_path()[index]

    through_json = json.loads(json.dumps(state.to_dict()))

    assert MemoryState.from_dict(through_json) == state


def test_to_dict_round_trip_of_relearning_state() -> None:
    in_review = good_path()[-1]
    lapsed = review(in_review, Rating.Again, in_review.due, NO_FUZZ, item_id=ITEM)

    assert MemoryState.from_dict(lapsed.to_dict()) == lapsed


def test_to_dict_is_readable() -> None:
    assert MemoryState.new(T0).to_dict() == {
        "state": "new",
        "step": None,
        "stability": None,
        "difficulty": None,
        "due": "2025-01-06T09:00:00+00:00",
        "last_review": None,
    }


def test_from_dict_rejects_naive_datetimes() -> None:
    data = MemoryState.new(T0).to_dict() | {"due": "2025-01-06T09:00:00"}

    with pytest.raises(ValueError, match="timezone-aware"):
        MemoryState.from_dict(data)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"state": StudyState.REVIEW},  # no memory
        {"stability": 1.0},  # NEW with memory
        {"step": 0},  # NEW with a step
    ],
)
def test_memory_state_rejects_contradictions(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MemoryState(**(MemoryState.new(T0).__dict__ | kwargs))


def test_memory_state_rejects_review_with_step_and_learning_without() -> None:
    in_review = good_path()[-1]
    with pytest.raises(ValueError, match="REVIEW memory state has no step"):
        MemoryState(**(in_review.__dict__ | {"step": 0}))
    with pytest.raises(ValueError, match="needs a step"):
        MemoryState(**(in_review.__dict__ | {"state": StudyState.LEARNING}))


# --- preview and labels -----------------------------------------------------


def test_preview_intervals_of_new_item() -> None:
    intervals = preview_intervals(MemoryState.new(T0), T0, NO_FUZZ, ITEM)

    assert intervals == {
        Rating.Again: timedelta(minutes=1),
        Rating.Hard: timedelta(minutes=5, seconds=30),
        Rating.Good: timedelta(minutes=10),
        Rating.Easy: timedelta(days=8),
    }
    assert [format_interval(v) for v in intervals.values()] == ["1m", "6m", "10m", "8d"]


def test_preview_ignores_fuzzing_and_does_not_mutate() -> None:
    in_review = good_path()[-1]
    snapshot = copy.deepcopy(in_review)

    fuzzed = preview_intervals(in_review, in_review.due, SchedulerSettings(), ITEM)

    assert fuzzed == preview_intervals(in_review, in_review.due, NO_FUZZ, ITEM)
    assert in_review == snapshot


def assert_monotonic(intervals: dict[Rating, timedelta]) -> None:
    values = [intervals[rating] for rating in Rating]
    assert values == sorted(values), values


@pytest.mark.parametrize("index", range(4))
def test_preview_intervals_are_monotonic_on_golden_path(index: int) -> None:
    state = good_path()[index]

    assert_monotonic(preview_intervals(state, state.due, NO_FUZZ, ITEM))


@settings(max_examples=150, deadline=None)
@given(
    history=st.lists(
        st.tuples(
            st.sampled_from(list(Rating)),
            st.integers(min_value=0, max_value=400 * 24 * 60),  # minutes after due
        ),
        max_size=8,
    ),
    retention=st.floats(min_value=0.70, max_value=0.97),
    wait=st.integers(min_value=-3 * 24 * 60, max_value=400 * 24 * 60),
)
def test_preview_intervals_are_monotonic_for_any_history(
    history: list[tuple[Rating, int]], retention: float, wait: int
) -> None:
    chosen = SchedulerSettings(desired_retention=retention, enable_fuzzing=False)
    state = MemoryState.new(T0)
    for rating, late in history:
        state = review(state, rating, state.due + timedelta(minutes=late), chosen, item_id=ITEM)
    # Previewing early (negative wait) happens when a learner studies ahead.
    now = max(state.due + timedelta(minutes=wait), state.last_review or T0)

    assert_monotonic(preview_intervals(state, now, chosen, ITEM))


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=59, seconds=45), "1h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(hours=23), "23h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=30), "1mo"),
        (timedelta(days=46), "1.5mo"),
        (timedelta(days=90), "3mo"),
        (timedelta(days=350), "11.7mo"),
        (timedelta(days=360), "1y"),  # 12.0 months reads as a year
        (timedelta(days=365), "1y"),
        (timedelta(days=438), "1.2y"),
        (timedelta(days=36500), "100y"),
    ],
)
def test_format_interval(interval: timedelta, label: str) -> None:
    assert format_interval(interval) == label


def test_format_interval_rejects_negative() -> None:
    with pytest.raises(ValueError):
        format_interval(timedelta(minutes=-1))


# --- retrievability ---------------------------------------------------------


def test_retrievability_of_new_item_is_zero() -> None:
    assert retrievability(MemoryState.new(T0), T0, NO_FUZZ) == 0.0


def test_retrievability_is_near_desired_retention_when_due_and_falls_after() -> None:
    in_review = good_path()[-1]

    at_review = retrievability(in_review, in_review.last_review, NO_FUZZ)  # type: ignore[arg-type]
    at_due = retrievability(in_review, in_review.due, NO_FUZZ)
    later = retrievability(in_review, in_review.due + timedelta(days=30), NO_FUZZ)

    assert at_review == 1.0
    assert at_due == pytest.approx(0.90, abs=0.01)
    assert later < at_due


# --- proposed rating --------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "seconds", "kind", "rating"),
    [
        (False, 1.0, "choice", Rating.Again),
        (False, 30.0, "typed", Rating.Again),
        (True, 4.9, "choice", Rating.Easy),
        (True, 5.0, "choice", Rating.Good),
        (True, 20.0, "choice", Rating.Good),
        (True, 7.9, "typed", Rating.Easy),
        (True, 8.0, "typed", Rating.Good),
        (True, 6.0, "typed", Rating.Easy),
        (True, 6.0, "multiple_choice", Rating.Good),
        (True, 3.0, "true_false", Rating.Easy),
        (True, 7.0, "cloze", Rating.Easy),
        (True, 0.0, "choice", Rating.Easy),
    ],
)
def test_propose_rating(correct: bool, seconds: float, kind: str, rating: Rating) -> None:
    assert propose_rating(correct, seconds, kind) is rating


def test_propose_rating_threshold_can_be_overridden() -> None:
    assert propose_rating(True, 4.0, "choice", fast_seconds=3.0) is Rating.Good
    assert propose_rating(True, 4.0, "flip-like", fast_seconds=10.0) is Rating.Easy


@pytest.mark.parametrize(("seconds", "kind"), [(-1.0, "choice"), (float("nan"), "typed")])
def test_propose_rating_rejects_bad_seconds(seconds: float, kind: str) -> None:
    with pytest.raises(ValueError, match="seconds"):
        propose_rating(True, seconds, kind)


def test_propose_rating_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown question kind 'essay'"):
        propose_rating(True, 1.0, "essay")


# --- study day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "now", "start"),
    [
        # Berlin in winter is UTC+1: 4 a.m. local is 03:00 UTC.
        ("Europe/Berlin", utc(2025, 1, 15, 2, 59, 59), utc(2025, 1, 14, 3)),
        ("Europe/Berlin", utc(2025, 1, 15, 3), utc(2025, 1, 15, 3)),
        ("Europe/Berlin", utc(2025, 1, 15, 23, 30), utc(2025, 1, 15, 3)),  # 00:30 local
        # Berlin in summer is UTC+2.
        ("Europe/Berlin", utc(2025, 7, 1, 1, 59), utc(2025, 6, 30, 2)),
        ("Europe/Berlin", utc(2025, 7, 1, 2, 1), utc(2025, 7, 1, 2)),
        # Los Angeles in winter is UTC-8: 4 a.m. local is 12:00 UTC.
        ("America/Los_Angeles", utc(2025, 1, 15, 11, 59, 59), utc(2025, 1, 14, 12)),
        ("America/Los_Angeles", utc(2025, 1, 15, 12), utc(2025, 1, 15, 12)),
        # Shanghai is UTC+8 all year: 4 a.m. local is 20:00 UTC the day before.
        ("Asia/Shanghai", utc(2025, 1, 15, 19, 59, 59), utc(2025, 1, 14, 20)),
        ("Asia/Shanghai", utc(2025, 1, 15, 20), utc(2025, 1, 15, 20)),
        ("UTC", utc(2025, 1, 15, 3, 59), utc(2025, 1, 14, 4)),
    ],
)
def test_day_start_around_four_am(tz_name: str, now: datetime, start: datetime) -> None:
    assert day_start(now, tz_name) == start
    assert day_start(now, tz_name).tzinfo is UTC


@pytest.mark.parametrize(
    ("tz_name", "now", "start", "end"),
    [
        # Clocks go forward at 02:00 on 30 March 2025: the study day of the
        # 29th is 23 hours long.
        ("Europe/Berlin", utc(2025, 3, 30, 1, 30), utc(2025, 3, 29, 3), utc(2025, 3, 30, 2)),
        ("Europe/Berlin", utc(2025, 3, 30, 2), utc(2025, 3, 30, 2), utc(2025, 3, 31, 2)),
        # Clocks go back at 03:00 on 26 October 2025: that study day is 25 hours.
        ("Europe/Berlin", utc(2025, 10, 26, 2, 30), utc(2025, 10, 25, 2), utc(2025, 10, 26, 3)),
        ("Europe/Berlin", utc(2025, 10, 26, 3), utc(2025, 10, 26, 3), utc(2025, 10, 27, 3)),
        # Los Angeles goes forward at 02:00 on 9 March 2025.
        (
            "America/Los_Angeles",
            utc(2025, 3, 9, 10, 30),  # 03:30 PDT, still the 8th's study day
            utc(2025, 3, 8, 12),
            utc(2025, 3, 9, 11),
        ),
    ],
)
def test_day_start_and_end_on_dst_change(
    tz_name: str, now: datetime, start: datetime, end: datetime
) -> None:
    assert day_start(now, tz_name) == start
    assert day_end(now, tz_name) == end


def test_rollover_inside_a_dst_gap_starts_at_the_jump() -> None:
    # 02:00 does not exist in Berlin on 30 March 2025; the day starts at the jump.
    assert day_start(utc(2025, 3, 30, 1, 30), "Europe/Berlin", rollover_hour=2) == utc(
        2025, 3, 30, 1
    )


def test_rollover_inside_repeated_hour_uses_first_occurrence() -> None:
    # 02:00-03:00 happens twice in Berlin on 26 October 2025; both passes are
    # after the first 02:00 (00:00 UTC), so both belong to the 26th's study day.
    first_pass = utc(2025, 10, 26, 0, 30)
    second_pass = utc(2025, 10, 26, 1, 30)
    for now in (first_pass, second_pass):
        assert day_start(now, "Europe/Berlin", rollover_hour=2) == utc(2025, 10, 26, 0)
    # 23:59 UTC is 01:59 CEST, before the first 02:00: still the 25th's study day.
    assert day_start(utc(2025, 10, 25, 23, 59), "Europe/Berlin", rollover_hour=2) == utc(
        2025, 10, 25, 0
    )


def test_study_date_is_yesterday_before_four_am() -> None:
    assert study_date(utc(2025, 1, 15, 2, 59), "Europe/Berlin").isoformat() == "2025-01-14"
    assert study_date(utc(2025, 1, 15, 3, 0), "Europe/Berlin").isoformat() == "2025-01-15"


@pytest.mark.parametrize("tz_name", ["Mars/Olympus_Mons", "", "../../etc/passwd", "Europe/"])
def test_day_start_rejects_unknown_timezone(tz_name: str) -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        day_start(T0, tz_name)


@pytest.mark.parametrize("hour", [-1, 24, True])
def test_day_start_rejects_bad_rollover_hour(hour: int) -> None:
    with pytest.raises(ValueError, match="rollover_hour"):
        day_start(T0, "UTC", rollover_hour=hour)


def test_day_start_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        day_start(datetime(2025, 1, 15, 12), "UTC")


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    tz_name=st.sampled_from(
        ["Europe/Berlin", "America/Los_Angeles", "Asia/Shanghai", "Australia/Lord_Howe", "UTC"]
    ),
)
def test_study_day_contains_now_and_lasts_about_a_day(now: datetime, tz_name: str) -> None:
    start, end = day_start(now, tz_name), day_end(now, tz_name)

    assert start <= now < end
    assert timedelta(hours=23) <= end - start <= timedelta(hours=25)
    assert start.astimezone(ZoneInfo(tz_name)).hour == 4
    assert day_start(end, tz_name) == end


# --- queue ------------------------------------------------------------------

NOW = utc(2025, 2, 1, 12)


def test_queue_order_learning_then_relative_overdue_reviews_then_new() -> None:
    items = [
        (10, MemoryState.new(NOW - timedelta(days=3))),
        (11, MemoryState.new(NOW - timedelta(days=5))),
        (12, MemoryState.new(NOW + timedelta(hours=1))),  # not yet due
        # 2 days late on stability 4 (0.5) beats 10 days late on stability 100 (0.1).
        (20, review_state(NOW - timedelta(days=10), stability=100.0)),
        (21, review_state(NOW - timedelta(days=2), stability=4.0)),
        (22, review_state(NOW, stability=10.0)),
        (23, review_state(NOW + timedelta(days=1), stability=10.0)),  # not yet due
        (30, learning_state(NOW - timedelta(minutes=1))),
        (31, learning_state(NOW - timedelta(minutes=5), StudyState.RELEARNING)),
        (32, learning_state(NOW + timedelta(minutes=3))),  # not yet due
    ]

    assert queue_order(items, NOW) == [31, 30, 21, 20, 22, 11, 10]


def test_queue_order_respects_review_limit_but_not_for_learning() -> None:
    items = [(i, review_state(NOW - timedelta(days=i), stability=10.0)) for i in range(1, 6)]
    items += [(100 + i, learning_state(NOW - timedelta(minutes=i))) for i in range(3)]
    limits = DailyLimits(new_per_day=20, reviews_per_day=4)

    ordered = queue_order(items, NOW, limits=limits, reviews_done_today=2)

    assert ordered == [102, 101, 100, 5, 4]


def test_queue_order_respects_new_limit() -> None:
    items = [(i, MemoryState.new(NOW - timedelta(minutes=i))) for i in range(30)]

    assert queue_order(items, NOW) == list(range(29, 9, -1))  # default: 20, oldest first
    assert queue_order(items, NOW, new_done_today=18) == [29, 28]
    assert queue_order(items, NOW, new_done_today=25) == []
    assert queue_order(items, NOW, limits=DailyLimits(new_per_day=0)) == []


def test_queue_order_breaks_ties_by_due_then_id() -> None:
    same = review_state(NOW - timedelta(days=1), stability=5.0)
    items = [(7, same), (3, same), (5, MemoryState.new(NOW)), (4, MemoryState.new(NOW))]

    assert queue_order(items, NOW) == [3, 7, 4, 5]


def test_queue_order_is_independent_of_input_order() -> None:
    items = [
        (1, MemoryState.new(NOW)),
        (2, review_state(NOW - timedelta(days=3), stability=2.0)),
        (3, learning_state(NOW)),
        (4, review_state(NOW - timedelta(days=1), stability=30.0)),
    ]

    assert queue_order(items, NOW) == queue_order(reversed(items), NOW) == [3, 2, 4, 1]


def test_overdue_priority() -> None:
    assert overdue_priority(review_state(NOW - timedelta(days=3), 6.0), NOW) == 0.5
    assert overdue_priority(review_state(NOW + timedelta(days=2), 4.0), NOW) == -0.5
    with pytest.raises(ValueError):
        overdue_priority(MemoryState.new(NOW), NOW)


# --- wrong quiz answers -----------------------------------------------------


def test_lapse_now_makes_review_due_now_and_keeps_memory() -> None:
    in_review = good_path()[-1]
    now = in_review.last_review + timedelta(days=3)  # type: ignore[operator]
    snapshot = copy.deepcopy(in_review)

    lapsed = lapse_now(in_review, now)

    assert lapsed.due == now
    assert lapsed == MemoryState(**(in_review.__dict__ | {"due": now}))
    assert in_review == snapshot
    assert queue_order([(ITEM, lapsed)], now) == [ITEM]


def test_lapse_now_keeps_an_overdue_item_as_overdue() -> None:
    overdue = review_state(NOW - timedelta(days=4), stability=8.0)

    assert lapse_now(overdue, NOW) == overdue


def test_lapse_now_leaves_new_items_new() -> None:
    later = MemoryState.new(NOW + timedelta(days=1))

    lapsed = lapse_now(later, NOW)

    assert lapsed.state is StudyState.NEW
    assert lapsed.due == NOW


def test_review_after_lapse_now_is_an_early_review_not_a_reset() -> None:
    in_review = good_path()[-1]
    now = in_review.last_review + timedelta(days=3)  # type: ignore[operator]

    after = review(lapse_now(in_review, now), Rating.Good, now, NO_FUZZ, item_id=ITEM)

    assert after.state is StudyState.REVIEW
    assert after.stability > in_review.stability  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(
    stability=st.floats(min_value=0.01, max_value=36500),
    seconds=st.integers(min_value=0, max_value=10 * 365 * 86400),
    fitted=st.booleans(),
)
def test_the_recall_curve_is_retrievability_of_a_review_state(stability, seconds, fitted):
    from quizapp.domain.scheduling import (
        MemoryState,
        SchedulerSettings,
        StudyState,
        recall_curve,
        retrievability,
    )

    parameters = None
    if fitted:  # a learner's own parameters: another decay, so another curve
        import fsrs

        parameters = (*fsrs.scheduler.DEFAULT_PARAMETERS[:20], 0.35)
    config = SchedulerSettings(enable_fuzzing=False, parameters=parameters)
    last = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    at = last + timedelta(seconds=seconds)
    state = MemoryState(StudyState.REVIEW, None, stability, 5.0, at, last)
    assert recall_curve(config)(stability, last, at) == retrievability(state, at, config)
