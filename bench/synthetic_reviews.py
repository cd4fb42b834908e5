"""Review logs of synthetic learners whose memory follows known FSRS parameters.

Each learner reviews facts on their due dates (py-fsrs, fuzzing off, the app's learning
steps); whether they remember is drawn from the retrievability the true parameters
predict, and a right answer is Hard, Good or Easy in fixed shares. The optimiser should
recover parameters that predict such a log about as well as the true ones. Used by
bench/bench_study.py (prediction quality, optimiser time) and the optimiser's tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs

from quizapp.domain.scheduling.optimizer import DEFAULT_PARAMETERS, LoggedReview

START = datetime(2025, 1, 1, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Learner:
    name: str
    parameters: tuple[float, ...]
    retention: float = 0.9


def _scaled(changes: dict[int, float]) -> tuple[float, ...]:
    weights = list(DEFAULT_PARAMETERS)
    for index, factor in changes.items():
        weights[index] *= factor
    return tuple(weights)


# Memories unlike the default one: short or long first stabilities, quick or slow decay
# after a lapse, steeper difficulty. Factors stay inside fsrs's allowed ranges.
LEARNERS = (
    Learner("forgetful", _scaled({0: 0.4, 1: 0.5, 2: 0.5, 3: 0.6, 8: 0.8})),
    Learner("steady", _scaled({0: 2.0, 1: 2.0, 2: 2.0, 3: 1.5, 8: 1.1})),
    Learner("lapse-prone", _scaled({4: 1.1, 6: 1.25, 11: 0.6, 12: 0.5})),
    Learner("fast-decay", _scaled({20: 2.5, 8: 0.9}), retention=0.85),
)


def simulate(learner: Learner, facts: int, days: int, seed: int) -> list[LoggedReview]:
    """Simulate `learner` studying `facts` new facts spread over the first half of
    `days` days, reviewing each when due until `days` are over.

    Returns:
        The review log, in no particular order (item ids 1..facts).
    """
    rng = random.Random(seed)
    scheduler = fsrs.Scheduler(
        parameters=learner.parameters,
        desired_retention=learner.retention,
        enable_fuzzing=False,
    )
    end = START + timedelta(days=days)
    log = []
    for item_id in range(1, facts + 1):
        at = START + timedelta(days=rng.randrange(max(days // 2, 1)), minutes=rng.randrange(600))
        card = fsrs.Card(card_id=item_id, due=at)
        while at < end:
            if card.last_review is None:
                rating = rng.choices((1, 2, 3, 4), (0.25, 0.1, 0.5, 0.15))[0]
            elif rng.random() < scheduler.get_card_retrievability(card, at):
                rating = rng.choices((2, 3, 4), (0.1, 0.8, 0.1))[0]
            else:
                rating = 1
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=at)
            log.append(LoggedReview(item_id, at, rating))
            # A learner comes back a little after the due time, not to the second.
            at = card.due + timedelta(minutes=rng.randrange(1, 120))
    return log
