"""Question kinds made from a deck's facts of amounts and dates: estimate and order.

One home for their rules, used by live games (`live_kinds`) and by quizzes and
assignments (`quizzes`): which facts make them, the payload each is stored as, and
how an answer is judged.

- **Estimate** (a number, money or date fact): the learner types a number (a year for
  a date). Credit by closeness: for an amount ``1 - |log(guess / true)| / log(4)``
  (exact 1, a factor 2 off 0.5, a factor 4 or more 0), for a year
  ``1 - |guess - true| / 10`` (5 years off 0.5, 10 or more 0). Within 10% (or the
  same year) counts as right, with full credit.
- **Order** (3-5 subjects by the value of one relation, smallest or earliest first):
  credit is the share of pairs in the right order; only the whole order is right.

Both are made from the deck's typed questions of amounts and dates
(`fact_questions`): an estimate from each, an order from each relation that has at
least `ORDER_MIN` subjects with different values.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from quizapp.domain.grading import Judgement
from quizapp.domain.numbers import CURRENCY_SYMBOLS, format_amount, parse_amount, parse_date
from quizapp.domain.questions import Question

__all__ = [
    "FACT_KINDS",
    "GUESS_MAX_CHARS",
    "ORDER_MAX",
    "ORDER_MIN",
    "FactQuestion",
    "Sourced",
    "estimate_credit",
    "estimate_from",
    "fact_questions",
    "judge_estimate",
    "judge_order",
    "order_credit",
    "order_from",
    "order_text",
    "read_guess",
    "shuffled_order",
]

FACT_KINDS = ("estimate", "order")
ESTIMATE_ANSWER_KINDS = ("number", "money", "date")
ORDER_MIN, ORDER_MAX = 3, 5
AMOUNT_RANGE = math.log(4)  # a guess a factor 4 off scores nothing
YEAR_RANGE = 10
GUESS_MAX_CHARS = 40


def estimate_credit(guess: float, value: float, unit: str) -> float:
    """0..1 by closeness (see the module's docstring for the scale)."""
    if not math.isfinite(guess):
        return 0.0
    if unit == "year":
        return max(0.0, 1 - abs(guess - value) / YEAR_RANGE)
    if guess <= 0 or value <= 0:
        return 1.0 if guess == value else 0.0
    return max(0.0, 1 - abs(math.log(guess / value)) / AMOUNT_RANGE)


def _close_enough(guess: float, value: float, unit: str) -> bool:
    if unit == "year":
        return round(guess) == round(value)
    return abs(guess - value) <= abs(value) * 0.1


def read_guess(text: str, unit: str) -> float | None:
    """A guess as typed ("1975", "2.5 billion", "$700"), or None if it isn't a number
    (or is longer than `GUESS_MAX_CHARS`, or too large for a float)."""
    text = text.strip()
    if not text or len(text) > GUESS_MAX_CHARS:
        return None
    if unit == "year":
        return float(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
    parsed = parse_amount(text)
    if parsed is None:
        return None
    guess = float(parsed.amount)
    return guess if math.isfinite(guess) else None


def judge_estimate(payload: dict[str, Any], text: str) -> Judgement:
    """Judge a typed guess at an estimate question (not a number: wrong, no credit)."""
    guess = read_guess(text, payload["unit"])
    if guess is None:
        return Judgement(False, 0.0, payload["answer"])
    if _close_enough(guess, payload["value"], payload["unit"]):
        return Judgement(True, 1.0, payload["answer"])
    credit = estimate_credit(guess, payload["value"], payload["unit"])
    return Judgement(False, credit, payload["answer"])


def order_credit(picks: Sequence[str], correct: Sequence[str]) -> float:
    """The share of pairs of items the player put in the right order (0 unless every
    item is placed exactly once)."""
    if sorted(picks) != sorted(correct) or len(correct) < 2:
        return 0.0
    place = {item: i for i, item in enumerate(picks)}
    pairs = list(combinations(correct, 2))
    right = sum(1 for first, second in pairs if place[first] < place[second])
    return right / len(pairs)


def judge_order(payload: dict[str, Any], given: Sequence[str]) -> Judgement:
    """Judge the items of an order question as the learner put them."""
    credit = order_credit(given, payload["correct"])
    return Judgement(credit == 1.0, credit, payload["answer"])


def _value_of(question: Question) -> tuple[float, str] | None:
    """The true value of a typed amount or date question, and its unit."""
    if question.answer_kind == "date":
        parsed = parse_date(question.answer)
        return (float(parsed[0]), "year") if parsed else None
    parsed = parse_amount(question.answer)
    if parsed is None or parsed.amount <= 0:
        return None
    return float(parsed.amount), "amount"


def _measure(question: Question) -> str:
    """What a typed value is counted in: "year" for a date, else its currency, "%", or the
    words after the number ("days", "units"). Two values are put in order only in the
    same measure: 74.3 billion DKK is not more than 1.67 trillion JPY, nor 138 days more
    than 5 years."""
    if question.answer_kind == "date":
        return "year"
    parsed = parse_amount(question.answer)
    if parsed is None:
        return ""
    if parsed.currency:
        return parsed.currency
    return "%" if parsed.percent else (parsed.rest or "").strip().lower()


def _unit_label(question: Question, unit: str) -> str:
    """What the guess is counted in, shown next to its box: "year", "US$", "parameters"."""
    if unit == "year":
        return "year"
    parsed = parse_amount(question.answer)
    if parsed is None:
        return ""
    if parsed.currency:
        symbol = CURRENCY_SYMBOLS.get(parsed.currency)
        return f"{parsed.currency} ({symbol})" if symbol else parsed.currency
    return "%" if parsed.percent else parsed.rest


def estimate_from(question: Question) -> dict[str, Any] | None:
    """An estimate question (a stored payload) from a typed amount or date question."""
    if question.kind != "typed" or question.answer_kind not in ESTIMATE_ANSWER_KINDS:
        return None
    valued = _value_of(question)
    if valued is None:
        return None
    value, unit = valued
    hint = "Guess the year." if unit == "year" else "Guess the number."
    return question.to_dict() | {
        "kind": "estimate",
        "prompt": f"{question.prompt} {hint}",
        "choices": [],
        "value": value,
        "unit": unit,
        "unit_label": _unit_label(question, unit),
    }


def order_from(
    items: Sequence[tuple[str, Question]], relation_label: str, rng: random.Random
) -> dict[str, Any] | None:
    """An order question from typed questions of one relation about different subjects.

    Args:
        items: (subject's name, typed amount or date question) for 3-5 subjects.
        relation_label: How the relation reads ("first released").
        rng: Shuffles the items as the question shows them.

    Returns:
        The payload, or None when the items don't make one (too few or too many, a
        value that isn't a number, values in different currencies or units, or two
        equal values: then no order is right).
    """
    values: dict[str, float] = {}
    units = set()
    for name, question in items:
        valued = _value_of(question)
        if valued is None or name in values:
            return None
        values[name], unit = valued
        units.add((unit, _measure(question)))
    if not ORDER_MIN <= len(values) <= ORDER_MAX or len(set(values.values())) != len(values):
        return None
    if len(units) != 1:
        return None
    unit, _ = units.pop()
    correct = sorted(values, key=lambda name: values[name])
    shown = shuffled_order(correct, rng)
    first = "earliest" if unit == "year" else "smallest"
    first_question = items[0][1]
    return {
        "kind": "order",
        "prompt": f"Put in order, {first} first: {relation_label}",
        "choices": shown,
        "correct": correct,
        "answer": order_text(correct),
        "evidence": "; ".join(f"{name}: {_shown_value(values[name], unit)}" for name in correct),
        "source": first_question.source,
        "relation": first_question.relation,
        "unit": unit,
    }


def order_text(items: Sequence[str]) -> str:
    """Items of an order question, in order, as one line ("A → B → C")."""
    return " → ".join(items)


def shuffled_order(correct: Sequence[str], rng: random.Random) -> list[str]:
    """The items of an order question in a random order that is not the right one
    (which would give the answer away)."""
    shown = list(correct)
    while len(set(shown)) > 1 and shown == list(correct):
        rng.shuffle(shown)
    return shown


def _shown_value(value: float, unit: str) -> str:
    return str(int(value)) if unit == "year" else format_amount(Decimal(str(value)))


@dataclass(frozen=True)
class Sourced:
    """A deck's typed question with where it comes from.

    Attributes:
        question_id: The stored question's id.
        fact: Its fact (the database id, or the fact key).
        subject: Entity key of the fact's subject.
        subject_name: How the subject reads (an order question lists them).
        question: The typed question.
    """

    question_id: str
    fact: Hashable
    subject: str
    subject_name: str
    question: Question


@dataclass(frozen=True)
class FactQuestion:
    """An estimate or order question made from a deck's facts.

    Attributes:
        question_id: The stored question it is made from (an order question's first
            subject's), so it is one of the deck's questions.
        fact: That question's fact.
        subject: That fact's subject.
        kind: "estimate" or "order".
        payload: The question as stored (with its answer key).
    """

    question_id: str
    fact: Hashable
    subject: str
    kind: str
    payload: dict[str, Any]


def fact_questions(typed: Sequence[Sourced], kinds: Sequence[str]) -> list[FactQuestion]:
    """The estimate and order questions (of `kinds`) a deck's typed questions make.

    One estimate per typed amount or date question; one order question per relation
    with at least `ORDER_MIN` subjects of a value, of up to `ORDER_MAX` of them chosen
    and shown in an order seeded by the relation, so the same deck gives the same
    order questions.
    """
    made: list[FactQuestion] = []
    by_relation: dict[str, dict[str, Sourced]] = defaultdict(dict)
    for row in sorted(typed, key=lambda row: row.question_id):
        estimate = estimate_from(row.question)
        if estimate is None:
            continue
        if "estimate" in kinds:
            made.append(FactQuestion(row.question_id, row.fact, row.subject, "estimate", estimate))
        by_relation[row.question.relation][row.subject_name] = row  # one value a subject
    if "order" in kinds:
        made.extend(_orders(by_relation))
    return made


def _orders(by_relation: dict[str, dict[str, Sourced]]) -> list[FactQuestion]:
    made = []
    for relation, of_relation in sorted(by_relation.items()):
        by_subject = _one_measure(of_relation)
        names = sorted(by_subject)
        if len(names) < ORDER_MIN:
            continue
        rng = random.Random(relation)
        rng.shuffle(names)
        chosen = names[:ORDER_MAX]
        items = [(name, by_subject[name].question) for name in chosen]
        payload = order_from(items, relation.replace("_", " "), rng)
        if payload is not None:
            first = by_subject[chosen[0]]
            made.append(
                FactQuestion(first.question_id, first.fact, first.subject, "order", payload)
            )
    return made


def _one_measure(by_subject: dict[str, Sourced]) -> dict[str, Sourced]:
    """The subjects whose values share the relation's most common measure (see
    `_measure`): revenues in euros with those in euros, not with those in yen."""
    groups: dict[str, dict[str, Sourced]] = defaultdict(dict)
    for name, row in by_subject.items():
        groups[_measure(row.question)][name] = row
    return max(groups.values(), key=lambda group: (len(group), sorted(group)))
