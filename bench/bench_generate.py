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
import time
import tracemalloc
from typing import Any

from quizapp.domain.facts import Deck
from quizapp.domain.questions import generate

SIZES = (2_500, 5_000, 10_000)
RUNS = 3
# Facts per company: founder, founding date, valuation, staff, backers, focus.
FACTS_PER_COMPANY = 6

RELATIONS: dict[str, dict[str, Any]] = {
    "founder": {
        "label": "founders",
        "subject": "company",
        "value": "person",
        "forward": "Who founded {subject}?",
        "reverse": "Which company was founded by {value}?",
        "statement": "{subject} was founded by {value}.",
    },
    "founded": {
        "label": "founding dates",
        "subject": "company",
        "value": "date",
        "forward": "When was {subject} founded?",
        "reverse": "Which company was founded in {value}?",
        "statement": "{subject} was founded in {value}.",
    },
    "valuation": {
        "label": "valuations",
        "subject": "company",
        "value": "money",
        "forward": "What is {subject} valued at?",
        "reverse": "Which company is valued at {value}?",
        "statement": "{subject} is valued at {value}.",
    },
    "staff": {
        "label": "staff",
        "subject": "company",
        "value": "number",
        "forward": "How many people work at {subject}?",
        "reverse": False,
        "statement": "{subject} employs {value}.",
    },
    "backer": {
        "label": "backers",
        "subject": "company",
        "value": "organisation",
        "many": True,
        "forward": "Who backs {subject}?",
        "reverse": "Which company is backed by {value}?",
        "statement": "{subject} is backed by {value}.",
    },
    "focus": {
        "label": "focus areas",
        "subject": "company",
        "value": "text",
        "forward": "What does {subject} focus on?",
        "reverse": False,
        "statement": "{subject} focuses on {value}.",
    },
}


def synthetic_deck(facts: int, rng: random.Random) -> Deck:
    """A valid deck of about `facts` facts, with pools that grow with it."""
    companies = facts // FACTS_PER_COMPANY
    people, backers = companies, max(10, companies // 4)
    entities = {
        f"company-{n}": {"name": f"Company {n}", "type": "company"} for n in range(companies)
    }
    entities |= {f"person-{n}": {"name": f"Person {n}", "type": "person"} for n in range(people)}
    entities |= {
        f"backer-{n}": {"name": f"Backer {n}", "type": "organisation"} for n in range(backers)
    }
    focus_areas = [f"area {n}" for n in range(max(10, companies // 10))]
    data: list[dict[str, Any]] = []
    for n in range(companies):
        subject = f"company-{n}"
        values = {
            "founder": f"person-{n}",
            "founded": f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}",
            "valuation": {
                "amount": rng.choice([1, 2, 5]) * 10 ** rng.randint(6, 10),
                "currency": "USD",
                "qualifier": rng.choice(["exact", "over", "around"]),
            },
            "staff": {"amount": rng.randint(10, 100_000), "unit": "people"},
            "backer": rng.sample([f"backer-{b}" for b in range(backers)], rng.randint(1, 3)),
            "focus": rng.choice(focus_areas),
        }
        for relation, value in values.items():
            data.append(
                {
                    "key": f"{subject}-{relation}",
                    "subject": subject,
                    "relation": relation,
                    "value": value,
                    "evidence": f"A sentence about {relation} of Company {n}.",
                }
            )
    deck = {
        "deck": {
            "key": f"synthetic-{facts}",
            "title": "Synthetic",
            "source": "https://example.com",
            "as_of": "2025-02-04",
            "language": "en",
        },
        "relations": RELATIONS,
        "entities": entities,
        "facts": data,
    }
    return Deck.from_dict(deck, "<synthetic>")


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
