"""What a desired retention costs: the reviews a year of study takes at each retention
from 0.70 to 0.97, simulated with `fsrs-rs-python`'s simulator on the learner's
parameters, deck size and daily limits, and the retention that costs least work per
fact remembered at the end.

The simulator starts every fact as new (it takes no existing memory states), so the
figures are those of studying this collection from the start with this memory; the
review time of each answer is Anki's default per state and rating, and a day's study
is capped at Anki's default of 30 minutes.

Pure and deterministic (a fixed seed); cached, since the page and its chart ask twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs

from quizapp.domain.scheduling.states import MAX_DESIRED_RETENTION, MIN_DESIRED_RETENTION

DAYS = 365
SEED = 2024
# 0.70, 0.73, ... 0.97 (the learner's own retention is simulated too, see `simulate`).
RETENTIONS: tuple[float, ...] = tuple(
    round(MIN_DESIRED_RETENTION + step / 100, 2)
    for step in range(0, round((MAX_DESIRED_RETENTION - MIN_DESIRED_RETENTION) * 100) + 1, 3)
)
# Retentions drawn as lines on the chart (every one is in the table).
CHART_RETENTIONS = (0.70, 0.79, 0.85, 0.91, 0.97)
# A larger collection is simulated at this size with its limits scaled down alike, and
# the counts scaled back up: work per fact remembered does not depend on the scale, and
# the simulator's time grows with the deck (a page must not wait minutes).
SIMULATED_FACTS = 3_000


@dataclass(frozen=True)
class Workload:
    """A simulated year at one desired retention."""

    retention: float
    reviews_per_day: tuple[int, ...]  # DAYS values, today first
    minutes: float  # time spent answering over the year
    remembered: float  # facts expected to be remembered at the end

    @property
    def total_reviews(self) -> int:
        return sum(self.reviews_per_day)

    @property
    def seconds_per_fact(self) -> float | None:
        """Answering time per fact remembered at the end; None when none is."""
        return None if self.remembered <= 0 else 60.0 * self.minutes / self.remembered


def _config(deck_size: int, new_per_day: int, reviews_per_day: int) -> fsrs_rs.SimulatorConfig:
    config = fsrs_rs.default_simulator_config()
    config.deck_size = deck_size
    config.learn_span = DAYS
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    return config


@functools.lru_cache(maxsize=32)
def simulate(
    parameters: tuple[float, ...],
    deck_size: int,
    new_per_day: int,
    reviews_per_day: int,
    chosen: float | None = None,
) -> tuple[Workload, ...]:
    """Simulate a year of study at every retention of `RETENTIONS` (and `chosen`).

    Args:
        parameters: The learner's FSRS parameters (21 numbers).
        deck_size: Facts the learner studies or has queued.
        new_per_day: The learner's new-fact limit.
        reviews_per_day: The learner's review limit.
        chosen: The learner's desired retention, simulated too if not in `RETENTIONS`.

    Returns:
        One `Workload` per retention, by retention; empty for an empty collection.
    """
    if deck_size <= 0 or new_per_day <= 0:
        return ()
    # Facts not introduced within the year cost nothing in it: the exact part first.
    deck_size = min(deck_size, new_per_day * DAYS)
    scale = max(deck_size / SIMULATED_FACTS, 1.0)
    config = _config(
        round(deck_size / scale),
        max(round(new_per_day / scale), 1),
        max(round(reviews_per_day / scale), 1),
    )
    retentions = sorted(set(RETENTIONS) | ({round(chosen, 2)} if chosen else set()))
    results = []
    for retention in retentions:
        run = fsrs_rs.simulate(list(parameters), retention, config, SEED)
        results.append(
            Workload(
                retention=retention,
                reviews_per_day=tuple(round(n * scale) for n in run.review_cnt_per_day),
                minutes=scale * sum(run.cost_per_day) / 60.0,
                remembered=scale * float(run.memorized_cnt_per_day[-1]),
            )
        )
    return tuple(results)


def best(workloads: tuple[Workload, ...]) -> Workload | None:
    """The retention with the least answering time per fact remembered at the end."""
    scored = [w for w in workloads if w.seconds_per_fact is not None]
    return min(scored, key=lambda w: (w.seconds_per_fact, w.retention), default=None)
