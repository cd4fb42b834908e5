"""What could be the same value: the closed-world comparisons every kind relies on.

Two values "could be the same" when a statement with one could be true of a
subject whose value is the other: the same entity or text, a date at another
precision that contains it ("2023" and "April 2023"), figures whose ranges
overlap ("around $3 billion" and "over $2 billion").
"""

from __future__ import annotations

from decimal import Decimal

from quizapp.domain.facts import DateValue, Money, Quantity, Value
from quizapp.domain.numbers import to_decimal

__all__ = [
    "AROUND",
    "INFINITY",
    "MIN_FIGURE_RATIO",
    "could_be_same",
    "figures_apart",
    "implied",
    "interval",
    "measure",
    "precision",
]

MIN_FIGURE_RATIO = Decimal(2)
# How far "around" reaches when deciding whether two figures could be the same.
AROUND = (Decimal("0.8"), Decimal("1.2"))
INFINITY = Decimal("Infinity")


def precision(date: DateValue) -> int:
    """1 for a year, 2 for a month, 3 for a day."""
    return 1 + (date.month is not None) + (date.day is not None)


def interval(value: Quantity | Money) -> tuple[Decimal, Decimal]:
    amount = to_decimal(value.amount)
    match value.qualifier:
        case "over":
            return amount, INFINITY
        case "under" | "up to":
            return Decimal(0), amount
        case "around":
            return amount * AROUND[0], amount * AROUND[1]
    return amount, amount


def measure(value: Quantity | Money) -> str:
    """What a figure is counted in: two figures compare only within one measure."""
    return value.unit if isinstance(value, Quantity) else value.currency


def could_be_same(a: Value, b: Value) -> bool:
    """Whether a statement with value `a` could be true of a subject whose value is `b`."""
    if type(a) is not type(b):
        return False
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return a.year == b.year and all(
            x is None or y is None or x == y for x, y in ((a.month, b.month), (a.day, b.day))
        )
    if isinstance(a, Quantity | Money) and isinstance(b, Quantity | Money):
        if measure(a) != measure(b):
            return False
        (low_a, high_a), (low_b, high_b) = interval(a), interval(b)
        return low_a <= high_b and low_b <= high_a
    return a.identity == b.identity


def figures_apart(a: Quantity | Money, b: Quantity | Money) -> bool:
    """Whether two reported figures are clearly different (or in different measures)."""
    if measure(a) != measure(b):
        return True
    low, high = sorted((to_decimal(a.amount), to_decimal(b.amount)))
    return low == 0 < high or (low > 0 and high / low >= MIN_FIGURE_RATIO)


def implied(claim: Quantity | Money, fact: Quantity | Money) -> bool:
    """Whether `claim` is certainly true given `fact` ("over $1B" given "over $2B")."""
    if measure(claim) != measure(fact):
        return False
    (claim_low, claim_high), (fact_low, fact_high) = interval(claim), interval(fact)
    return claim_low <= fact_low and fact_high <= claim_high
