"""The values a fact can have: an entity, a date, a quantity, a sum of money, a text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from quizapp.domain.numbers import (
    format_date,
    format_money,
    format_quantity,
    to_decimal,
)

# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRef:
    """A fact value that is an entity of the deck ("jiang-daxin").

    Attributes:
        key: The entity's key.
        name: The entity's name, copied from the entity.
        aliases: The entity's aliases.
    """

    key: str
    name: str
    aliases: tuple[str, ...] = ()

    kind: ClassVar[str] = "entity"

    @property
    def display(self) -> str:
        """The entity's name."""
        return self.name

    @property
    def answers(self) -> tuple[str, ...]:
        """Every text accepted for this value when typed."""
        return (self.name, *self.aliases)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same value."""
        return ("entity", self.key)


@dataclass(frozen=True, order=True)
class DateValue:
    """A date with its own precision: a year, a month or a day.

    Attributes:
        year: The year.
        month: 1-12, or None for a year.
        day: 1-31, or None for a year or a month.
    """

    year: int
    month: int | None = None
    day: int | None = None

    kind: ClassVar[str] = "date"

    @property
    def display(self) -> str:
        """ "2023", "April 2023" or "January 15, 2025"."""
        return format_date(self.year, self.month, self.day)

    @property
    def iso(self) -> str:
        """ "2023", "2023-04" or "2025-01-15", as written in fact files."""
        parts = [f"{self.year:04d}"]
        parts += [f"{part:02d}" for part in (self.month, self.day) if part is not None]
        return "-".join(parts)

    @property
    def answers(self) -> tuple[str, ...]:
        """Every text accepted for this value when typed (the grader also parses others)."""
        return (self.display, self.iso) if self.month is not None else (self.display,)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same value."""
        return ("date", self.year, self.month, self.day)


@dataclass(frozen=True)
class Quantity:
    """A number with a unit and a qualifier ("over 1 trillion parameters").

    Attributes:
        amount: The number (an int when it is whole).
        unit: Free text ("parameters", "%", "times"), may be empty.
        qualifier: One of "exact", "over", "around", "under", "up to".
    """

    amount: int | float
    unit: str = ""
    qualifier: str = "exact"

    kind: ClassVar[str] = "number"

    @property
    def display(self) -> str:
        """ "over 1 trillion parameters", "30%"."""
        return format_quantity(self.amount, self.unit, self.qualifier)

    @property
    def answers(self) -> tuple[str, ...]:
        """Every text accepted for this value when typed (the grader also parses others)."""
        return (self.display,)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same value."""
        return ("number", to_decimal(self.amount), self.unit, self.qualifier)


@dataclass(frozen=True)
class Money:
    """A sum of money with a qualifier ("over $2 billion").

    Attributes:
        amount: The sum (an int when it is whole).
        currency: ISO 4217 code ("USD").
        qualifier: One of "exact", "over", "around", "under", "up to".
    """

    amount: int | float
    currency: str = "USD"
    qualifier: str = "exact"

    kind: ClassVar[str] = "money"

    @property
    def display(self) -> str:
        """ "over $2 billion", "around $70 million"."""
        return format_money(self.amount, self.currency, self.qualifier)

    @property
    def answers(self) -> tuple[str, ...]:
        """Every text accepted for this value when typed (the grader also parses others).

        The ISO form ("2 billion CNY") comes too, so the grader knows the currency
        when the display's sign is ambiguous ("¥" is also the yen).
        """
        coded = format_money(self.amount, self.currency, self.qualifier, symbol=False)
        return (self.display, coded) if coded != self.display else (self.display,)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same value."""
        return ("money", to_decimal(self.amount), self.currency, self.qualifier)


@dataclass(frozen=True)
class TextValue:
    """A value that is just words ("infrastructure"), with other accepted spellings.

    Attributes:
        text: The canonical text.
        aliases: Further accepted answers.
    """

    text: str
    aliases: tuple[str, ...] = ()

    kind: ClassVar[str] = "text"

    @property
    def display(self) -> str:
        """The text."""
        return self.text

    @property
    def answers(self) -> tuple[str, ...]:
        """Every text accepted for this value when typed."""
        return (self.text, *self.aliases)

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two values the same value."""
        return ("text", " ".join(self.text.casefold().split()))


Value = EntityRef | DateValue | Quantity | Money | TextValue
