"""How question generation scales with the number of facts.

Builds synthetic decks of 2,500, 5,000 and 10,000 facts in memory (every value
type, `many` relations, shared values that make reverse questions ambiguous),
validates them (load s), generates their questions and prints time,
throughput and peak memory of generation per size. Generation should be
linear: time(10k) / time(2.5k) close to 4.

Run: python bench/bench_generate.py
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_deck

from quizapp.domain.facts import Deck
from quizapp.domain.questions import generate

SIZES = (2_500, 5_000, 10_000)
RUNS = 3
# Facts per company: founder, founding date, valuation, staff, backers, focus.


def measure(deck: Deck) -> tuple[int, float, int]:
    """Generate the deck's questions; return (questions, seconds, peak bytes).

    The time is the best of `RUNS` runs (the others include noise from the rest
    of the machine); memory comes from one more run, because tracing
    allocations slows generation down severalfold.
    """
    seconds = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        generation = generate(deck, seed=1)
        seconds = min(seconds, time.perf_counter() - started)
    tracemalloc.start()
    generate(deck, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(generation.questions), seconds, peak


def main() -> None:
    """Print one line per deck size and the growth of time from the smallest to the largest."""
    rng = random.Random(0)
    print(
        f"{'facts':>7} {'load s':>7} {'questions':>10} {'seconds':>8} {'questions/s':>12} "
        f"{'peak MB':>8}"
    )
    times = {}
    for size in SIZES:
        started = time.perf_counter()
        deck = synthetic_deck(size, rng)
        load = time.perf_counter() - started
        questions, seconds, peak = measure(deck)
        times[size] = seconds
        print(
            f"{len(deck.facts):>7,} {load:>7.2f} {questions:>10,} {seconds:>8.2f} "
            f"{questions / seconds:>12,.0f} {peak / 2**20:>8.1f}"
        )
    ratio = times[SIZES[-1]] / times[SIZES[0]]
    expected = SIZES[-1] / SIZES[0]
    print(f"time({SIZES[-1]:,}) / time({SIZES[0]:,}) = {ratio:.2f} (linear: {expected:.0f})")


if __name__ == "__main__":
    main()
