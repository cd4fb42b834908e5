"""Write and read amounts and dates the way people do.

Fact values are shown as "over 1 trillion parameters", "around $70 million" or
"April 2023", and learners type "1T", "70M", "$70 million" or "2023-04". This
module holds both directions so that whatever `format_*` shows, `parse_*` reads
back (the grader relies on it: it re-reads the accepted answer strings of a
question instead of carrying typed values around).

Amounts are compared as `Decimal` so that "1.8 trillion" equals 1_800_000_000_000
exactly; floats from TOML are converted through their shortest repr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = [
    "AMBIGUOUS_YEN",
    "CURRENCY_SYMBOLS",
    "MONTHS",
    "QUALIFIERS",
    "ParsedAmount",
    "canonical_qualifier",
    "format_amount",
    "format_date",
    "format_money",
    "format_quantity",
    "parse_amount",
    "parse_date",
    "singular",
    "to_decimal",
]

QUALIFIERS = ("exact", "over", "around", "under", "up to")

# The currency of "¥": JPY or CNY, whichever the fact's currency is.
AMBIGUOUS_YEN = "JPY|CNY"

# Currencies written before the amount; any other currency code follows it ("2 billion HKD").
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥"}

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)

# What learners write for a scale: "4B", "4 bn", "4 billion", "4 billions".
_SCALE_WORDS = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mn": 6,
    "mio": 6,
    "million": 6,
    "b": 9,
    "bn": 9,
    "billion": 9,
    "t": 12,
    "tn": 12,
    "trillion": 12,
}

# Words and signs for a currency, before or after the number ("US$2B", "2 billion dollars").
_CURRENCY_WORDS = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "cn¥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "jp¥": "JPY",
    "jpy": "JPY",
    "yen": "JPY",
    "円": "JPY",
    # "¥" is both the yen and the yuan: which one is decided by the fact (`AMBIGUOUS_YEN`).
    "¥": AMBIGUOUS_YEN,
    "￥": AMBIGUOUS_YEN,
    **{code.lower(): code for code in ("DKK", "SEK", "NOK", "CHF", "HKD", "INR", "KRW", "CAD")},
}

# What a learner's qualifier says about the figure, in the words of `QUALIFIERS`.
_QUALIFIER_WORDS = {
    **dict.fromkeys(("over", "more than", "above", "at least", ">", ">=", "greater than"), "over"),
    **dict.fromkeys(("under", "less than", "below", "<", "<=", "fewer than"), "under"),
    **dict.fromkeys(("up to", "at most"), "up to"),
    **dict.fromkeys(
        (
            "around",
            "about",
            "approximately",
            "approx",
            "approx.",
            "roughly",
            "circa",
            "ca",
            "ca.",
            "nearly",
            "almost",
            "~",
            "≈",
        ),
        "around",
    ),
}
# Small numbers in words, as learners write them ("eleven", "over a trillion").
_NUMBER_WORDS = (
    {
        word: number
        for number, word in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
                "twenty",
            ]
        )
    }
    | {"a": 1, "an": 1}
    | {
        word: 10 * number
        for number, word in enumerate(
            ["_", "_", "_", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
        )
        if word != "_"
    }
)
_NUMBER_WORD = re.compile(
    r"^(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?:[- ](one|two|three|"
    r"four|five|six|seven|eight|nine))?\b",
    re.IGNORECASE,
)

_QUALIFIER_PREFIX = re.compile(
    r"^(over|more than|greater than|above|at least|at most|around|about|approximately|approx\.?|"
    r"roughly|circa|ca\.?|nearly|almost|under|less than|fewer than|below|up to|~|≈|>=|<=|>|<)"
    r"\s*",
    re.IGNORECASE,
)
_CURRENCY_PREFIX = re.compile(
    r"^(us\$|cn¥|jp¥|\$|€|£|¥|￥|usd|eur|gbp|rmb|cny|jpy|dkk|sek|nok|chf|hkd)\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?|^\.\d+")
_SCALE = re.compile(
    r"^\s*(" + "|".join(sorted(_SCALE_WORDS, key=len, reverse=True)) + r")s?\b", re.IGNORECASE
)
_PERCENT = re.compile(r"^\s*(%|percent\b|per cent\b)", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedAmount:
    """An amount read from a learner's answer.

    Attributes:
        amount: The value, scale applied ("4B" -> 4000000000).
        currency: ISO code if the text named a currency, else None.
        percent: Whether the text said "%" or "percent".
        rest: Whatever followed, normalised to lower case (usually a unit).
        qualifier: One of `QUALIFIERS` if the text hedged ("more than" -> "over"), else None.
    """

    amount: Decimal
    currency: str | None
    percent: bool
    rest: str
    qualifier: str | None = None


def to_decimal(amount: float | int | Decimal) -> Decimal:
    """Convert an amount to `Decimal` without binary float noise (1.8e12 -> 1800000000000)."""
    if isinstance(amount, Decimal):
        return amount
    return Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)


def _plain(number: Decimal) -> str:
    """Digits without exponent or trailing zeros, with thousands separators."""
    text = f"{number.normalize():f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + (f".{fraction}" if fraction else "")


def format_amount(amount: float | int | Decimal) -> str:
    """Write an amount as a person would: "1 trillion", "1.8 trillion", "200,000", "4.5".

    Millions and up use a scale word when that needs at most three decimals;
    anything else is written out with thousands separators.

    Args:
        amount: The number to write.

    Returns:
        The text, without unit or qualifier.
    """
    number = to_decimal(amount)
    for scale, word in _SCALES:
        if abs(number) >= scale:
            mantissa = number / scale
            if mantissa == mantissa.quantize(Decimal("0.001")):
                return f"{_plain(mantissa)} {word}"
            break
    return _plain(number)


def _with_qualifier(qualifier: str, text: str) -> str:
    return text if qualifier == "exact" else f"{qualifier} {text}"


def format_quantity(amount: float | int, unit: str, qualifier: str = "exact") -> str:
    """Write a number with its unit: "over 1 trillion parameters", "30%", "45 times".

    Args:
        amount: The number.
        unit: Free text unit; "%" is attached to the number.
        qualifier: One of `QUALIFIERS`.

    Returns:
        The display text.
    """
    text = format_amount(amount)
    if unit == "%":
        text += "%"
    elif unit:
        text = f"{text} {singular(unit) if to_decimal(amount) == 1 else unit}"
    return _with_qualifier(qualifier, text)


def singular(unit: str) -> str:
    """The unit for an amount of exactly 1: "1 model", "1 stable isotope", "1 time".

    Units are written in the plural by authors ("models"); only the last word
    changes, and only by the regular English rules ("series", "%" stay).
    """
    head, _, last = unit.rpartition(" ")
    lower = last.lower()
    if lower.endswith(("ss", "us", "is", "series", "species")):
        return unit
    if lower.endswith("ies") and len(lower) > 4:
        last = last[:-3] + "y"
    elif lower.endswith(("ches", "shes", "sses", "xes")):
        last = last[:-2]
    elif lower.endswith("s"):
        last = last[:-1]
    return f"{head} {last}" if head else last


def format_money(
    amount: float | int, currency: str, qualifier: str = "exact", symbol: bool = True
) -> str:
    """Write money: "over $2 billion", "around $70 million", "2 billion HKD".

    Args:
        amount: The sum.
        currency: ISO 4217 code.
        qualifier: One of `QUALIFIERS`.
        symbol: Whether to write the currency's sign where it has one ("$2 billion")
            rather than its code ("2 billion USD").

    Returns:
        The display text.
    """
    text = format_amount(amount)
    sign = CURRENCY_SYMBOLS.get(currency) if symbol else None
    text = f"{sign}{text}" if sign else f"{text} {currency}"
    return _with_qualifier(qualifier, text)


def format_date(year: int, month: int | None = None, day: int | None = None) -> str:
    """Write a date at its own precision: "2023", "April 2023", "January 15, 2025"."""
    if month is None:
        return str(year)
    if day is None:
        return f"{MONTHS[month - 1]} {year}"
    return f"{MONTHS[month - 1]} {day}, {year}"


def parse_amount(text: str) -> ParsedAmount | None:
    """Read an amount as learners type it.

    Accepts "4B", "4 bn", "4 billion", "4,000,000,000", "$2 billion",
    "2 billion dollars", "US$2B", "30%", "30 percent", "over 1 trillion parameters".
    A leading qualifier ("over", "more than", "~") is read into `qualifier`
    (the grader refuses one that contradicts the fact, and never requires one).
    Small numbers may be words: "eleven", "over a trillion", "twenty-one".

    Args:
        text: The learner's answer.

    Returns:
        The parsed amount, or None if the text does not start with a number or
        has further digits after it.
    """
    rest = text.strip()
    qualifier = None
    if hedge := _QUALIFIER_PREFIX.match(rest):
        qualifier = _QUALIFIER_WORDS[hedge.group(1).lower().rstrip(".") or "~"]
        rest = rest[hedge.end() :]
    rest = _number_words_to_digits(rest)
    currency = None
    if match := _CURRENCY_PREFIX.match(rest):
        currency = _CURRENCY_WORDS[match.group(1).lower()]
        rest = rest[match.end() :]
    match = _NUMBER.match(rest)
    if not match:
        return None
    try:
        amount = Decimal(match.group(0).replace(",", ""))
    except InvalidOperation:
        return None
    rest = rest[match.end() :]
    if scale := _SCALE.match(rest):
        amount = amount.scaleb(_SCALE_WORDS[scale.group(1).lower()])
        rest = rest[scale.end() :]
    percent = False
    if sign := _PERCENT.match(rest):
        percent = True
        rest = rest[sign.end() :]
    words = rest.strip().lower()
    if any(char.isdigit() for char in words):
        return None
    first, _, after = words.partition(" ")
    if first in _CURRENCY_WORDS:
        if currency is not None and _CURRENCY_WORDS[first] != currency:
            return None
        currency = _CURRENCY_WORDS[first]
        words = after.strip()
    return ParsedAmount(amount, currency, percent, words, qualifier)


def canonical_qualifier(text: str) -> str | None:
    """The `QUALIFIERS` word for a hedge as people write it ("more than" -> "over").

    Args:
        text: A qualifier ("over", "more than", "about", "exactly", ...).

    Returns:
        One of `QUALIFIERS`, or None if the text is not a known hedge.
    """
    word = " ".join(text.lower().split()).rstrip(".")
    if word in QUALIFIERS:
        return word
    if word == "exactly":
        return "exact"
    return _QUALIFIER_WORDS.get(word)


def _number_words_to_digits(text: str) -> str:
    """ "eleven models" -> "11 models", "a trillion" -> "1 trillion", "twenty-one" -> "21"."""
    match = _NUMBER_WORD.match(text)
    if not match:
        return text
    number = _NUMBER_WORDS[match.group(1).lower()]
    if match.group(2):
        if number < 20:
            return text
        number += _NUMBER_WORDS[match.group(2).lower()]
    rest = text[match.end() :]
    # "a"/"an" are a number only before a scale word ("a trillion"), never alone.
    if match.group(1).lower() in ("a", "an") and not _SCALE.match(rest):
        return text
    return f"{number}{rest}"


_MONTH_NAMES = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NAMES.update({name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)})
_MONTH_NAMES["sept"] = 9
_MONTH = r"([a-z]+)\.?"
_DATE_PATTERNS = (
    # (pattern, order of the groups: y=year, m=month number, n=month name, d=day)
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.-](\d{4})$"), "my"),
    (re.compile(rf"^{_MONTH},?\s*(?:of\s+)?(\d{{4}})$"), "ny"),
    (re.compile(rf"^(\d{{4}})\s+{_MONTH}$"), "yn"),
    (re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$"), "ndy"),
    (re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})$"), "dny"),
)


def parse_date(text: str) -> tuple[int, int | None, int | None] | None:
    """Read a date as learners type it, keeping its precision.

    Accepts "2023", "2023-04", "Apr 2023", "April, 2023", "4/2023", "2025-01-15",
    "January 15, 2025" and "15 January 2025". Day-first or month-first numeric
    dates ("1/2/2025") are ambiguous and not accepted.

    Args:
        text: The learner's answer.

    Returns:
        (year, month or None, day or None), or None if the text is not a valid date.
    """
    cleaned = " ".join(text.strip().lower().split())
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        if "n" in parts:
            month = _MONTH_NAMES.get(parts["n"])
            if month is None:
                return None
        else:
            month = int(parts["m"]) if "m" in parts else None
        day = int(parts["d"]) if "d" in parts else None
        return _valid_date(int(parts["y"]), month, day)
    return None


def _valid_date(
    year: int, month: int | None, day: int | None
) -> tuple[int, int | None, int | None] | None:
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None
    return (year, month, day)
