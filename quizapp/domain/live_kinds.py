"""The kinds of question a live game asks, and how each is answered and judged.

A registry (`LIVE_KINDS`): each kind says what a player sends (`input`) and how an
answer is judged (a `Judgement`: right or not, and a credit 0..1 that scales the
points). The generated deck questions give the choice kinds and "typed"; estimate
and order questions are made here from a deck's facts of amounts and dates; a poll
is the host's own warm-up question.

- **Choice kinds** (multiple choice, true/false, multiple select, reverse) and
  **typed**: judged by `grading.judge`, as in study and quizzes.
- **Estimate** (a number, money or date fact): the player types a number (a year for
  a date). Credit by closeness: for an amount ``1 - |log(guess / true)| / log(4)``
  (exact 1, a factor 2 off 0.5, a factor 4 or more 0), for a year
  ``1 - |guess - true| / 10`` (5 years off 0.5, 10 or more 0). Within 10% (or the
  same year) counts as right.
- **Order** (3-5 subjects by the value of one relation, smallest or earliest first):
  credit is the share of pairs in the right order; only the whole order is right.
- **Poll**: no right answer and no points; it doesn't break a streak.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from quizapp.domain.grading import Judgement, judge
from quizapp.domain.live import CHOICE_KINDS
from quizapp.domain.numbers import format_amount, parse_amount, parse_date
from quizapp.domain.questions import Question

__all__ = [
    "CHOICE_KINDS",
    "DECK_KINDS",
    "LIVE_KINDS",
    "ORDER_MAX",
    "ORDER_MIN",
    "LiveKind",
    "estimate_credit",
    "estimate_from",
    "judge_live",
    "order_credit",
    "order_from",
    "poll_question",
    "read_guess",
]

ESTIMATE_ANSWER_KINDS = ("number", "money", "date")
ORDER_MIN, ORDER_MAX = 3, 5
AMOUNT_RANGE = math.log(4)  # a guess a factor 4 off scores nothing
YEAR_RANGE = 10
GUESS_MAX_CHARS = 40


@dataclass(frozen=True)
class LiveKind:
    """One kind of live question.

    Attributes:
        label: For the host's form.
        input: What a player sends: "pick" (one option), "picks" (several), "order"
            (every option, in order), "text" (a typed answer), "number" (a guess).
        scored: Whether it gives points.
    """

    label: str
    input: str
    scored: bool = True


LIVE_KINDS: dict[str, LiveKind] = {
    "multiple_choice": LiveKind("Multiple choice", "pick"),
    "true_false": LiveKind("True or false", "pick"),
    "multiple_select": LiveKind("Multiple select (partial credit)", "picks"),
    "reverse": LiveKind("Reverse (which one…?)", "pick"),
    "typed": LiveKind("Type the answer", "text"),
    "estimate": LiveKind("Estimate a number or year (points by closeness)", "number"),
    "order": LiveKind("Put in order (partial credit by pairs)", "order"),
    "poll": LiveKind("Poll (no right answer)", "pick", scored=False),
}


# The kinds a host picks for a game's questions from the deck (a poll is typed in).
DECK_KINDS = (*CHOICE_KINDS, "typed", "estimate", "order")


def judge_live(payload: Mapping[str, Any], picks: Sequence[str], text: str | None) -> Judgement:
    """Judge a player's answer to a live question.

    Args:
        payload: The stored question (`LiveQuestion.payload`).
        picks: The options chosen, as texts, in the order given.
        text: What the player typed (typed and estimate questions), else None.
    """
    kind = payload["kind"]
    if kind == "poll":
        return Judgement(False, 0.0, "")
    if kind == "estimate":
        guess = read_guess(text or "", payload["unit"])
        credit = 0.0 if guess is None else estimate_credit(guess, payload["value"], payload["unit"])
        right = guess is not None and _close_enough(guess, payload["value"], payload["unit"])
        return Judgement(right, 1.0 if right else credit, payload["answer"])
    if kind == "order":
        credit = order_credit(picks, payload["correct"])
        return Judgement(credit == 1.0, credit, payload["answer"])
    question = Question.from_dict(payload)
    if kind == "typed":
        return judge(question, text or "")
    if kind == "multiple_select":
        return judge(question, list(picks))
    if len(picks) != 1:
        return Judgement(False, 0.0, question.answer)
    return judge(question, picks[0])


def estimate_credit(guess: float, value: float, unit: str) -> float:
    """0..1 by closeness (see the module's docstring for the scale)."""
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
    """A guess as typed ("1975", "2.5 billion", "$700"), or None if it isn't a number."""
    text = text.strip()[:GUESS_MAX_CHARS]
    if not text:
        return None
    if unit == "year":
        return float(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
    parsed = parse_amount(text)
    if parsed is None:
        return None
    return float(parsed.amount)


def order_credit(picks: Sequence[str], correct: Sequence[str]) -> float:
    """The share of pairs of items the player put in the right order (0 unless every
    item is placed exactly once)."""
    if sorted(picks) != sorted(correct) or len(correct) < 2:
        return 0.0
    place = {item: i for i, item in enumerate(picks)}
    pairs = list(combinations(correct, 2))
    right = sum(1 for first, second in pairs if place[first] < place[second])
    return right / len(pairs)


def _value_of(question: Question) -> tuple[float, str] | None:
    """The true value of a typed amount or date question, and its unit."""
    if question.answer_kind == "date":
        parsed = parse_date(question.answer)
        return (float(parsed[0]), "year") if parsed else None
    parsed = parse_amount(question.answer)
    if parsed is None or parsed.amount <= 0:
        return None
    return float(parsed.amount), "amount"


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
        value that isn't a number, or two equal values: then no order is right).
    """
    values: dict[str, float] = {}
    units = set()
    for name, question in items:
        valued = _value_of(question)
        if valued is None or name in values:
            return None
        values[name], unit = valued
        units.add(unit)
    if not ORDER_MIN <= len(values) <= ORDER_MAX or len(set(values.values())) != len(values):
        return None
    if len(units) != 1:
        return None
    unit = units.pop()
    correct = sorted(values, key=lambda name: values[name])
    shown = list(correct)
    while shown == correct:
        rng.shuffle(shown)
    first = "earliest" if unit == "year" else "smallest"
    first_question = items[0][1]
    return {
        "kind": "order",
        "prompt": f"Put in order, {first} first: {relation_label}",
        "choices": shown,
        "correct": correct,
        "answer": " → ".join(correct),
        "evidence": "; ".join(f"{name}: {_shown_value(values[name], unit)}" for name in correct),
        "source": first_question.source,
        "relation": first_question.relation,
        "unit": unit,
    }


def _shown_value(value: float, unit: str) -> str:
    return str(int(value)) if unit == "year" else format_amount(Decimal(str(value)))


POLL_PROMPT_MAX, POLL_OPTION_MAX = 300, 100
POLL_OPTIONS = (2, 6)


def poll_question(prompt: str, options: Sequence[str]) -> dict[str, Any]:
    """The host's own warm-up question: no right answer.

    Raises:
        ValueError: No prompt, fewer than 2 or more than 6 options (blank lines
            aside), an option twice, or text too long; the message says which.
    """
    prompt = " ".join(prompt.split())
    options = list(dict.fromkeys(" ".join(o.split()) for o in options if o.strip()))
    if not prompt or len(prompt) > POLL_PROMPT_MAX:
        raise ValueError(f"Write the poll's question (at most {POLL_PROMPT_MAX} characters).")
    low, high = POLL_OPTIONS
    if not low <= len(options) <= high:
        raise ValueError(f"Give the poll {low} to {high} different options, one a line.")
    if any(len(o) > POLL_OPTION_MAX for o in options):
        raise ValueError(f"A poll option has at most {POLL_OPTION_MAX} characters.")
    return {
        "kind": "poll",
        "prompt": prompt,
        "choices": list(options),
        "correct": [],
        "answer": "",
        "evidence": "",
        "source": "",
    }
