"""The values of spaced repetition: a study item's state (`StudyState`) and memory
(`MemoryState`, always UTC-aware), a learner's scheduler settings and daily limits.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_DESIRED_RETENTION = 0.90
MIN_DESIRED_RETENTION = 0.70
MAX_DESIRED_RETENTION = 0.97
DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
ROLLOVER_HOUR = 4
FSRS_PARAMETER_COUNT = 21  # FSRS-6
# A fact forgotten this many times (lapses) is a leech, as Anki's default.
DEFAULT_LEECH_THRESHOLD = 8


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
        parameters: The learner's 21 FSRS-6 weights, fitted to their own reviews
            (`optimizer`); None for the defaults of `fsrs`.

    Raises:
        ValueError: If a value is outside its allowed range.
    """

    desired_retention: float = DEFAULT_DESIRED_RETENTION
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36_500
    enable_fuzzing: bool = True
    parameters: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.parameters is not None:
            weights = tuple(float(w) for w in self.parameters)
            if len(weights) != FSRS_PARAMETER_COUNT or not all(math.isfinite(w) for w in weights):
                raise ValueError(
                    f"parameters must be {FSRS_PARAMETER_COUNT} finite numbers, "
                    f"got {self.parameters!r}"
                )
            object.__setattr__(self, "parameters", weights)
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
