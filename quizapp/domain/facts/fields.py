"""Checks of one field of a fact file: each takes a value and returns a problem or None.

The text caps live here (what a page can show and the database hold), as do the
patterns of keys, dates and currency codes; `validation.DeckReader` applies them.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import string
from collections.abc import Callable, Iterable
from typing import Any

from quizapp.domain.facts.values import DateValue
from quizapp.domain.numbers import QUALIFIERS, canonical_qualifier

# Patterns end in \Z, not $: "$" also matches before a final newline ("nl-deck\n").
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Relation keys name a verb, so they may also use "_" ("former_role").
_RELATION_KEY = re.compile(r"^[a-z][a-z0-9_-]*\Z")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_CURRENCY = re.compile(r"^[A-Z]{3}\Z")
# How long a text of a fact file may be: what a page can show and the database hold.
MAX_TEXT = 5_000  # evidence, values, templates
MAX_NAME = 200  # titles, names, labels, aliases, accepted answers
MAX_DESCRIPTION = 2_000
MAX_SOURCE = 500  # a URL or a citation
MAX_ITEMS = 100  # aliases or accepted answers of one thing


Check = Callable[[Any], str | None]


def cloze_parts(evidence: str, words: str) -> list[str]:
    """The evidence cut at every whole-word occurrence of the cloze words.

    A cloze blanks each place the words stand as words ("30" in "30 days", never in
    "2030"), all of them, so the answer is never left in view elsewhere in the
    sentence. One part means the words do not occur: no cloze can be made.
    """
    if not words.strip():
        return [evidence]
    return re.split(rf"(?<!\w){re.escape(words)}(?!\w)", evidence)


def _describe(value: Any) -> str:
    """Name a TOML value's type for messages: 'a number (3)'."""
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f'a string ("{value}")'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} ({value})"


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are allowed"
    return None


def _text(value: Any, limit: int = MAX_TEXT) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_describe(value)}"
    if not value.strip():
        return "must not be empty"
    return _too_long(value, limit)


def _name(value: Any) -> str | None:
    return _text(value, MAX_NAME)


def _source(value: Any) -> str | None:
    return _text(value, MAX_SOURCE)


def _image_name(value: Any) -> str | None:
    from quizapp.domain.images import NAME

    if not isinstance(value, str):
        return f"must be a string, not {_describe(value)}"
    if not NAME.match(value):
        return "must name one of the deck's images (its hash and type: 32 hex digits, .png…)"
    return None


def _optional_source(value: Any) -> str | None:
    return _optional_text(value, MAX_SOURCE)


def _optional_text(value: Any, limit: int = MAX_TEXT) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_describe(value)}"
    return _too_long(value, limit)


def _description(value: Any) -> str | None:
    return _optional_text(value, MAX_DESCRIPTION)


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_describe(value)}"


def _texts(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"must be a list of strings, not {_describe(value)}"
    if len(value) > MAX_ITEMS:
        return f"has {len(value):,} items; at most {MAX_ITEMS} are allowed"
    for item in value:
        if problem := _name(item):
            return f"items {problem}"
    return None


def _question_or_false(value: Any) -> str | None:
    if value is False:
        return None
    if isinstance(value, str):
        return _text(value)
    return f"must be a question or false, not {_describe(value)}"


def _date_like(value: Any) -> str | None:
    if isinstance(value, str) or (
        isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    ):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f'must be a date in quotes: write "{value}", not {value}'
    return f'must be a date like "2025-02-04", not {_describe(value)}'


def _anything(value: Any) -> str | None:
    return None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _parse_iso_date(value: str | datetime.date) -> DateValue | None:
    if isinstance(value, datetime.date):
        return DateValue(value.year, value.month, value.day)
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        datetime.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    return DateValue(year, month, day)


def _whole(amount: int | float) -> int | float:
    """TOML reads 2e9 as a float; keep whole amounts as ints so they display and emit cleanly."""
    return int(amount) if isinstance(amount, float) and amount.is_integer() else amount


def _template_problems(template: str, required: set[str], allowed: set[str]) -> list[str]:
    """Check a question template's {slots}."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        return [f"is not a valid template: {error}"]
    problems, slots = [], set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed:
            hint = ", ".join(f"{{{slot}}}" for slot in sorted(allowed))
            problems.append(f"unknown slot {{{name}}} (allowed: {hint})")
        elif spec or conversion:
            problems.append(f"slot {{{name}}} must not carry a format")
        slots.add(name)
    problems += [f"must contain {{{slot}}}" for slot in sorted(required - slots)]
    return problems


_DATE_HINT = "(expected YYYY, YYYY-MM or YYYY-MM-DD)"


def _amount(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {_describe(value)}"
    if not math.isfinite(value):
        return "must be a finite number"
    # Ranges ("under $5 million") start at zero; a loss is written as a positive amount.
    return "must not be negative" if value < 0 else None


def _currency(value: Any) -> str | None:
    if isinstance(value, str) and _CURRENCY.match(value):
        return None
    return f'must be a three-letter currency code like "USD", not {_describe(value)}'


def _qualifier(value: Any) -> str | None:
    # authors write "more than" or "about" as often as "over" or "around"
    if isinstance(value, str) and canonical_qualifier(value) is not None:
        return None
    return f"must be one of {', '.join(repr(q) for q in QUALIFIERS)}, not {_describe(value)}"
