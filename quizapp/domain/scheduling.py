"""Spaced repetition on top of the `fsrs` library (FSRS-6).

The unit of memory is a study item: one (user, fact) pair with one FSRS memory
state. This module converts between the stored state (`MemoryState`) and
`fsrs.Card`, lets `fsrs` do all of the scheduling, and adds the rules around it
that are the app's own: the study day that ends at 4 a.m. local time, the order
of the study queue with its daily limits, the rating proposed for a typed or
choice answer, and the labels on the rating buttons.

Everything here is pure: the current time is always an argument, nothing is
mutated, and there is no flask or sqlalchemy. All datetimes are UTC-aware; the
user's timezone is only used to find where a study day begins.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fsrs
from fsrs import Rating

__all__ = [
    "DEFAULT_DESIRED_RETENTION",
    "DEFAULT_LIMITS",
    "DEFAULT_NEW_PER_DAY",
    "DEFAULT_REVIEWS_PER_DAY",
    "FAST_ANSWER_SECONDS",
    "MAX_DESIRED_RETENTION",
    "MIN_DESIRED_RETENTION",
    "ROLLOVER_HOUR",
    "DailyLimits",
    "MemoryState",
    "Rating",
    "SchedulerSettings",
    "StudyState",
    "day_end",
    "day_start",
    "format_interval",
    "lapse_now",
    "overdue_priority",
    "preview_intervals",
    "propose_rating",
    "queue_order",
    "retrievability",
    "review",
    "study_date",
]

DEFAULT_DESIRED_RETENTION = 0.90
MIN_DESIRED_RETENTION = 0.70
MAX_DESIRED_RETENTION = 0.97
DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
ROLLOVER_HOUR = 4

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

_SECONDS_PER_DAY = 86_400.0


class StudyState(enum.StrEnum):
    """Where a study item is in its life.

    `fsrs` has no "new" state (a new `fsrs.Card` is Learning at step 0); the
    app needs one to tell facts never studied from facts being learnt, for the
    daily new-fact limit.
    """

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


_TO_FSRS_STATE = {
    StudyState.LEARNING: fsrs.State.Learning,
    StudyState.REVIEW: fsrs.State.Review,
    StudyState.RELEARNING: fsrs.State.Relearning,
}
_FROM_FSRS_STATE = {value: key for key, value in _TO_FSRS_STATE.items()}


def _as_utc(value: datetime, name: str) -> datetime:
    """Return `value` with `tzinfo` set to `UTC` (that is, `timezone.utc`).

    `fsrs` rejects any tzinfo other than `timezone.utc` itself, even an
    equivalent one such as `ZoneInfo("UTC")`, so every datetime is normalised
    on the way in. Naive datetimes are refused rather than guessed at.

    Raises:
        ValueError: If `value` is naive.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class MemoryState:
    """The stored FSRS memory state of one study item.

    Attributes:
        state: NEW (never reviewed), LEARNING, REVIEW or RELEARNING.
        step: Index of the current learning or relearning step; None for NEW
            and REVIEW.
        stability: FSRS stability in days; None only for NEW.
        difficulty: FSRS difficulty (1-10); None only for NEW.
        due: When the item is next due (UTC).
        last_review: When the item was last reviewed (UTC); None only for NEW.

    Raises:
        ValueError: If a datetime is naive or the fields contradict the state
            (for example a REVIEW item without stability), which would
            otherwise surface later as an assertion deep inside `fsrs`.
    """

    state: StudyState
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", StudyState(self.state))
        object.__setattr__(self, "due", _as_utc(self.due, "due"))
        if self.last_review is not None:
            object.__setattr__(self, "last_review", _as_utc(self.last_review, "last_review"))

        memory = (self.stability, self.difficulty, self.last_review)
        if self.state is StudyState.NEW:
            if self.step is not None or any(field is not None for field in memory):
                raise ValueError(
                    "a NEW memory state has no step, stability, difficulty or last_review"
                )
            return
        if any(field is None for field in memory):
            raise ValueError(
                f"a {self.state.name} memory state needs stability, difficulty and last_review"
            )
        if self.state is StudyState.REVIEW:
            if self.step is not None:
                raise ValueError("a REVIEW memory state has no step")
        elif self.step is None or self.step < 0:
            raise ValueError(f"a {self.state.name} memory state needs a step >= 0")

    @classmethod
    def new(cls, now: datetime) -> MemoryState:
        """Return the state of a fact never studied, due from `now` on.

        Args:
            now: When the study item was created (UTC-aware).

        Returns:
            A NEW memory state due at `now`.
        """
        return cls(
            state=StudyState.NEW,
            step=None,
            stability=None,
            difficulty=None,
            due=now,
            last_review=None,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (datetimes as ISO 8601 strings)."""
        return {
            "state": self.state.value,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": None if self.last_review is None else self.last_review.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MemoryState:
        """Rebuild a state from the output of `to_dict`.

        Args:
            data: A mapping with the keys written by `to_dict`.

        Returns:
            The memory state.

        Raises:
            ValueError: If a value is invalid or a datetime lacks an offset.
            KeyError: If a key is missing.
        """
        last_review = data["last_review"]
        return cls(
            state=StudyState(data["state"]),
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=datetime.fromisoformat(data["due"]),
            last_review=None if last_review is None else datetime.fromisoformat(last_review),
        )


@dataclass(frozen=True)
class SchedulerSettings:
    """A user's scheduling settings, passed to `fsrs.Scheduler`.

    Attributes:
        desired_retention: Target probability of recall at the due date,
            between 0.70 and 0.97. Higher means shorter intervals.
        learning_steps: Waits between the first reviews of a new fact.
        relearning_steps: Waits between reviews after a lapse.
        maximum_interval: Longest interval in days.
        enable_fuzzing: Whether `fsrs` spreads review intervals by a few
            percent so facts learnt together don't stay due together.

    Raises:
        ValueError: If a value is outside its allowed range.
    """

    desired_retention: float = DEFAULT_DESIRED_RETENTION
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36_500
    enable_fuzzing: bool = True

    def __post_init__(self) -> None:
        retention = self.desired_retention
        if (
            isinstance(retention, bool)
            or not isinstance(retention, int | float)
            or not MIN_DESIRED_RETENTION <= retention <= MAX_DESIRED_RETENTION
        ):
            raise ValueError(
                f"desired retention must be between {MIN_DESIRED_RETENTION:.2f} and "
                f"{MAX_DESIRED_RETENTION:.2f}, got {retention!r}"
            )
        # Tuples, not lists, so that settings stay hashable for the scheduler cache.
        for name in ("learning_steps", "relearning_steps"):
            steps = tuple(getattr(self, name))
            if not all(isinstance(step, timedelta) and step > timedelta(0) for step in steps):
                raise ValueError(f"{name} must be positive timedeltas, got {steps!r}")
            object.__setattr__(self, name, steps)
        if (
            isinstance(self.maximum_interval, bool)
            or not isinstance(self.maximum_interval, int)
            or self.maximum_interval < 1
        ):
            raise ValueError(
                f"maximum interval must be a whole number of days >= 1, "
                f"got {self.maximum_interval!r}"
            )


@dataclass(frozen=True)
class DailyLimits:
    """How many study items a user takes on per study day.

    Attributes:
        new_per_day: New facts introduced per day.
        reviews_per_day: REVIEW-state items reviewed per day. Learning and
            relearning items are not limited: cutting a learning sequence off
            halfway wastes the reviews already done.

    Raises:
        ValueError: If a limit is negative.
    """

    new_per_day: int = DEFAULT_NEW_PER_DAY
    reviews_per_day: int = DEFAULT_REVIEWS_PER_DAY

    def __post_init__(self) -> None:
        for name in ("new_per_day", "reviews_per_day"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")


DEFAULT_LIMITS = DailyLimits()


@functools.lru_cache(maxsize=64)
def _scheduler(settings: SchedulerSettings) -> fsrs.Scheduler:
    # Building a Scheduler validates 21 parameters; users share a handful of
    # settings, so one instance per distinct settings value is enough.
    # review_card() copies the card and never mutates the scheduler, so
    # sharing an instance between requests is safe.
    return fsrs.Scheduler(
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


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown timezone {tz_name!r}") from None


def _rollover(day: date, rollover_hour: int, zone: ZoneInfo) -> datetime:
    # fold=0 takes the first of two repeated wall times; for a wall time skipped
    # by a DST jump zoneinfo uses the offset from before the jump, which lands
    # on or just after the jump: the earliest sensible start of the day.
    local = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    return local.astimezone(UTC)


def study_date(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> date:
    """Return the calendar date of the user's study day that contains `now`.

    Between midnight and 4 a.m. local time it is still yesterday's study day.

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone, such as "Europe/Berlin".
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        The local date on which the current study day began.

    Raises:
        ValueError: If `tz_name` is not a known timezone, `rollover_hour` is
            out of range or `now` is naive.
    """
    if isinstance(rollover_hour, bool) or rollover_hour not in range(24):
        raise ValueError(f"rollover_hour must be 0-23, got {rollover_hour!r}")
    now = _as_utc(now, "now")
    zone = _zone(tz_name)
    today = now.astimezone(zone).date()
    # Compared in UTC: datetimes sharing a tzinfo compare by wall time, which
    # is wrong for the repeated hour when clocks go back.
    if now < _rollover(today, rollover_hour, zone):
        return today - timedelta(days=1)
    return today


def day_start(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> datetime:
    """Return when the user's current study day began (UTC).

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone.
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        `rollover_hour` o'clock local time on the study day's date, in UTC.

    Raises:
        ValueError: As `study_date`.
    """
    day = study_date(now, tz_name, rollover_hour)
    return _rollover(day, rollover_hour, _zone(tz_name))


def day_end(now: datetime, tz_name: str, rollover_hour: int = ROLLOVER_HOUR) -> datetime:
    """Return when the user's current study day ends (UTC), exclusive.

    This is the next day's rollover, not `day_start + 24h`: study days that
    contain a DST change are 23 or 25 hours long.

    Args:
        now: The moment (UTC-aware).
        tz_name: The user's IANA timezone.
        rollover_hour: Local hour at which a study day begins (0-23).

    Returns:
        `rollover_hour` o'clock local time on the following date, in UTC.

    Raises:
        ValueError: As `study_date`.
    """
    day = study_date(now, tz_name, rollover_hour)
    return _rollover(day + timedelta(days=1), rollover_hour, _zone(tz_name))


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
