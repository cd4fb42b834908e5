"""The `fsrs` wrapper: converting a `MemoryState` to and from `fsrs.Card`, reviewing,
the intervals on the rating buttons, retrievability, the rating proposed for an
answer, and the lapse a wrong quiz answer makes (no review faked).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import fsrs
from fsrs import Rating

from quizapp.domain.scheduling.states import MemoryState, SchedulerSettings, StudyState, _as_utc

# An answer faster than this (seconds) is proposed as Easy rather than Good.
# Recognising the right option is quicker than producing the answer, so choice
# kinds get a shorter threshold than kinds where the learner types. The keys
# are the two answer modes plus the question kinds of questions/README.md.
FAST_ANSWER_SECONDS: Mapping[str, float] = {
    "choice": 5.0,
    "typed": 8.0,
    "multiple_choice": 5.0,
    "true_false": 5.0,
    # Several options must be checked, which takes about as long as typing.
    "multiple_select": 8.0,
    "cloze": 8.0,
    "reverse": 8.0,
}


_TO_FSRS_STATE = {
    StudyState.LEARNING: fsrs.State.Learning,
    StudyState.REVIEW: fsrs.State.Review,
    StudyState.RELEARNING: fsrs.State.Relearning,
}
_FROM_FSRS_STATE = {value: key for key, value in _TO_FSRS_STATE.items()}


@functools.lru_cache(maxsize=64)
def _scheduler(settings: SchedulerSettings) -> fsrs.Scheduler:
    # Building a Scheduler validates 21 parameters; users share a handful of
    # settings, so one instance per distinct settings value is enough.
    # review_card() copies the card and never mutates the scheduler, so
    # sharing an instance between requests is safe.
    parameters = {} if settings.parameters is None else {"parameters": settings.parameters}
    return fsrs.Scheduler(
        **parameters,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.enable_fuzzing,
    )


def _to_card(state: MemoryState, item_id: int) -> fsrs.Card:
    # card_id is always given: without it fsrs.Card() sleeps 1 ms to make one up.
    if state.state is StudyState.NEW:
        # What fsrs.Card() is for a new card: Learning at step 0 with no memory.
        return fsrs.Card(card_id=item_id, state=fsrs.State.Learning, step=0, due=state.due)
    return fsrs.Card(
        card_id=item_id,
        state=_TO_FSRS_STATE[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def _from_card(card: fsrs.Card) -> MemoryState:
    return MemoryState(
        state=_FROM_FSRS_STATE[fsrs.State(card.state)],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(
    state: MemoryState,
    rating: Rating | int,
    now: datetime,
    settings: SchedulerSettings,
    *,
    item_id: int,
) -> MemoryState:
    """Return the memory state after a review rated `rating` at `now`.

    With fuzzing on, `fsrs` draws the fuzz from Python's global `random`
    module; turn fuzzing off where results must be reproducible.

    Args:
        state: The state before the review (not modified).
        rating: Again, Hard, Good or Easy (or their values 1-4).
        now: When the review happened (UTC-aware).
        settings: The user's scheduler settings.
        item_id: The study item's id, used as the `fsrs` card id.

    Returns:
        The new memory state; never NEW.

    Raises:
        ValueError: If `rating` is not a rating or `now` is naive.
    """
    now = _as_utc(now, "now")
    card, _log = _scheduler(settings).review_card(
        _to_card(state, item_id), Rating(rating), review_datetime=now
    )
    return _from_card(card)


def preview_intervals(
    state: MemoryState,
    now: datetime,
    settings: SchedulerSettings,
    item_id: int,
) -> dict[Rating, timedelta]:
    """Return how long each rating would put the item away, for the buttons.

    Fuzzing is turned off for the preview: the labels should be stable and
    ordered, and the fuzz only moves a review by a few percent.

    Args:
        state: The current memory state.
        now: When the learner is about to answer (UTC-aware).
        settings: The user's scheduler settings.
        item_id: The study item's id.

    Returns:
        The interval until the next due date for each of the four ratings.
    """
    now = _as_utc(now, "now")
    unfuzzed = replace(settings, enable_fuzzing=False)
    return {
        rating: review(state, rating, now, unfuzzed, item_id=item_id).due - now for rating in Rating
    }


def _compact_number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def format_interval(interval: timedelta) -> str:
    """Return a short label for an interval: "1m", "10m", "3h", "4d", "3mo", "1.2y".

    Minutes and days are whole; hours, months (30 days) and years (365 days)
    keep one decimal when it is not zero. Under a minute reads "<1m".

    Args:
        interval: A non-negative interval.

    Returns:
        The label.

    Raises:
        ValueError: If `interval` is negative.
    """
    seconds = interval.total_seconds()
    if seconds < 0:
        raise ValueError(f"interval must not be negative, got {interval!r}")
    minutes = seconds / 60
    hours = minutes / 60
    days = hours / 24
    # Units are chosen on the rounded value so that 59.7 minutes reads "1h", not "60m".
    if minutes < 1:
        return "<1m"
    if round(minutes) < 60:
        return f"{round(minutes)}m"
    if round(hours, 1) < 24:
        return f"{_compact_number(hours)}h"
    if round(days) < 30:
        return f"{round(days)}d"
    if round(days / 30, 1) < 12:
        return f"{_compact_number(days / 30)}mo"
    return f"{_compact_number(max(days / 365, 1.0))}y"


def retrievability(state: MemoryState, now: datetime, settings: SchedulerSettings) -> float:
    """Return the predicted probability of recalling the item at `now`.

    Args:
        state: The memory state.
        now: The moment asked about (UTC-aware).
        settings: The user's scheduler settings.

    Returns:
        A probability in [0, 1]; 0 for a NEW item, which has no memory yet.
    """
    if state.state is StudyState.NEW:
        return 0.0
    now = _as_utc(now, "now")
    # The card id plays no part in retrievability.
    card = _to_card(state, item_id=0)
    return float(_scheduler(settings).get_card_retrievability(card, current_datetime=now))


def elapsed_days(last_review: datetime, at: datetime) -> int:
    """Whole days from the last review to `at` (0 if `at` is earlier): fsrs's t."""
    return max(0, (at - last_review).days)


def forgetting_curve(settings: SchedulerSettings) -> tuple[float, float]:
    """(factor, decay) of fsrs's forgetting curve for these settings: the recall of a memory
    of stability S after t whole days is (1 + factor * t / S) ** decay. For code that
    computes it where fsrs cannot run (in SQL: `services.study.sql.recall`)."""
    scheduler = _scheduler(settings)
    return scheduler._FACTOR, scheduler._DECAY


def recall_curve(settings: SchedulerSettings) -> Callable[[float, datetime, datetime], float]:
    """`retrievability` for many reviews at once: (stability, last review, moment) -> recall.

    The same number as `retrievability` of a REVIEW state (fsrs's own factor and decay
    of these settings, whole days elapsed), without building a card per review: the
    statistics ask it for thousands of past reviews.
    """
    factor, decay = forgetting_curve(settings)

    def recall(stability: float, last_review: datetime, at: datetime) -> float:
        return float((1 + factor * elapsed_days(last_review, at) / stability) ** decay)

    return recall


def propose_rating(
    correct: bool,
    seconds: float,
    kind: str,
    *,
    fast_seconds: float | None = None,
) -> Rating:
    """Propose a rating for a typed or choice answer; the learner may change it.

    Wrong is Again, right is Good, right and fast is Easy. Hard is never
    proposed: the app cannot tell a struggle from a slow reader.

    Args:
        correct: Whether the answer was right.
        seconds: How long the learner took to answer.
        kind: An answer mode ("choice", "typed") or a question kind
            ("multiple_choice", "cloze", ...), see `FAST_ANSWER_SECONDS`.
        fast_seconds: Overrides the "fast" threshold for `kind`.

    Returns:
        The proposed rating.

    Raises:
        ValueError: If `seconds` is negative or not a number, or `kind` is
            unknown and no `fast_seconds` is given.
    """
    if not seconds >= 0:
        raise ValueError(f"seconds must be >= 0, got {seconds!r}")
    if fast_seconds is None:
        try:
            fast_seconds = FAST_ANSWER_SECONDS[kind]
        except KeyError:
            known = ", ".join(sorted(FAST_ANSWER_SECONDS))
            raise ValueError(f"unknown question kind {kind!r}; known: {known}") from None
    if not correct:
        return Rating.Again
    return Rating.Easy if seconds < fast_seconds else Rating.Good


def lapse_now(state: MemoryState, now: datetime) -> MemoryState:
    """Return the state after a wrong quiz answer: due now, memory unchanged.

    A quiz answer outside study mode is not an FSRS review, so no review is
    faked: stability, difficulty, step and last_review stay as they are and
    only the due date moves to `now` (or stays where it is if already due
    earlier, so an overdue item keeps its place in the queue). FSRS computes
    the next update from the time since `last_review`, not from `due`, so an
    early review that follows is scored correctly as an early one. A NEW item
    stays NEW and keeps counting against the daily new-fact limit: a quiz
    should not be a way round it.

    Args:
        state: The current memory state (not modified).
        now: When the wrong answer was given (UTC-aware).

    Returns:
        The state with `due = min(due, now)`.
    """
    now = _as_utc(now, "now")
    if state.due <= now:
        return state
    return replace(state, due=now)


def is_leech(lapses: int, threshold: int) -> bool:
    """Whether a fact forgotten `lapses` times is a leech (Anki: 8 by default).

    Args:
        lapses: Times the fact was forgotten in review (Again on a REVIEW item).
        threshold: The learner's leech threshold (>= 1).

    Returns:
        True from the `threshold`-th lapse on.
    """
    return lapses >= threshold
