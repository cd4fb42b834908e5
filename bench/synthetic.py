"""Synthetic decks of any size, for benchmarks and tests that need a big deck.

Companies with founders, founding dates, valuations, staff, backers and focus
areas: every value type, `many` relations, and shared values that make reverse
questions ambiguous. The pools grow with the deck.
"""

from __future__ import annotations

import random
from typing import Any

from quizapp.domain.facts import Deck

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


def synthetic_deck(facts: int, rng: random.Random, key: str | None = None) -> Deck:
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
            "key": key or f"synthetic-{facts}",
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
