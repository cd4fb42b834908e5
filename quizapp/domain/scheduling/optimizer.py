"""FSRS parameters fitted to one learner's own review log, with `fsrs-rs-python` (the
Rust optimiser: no torch).

A review log becomes FSRS training items the way Anki builds them: the reviews of one
study item in time order, each review's `delta_t` the number of study days since the
one before (0 for the first and for same-day learning steps), and one item per review
after the first, holding the history up to and including it; the optimiser learns to
predict that last review's outcome. Days are the learner's study days (4 a.m. local),
so a review at 23:00 and one at 01:00 are the same day, as in Anki.

The ratings are the ones stored: the rating proposed from correctness and speed, or
the one the learner chose instead (an override is kept as given).

Pure: no flask, no sqlalchemy; the reviews come in as values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs_rs_python as fsrs_rs

from quizapp.domain.scheduling.states import ROLLOVER_HOUR

# Below this many predicted reviews (reviews after a fact's first, on a later day) the
# defaults are kept: a fit on a few hundred reviews mostly learns the noise. Anki asks
# for about as many before its optimiser runs.
MIN_REVIEWS = 400
# Optimise again on its own once this many reviews came in since the last fit (or the
# log grew by a fifth, whichever is more): parameters move little between fits.
REFIT_AFTER_REVIEWS = 400
REFIT_GROWTH = 0.2

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(float(w) for w in fsrs_rs.DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class LoggedReview:
    """One review of the log, as the optimiser needs it.

    Attributes:
        item_id: The study item (one fact of one learner).
        reviewed_at: When (UTC-aware).
        rating: 1-4 as stored.
    """

    item_id: int
    reviewed_at: datetime
    rating: int


@dataclass(frozen=True)
class Fit:
    """The result of optimising: the parameters and how well they predict this learner.

    Log loss and RMSE (binned, as Anki's) are on the learner's own reviews, for the
    parameters used before (`*_before`) and the fitted ones (`*_after`). Lower is better.
    """

    parameters: tuple[float, ...]
    reviews: int
    log_loss_before: float
    log_loss_after: float
    rmse_before: float
    rmse_after: float


@dataclass(frozen=True)
class TooFewReviews:
    """Not enough reviews to fit parameters: the defaults stay."""

    reviews: int
    needed: int = MIN_REVIEWS

    @property
    def missing(self) -> int:
        return max(self.needed - self.reviews, 0)


@dataclass(frozen=True)
class TrainingSet:
    """FSRS training items and how many of the reviews they predict came on a later
    study day than the review before (the ones that say how memory decays)."""

    items: tuple[fsrs_rs.FSRSItem, ...]
    reviews: int
    # The items whose last review is on a later day: what log loss and RMSE are
    # measured on (same-day steps say nothing of forgetting; fsrs refuses them there).
    evaluated: tuple[fsrs_rs.FSRSItem, ...] = ()


def _item_steps(
    reviews: Iterable[LoggedReview], tz_name: str
) -> Iterator[tuple[list[tuple[int, int]], int]]:
    """Per study item (by id): its (rating, delta_t) steps in time order, and the index
    of its first review on a later day; items without one are left out (a history of
    one day's learning steps says nothing of forgetting over days; fsrs refuses it)."""
    by_item: dict[int, list[LoggedReview]] = {}
    for review in reviews:
        by_item.setdefault(review.item_id, []).append(review)
    day_of = _study_days(tz_name)
    for item_id in sorted(by_item):
        steps: list[tuple[int, int]] = []
        previous = None
        for review in sorted(by_item[item_id], key=lambda r: r.reviewed_at):
            day = day_of(review.reviewed_at)
            steps.append(
                (int(review.rating), 0 if previous is None else max((day - previous).days, 0))
            )
            previous = day
        first_later = next((i for i, (_, d) in enumerate(steps) if d > 0), None)
        if first_later is not None:
            yield steps, first_later


def histories(reviews: Iterable[LoggedReview], tz_name: str) -> list[tuple[tuple[int, int], ...]]:
    """The training items of a review log as (rating, delta_t) pairs (the module
    docstring says how); `training_items` makes the same FSRS items, and a peer
    optimiser (Anki's, in the benchmark) can take the very same ones.

    Args:
        reviews: The learner's reviews, in any order; undone ones left out.
        tz_name: The learner's timezone, for the study days.

    Returns:
        One history per review from each study item's first on a later day than its
        first review, ordered by item, then time.
    """
    return [
        tuple(steps[: end + 1])
        for steps, first_later in _item_steps(reviews, tz_name)
        for end in range(first_later, len(steps))
    ]


def _study_days(tz_name: str):
    """`study_date` for many moments: the local wall time less the rollover hour is on
    the study day's date (the same rule, without building the day's start each time:
    a million reviews took seconds)."""
    zone = ZoneInfo(tz_name)
    shift = timedelta(hours=ROLLOVER_HOUR)

    def day_of(moment: datetime) -> date:
        return (moment.astimezone(zone) - shift).date()

    return day_of


def training_items(reviews: Iterable[LoggedReview], tz_name: str) -> TrainingSet:
    """Turn a review log into FSRS training items (see `histories`).

    Args:
        reviews: The learner's reviews, in any order; undone ones left out.
        tz_name: The learner's timezone, for the study days.

    Returns:
        The items, and those of them whose last review is on a later day.
    """
    items = []
    evaluated = []
    for steps, first_later in _item_steps(reviews, tz_name):
        # Each review object is made once and shared by the prefixes that hold it.
        made = [fsrs_rs.FSRSReview(rating, delta) for rating, delta in steps]
        for end in range(first_later, len(steps)):
            item = fsrs_rs.FSRSItem(made[: end + 1])
            items.append(item)
            if steps[end][1] > 0:
                evaluated.append(item)
    return TrainingSet(tuple(items), len(evaluated), tuple(evaluated))


def evaluate(parameters: Sequence[float], items: Sequence[fsrs_rs.FSRSItem]) -> tuple[float, float]:
    """Log loss and binned RMSE of `parameters` on `items` (lower is better)."""
    result = fsrs_rs.FSRS(list(parameters)).evaluate(list(items))
    return float(result.log_loss), float(result.rmse_bins)


def optimise(
    training: TrainingSet,
    current: Sequence[float] | None = None,
    *,
    min_reviews: int = MIN_REVIEWS,
) -> Fit | TooFewReviews:
    """Fit FSRS parameters to a learner's training items.

    Deterministic: the optimiser's seed is fixed, so the same items give the same
    parameters.

    Args:
        training: From `training_items`.
        current: The parameters used until now (None: the defaults), for "before".
        min_reviews: Fewer long-term reviews than this keep the defaults.

    Returns:
        The fit, or `TooFewReviews` saying how many there are and how many are needed.
    """
    reviews, items = training.reviews, list(training.items)
    if reviews < min_reviews:
        return TooFewReviews(reviews, min_reviews)
    before = tuple(current) if current else DEFAULT_PARAMETERS
    fitted = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(items)
    fitted = tuple(round(float(w), 6) for w in fitted)
    loss_before, rmse_before = evaluate(before, training.evaluated)
    loss_after, rmse_after = evaluate(fitted, training.evaluated)
    return Fit(fitted, reviews, loss_before, loss_after, rmse_before, rmse_after)


def reviews_before_refit(reviews_at_fit: int | None, fitted: bool) -> int:
    """How many new reviews to wait for before optimising again on its own.

    Args:
        reviews_at_fit: Long-term reviews the last run saw; None if it never ran.
        fitted: Whether the last run fitted parameters (False: too few reviews).

    Returns:
        At least 1: the reviews still missing for a first fit, or the larger of
        `REFIT_AFTER_REVIEWS` and `REFIT_GROWTH` of the reviews used last time.
    """
    if reviews_at_fit is None:
        return MIN_REVIEWS
    if not fitted:
        return max(MIN_REVIEWS - reviews_at_fit, 1)
    return max(REFIT_AFTER_REVIEWS, int(REFIT_GROWTH * reviews_at_fit))
