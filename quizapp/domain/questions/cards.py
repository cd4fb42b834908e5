"""Imported cards: a question (or term) and its answer, and what kind of answer that is.

A Quizlet set, a CSV in "qa" mode or an Anki basic note becomes a fact of a
generic relation whose forward question is the card's front itself
(`{subject}`). Such a relation says nothing about its values' type: one deck
holds years, names, symbols and definitions side by side. Offering "1989"
beside "Nairobi" gives the answer away, and "In which year did the Berlin Wall
fall? — Lima" is no statement at all. So each card's answer gets a *kind*, read
from the question's wording and the answer's own shape, and the generator only
pits answers of the same kind against each other (`Context.distractors`).

The kinds (`answer_kind`):

- ``date:year``, ``date:month``, ``date:day``: the answer reads as a date
  (`parse_date`: "1989", "July 1969"), unless the question asks how many / how
  much; "July 1914" among years would stand out, so each precision is a kind.
- ``money:<currency>``, ``number:<unit>``: the answer reads as an amount
  (`parse_amount`: "7", "206 bones", "$2 billion"); a hedge is part of the
  kind ("about 1,500" is a "number:around"), and a bare four-digit year is a
  date unless the question asks how many / how much.
- ``time``: the question asks when, or in which year / century, and the answer
  is no date ("the 14th century", "after the war"): a period in words, never
  set beside a name or a term.
- ``person``, ``place``, ``place:<what>``, ``name``: a capitalised name
  ("Leonardo da Vinci", "Nairobi"); person if the question asks who, a place if
  it asks where, or which country / city ... ("place:country"; a capital is a
  "place:city", so no country is offered for the capital of Canada), otherwise
  a name.
- ``symbol``: a short code ("Au", "H2O", "DNA").
- ``term``, ``term:noun``, ``term:verb``: one or two words that are not a name
  ("mitochondria", "the dog", "to run"): an article or "to" says noun or verb,
  so that "to eat" is not the only verb among the options.
- ``description``: anything longer (a definition, a sentence).

Names (person, place, name) and dates may be asked as typed questions even when
they are several words long; descriptions may not (`kinds.word_for_word`). A
typed date or figure is judged as one ("20 July 1969" for "July 20, 1969",
"seven" for "7": `graded_as`). A term card (a short front that is no
question, answered by a term or a definition) is also asked backwards, its
options other such fronts of the same kind of answer (`reversible`). A question
card's true/false statement names the question (`card_statement`). Too few
answers of a kind, and a date or a figure is set beside nearby dates or scaled
figures (`context._card_neighbours`); otherwise the choice question is dropped.
"""

from __future__ import annotations

import re

from quizapp.domain.facts import Deck, Fact, Relation
from quizapp.domain.numbers import parse_amount, parse_date

__all__ = [
    "CARD_REVERSE",
    "NAME_KINDS",
    "answer_kind",
    "card_statement",
    "describe_kind",
    "fact_kind",
    "graded_as",
    "is_card_relation",
    "reversible",
    "typeable",
]

# The reverse question of a term card (`reversible`); "of these" goes when typed.
CARD_REVERSE = 'Which of these terms goes with "{value}"?'
NAME_KINDS = frozenset({"person", "place", "name"})
# Words of at least this many are a description, not a term (as kinds.LONG_TEXT_WORDS).
DESCRIPTION_WORDS = 3
MAX_NAME_WORDS = 6
MAX_SYMBOL = 4
# Words a name may hold in lower case ("Leonardo da Vinci", "Romeo and Juliet").
_PARTICLES = frozenset(
    [
        "a",
        "an",
        "and",
        "da",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "du",
        "el",
        "la",
        "le",
        "los",
        "las",
        "of",
        "on",
        "the",
        "van",
        "von",
        "y",
        "zu",
    ]
)
_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow\s+(many|much)\b", re.IGNORECASE)
_WHEN = re.compile(
    r"^\s*when\b|\b(in\s+)?(which|what)\s+(year|century|decade|month)\b", re.IGNORECASE
)
_PLACES = "country|city|capital|continent|state|ocean|sea|river|mountain|island|region|province"
_WHERE = re.compile(
    rf"^\s*(where)\b|\b(which|what)\s+({_PLACES})\b|\b(capital)\s+(city\s+)?of\b",
    re.IGNORECASE,
)
_CITY = {"capital": "city"}
# A term's first word that tells a noun or a verb ("the dog", "el perro", "to run").
_ARTICLES = frozenset(["a", "an", "the", "el", "la", "los", "las", "un", "una", "le", "der", "die"])
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\S+")


def is_card_relation(relation: Relation) -> bool:
    """Whether a relation is an imported card's: its question is the card's front itself."""
    return relation.forward.strip() == "{subject}"


def fact_kind(deck: Deck, fact: Fact) -> str | None:
    """The kind of a card fact's (first) answer; None for a fact of any other relation."""
    if not is_card_relation(deck.relations[fact.relation]):
        return None
    return answer_kind(deck.entities[fact.subject].name, fact.values[0].display)


def answer_kind(question: str, answer: str) -> str:
    """The kind of a card's answer, from the question's wording and the answer's shape.

    Args:
        question: The card's front ("Who painted the Mona Lisa?", or a term).
        answer: Its back.

    Returns:
        One of the kinds in the module's description; number and money kinds
        carry their unit or currency ("number:bones", "money:USD").
    """
    text = " ".join(answer.split()).rstrip(".")
    counting = bool(_HOW_MANY.search(question))
    date = parse_date(text)
    if date is not None and not (counting and date[1] is None):
        return "date:" + ("year" if date[1] is None else "month" if date[2] is None else "day")
    amount = parse_amount(text)
    if amount is not None and (counting or len(text.split()) <= MAX_NAME_WORDS):
        if amount.currency:
            return f"money:{amount.currency}"
        unit = "%" if amount.percent else amount.rest
        return "number:" + " ".join(part for part in (amount.qualifier, unit) if part)
    if _WHEN.search(question):
        return "time"
    words = _WORD.findall(text)
    if _is_symbol(text, words):
        return "symbol"
    if _is_name(words):
        if _WHO.search(question):
            return "person"
        if where := _WHERE.search(question):
            place = (where.group(3) or where.group(4) or "").lower()
            return f"place:{_CITY.get(place, place)}" if place else "place"
        return "name"
    if len(words) >= DESCRIPTION_WORDS:
        return "description"
    if not words:  # only dots ("...")
        return "term"
    first = words[0].lower()
    return "term:verb" if first == "to" else "term:noun" if first in _ARTICLES else "term"


def reversible(front: str, kind: str) -> bool:
    """Whether a card may be asked backwards: a short term with a term or definition.

    "el perro — the dog" and "Osmosis — the movement of water ..." can be asked
    from the answer ("Which of these terms goes with "the dog"?"), as Quizlet's
    "answer with the term" does; a question card cannot (its answer does not ask
    for the question), nor can a term whose answer is a date, number or name.
    """
    words = front.split()
    return (
        0 < len(words) < DESCRIPTION_WORDS
        and not front.rstrip().endswith("?")
        and kind.partition(":")[0] in ("term", "description")
    )


def graded_as(kind: str | None) -> str | None:
    """How a typed answer to a card of this kind is judged: "date", "number" or "money".

    So that "20 July 1969" is right for "July 20, 1969" and "seven" for "7", as for
    a fact file's dates and figures (`grading`); None for other kinds (judged as text).
    """
    base = (kind or "").partition(":")[0]
    return base if base in ("date", "number", "money") else None


def typeable(kind: str | None) -> bool:
    """Whether a card's answer of several words may still be asked typed: a name or a date."""
    return kind in NAME_KINDS or graded_as(kind) == "date"


def describe_kind(kind: str) -> str:
    """A kind in words, for a dropped question's reason ("number:bones" -> "number (bones)")."""
    base, _, unit = kind.partition(":")
    return f"{base} ({unit})" if unit else base


def card_statement(question: str, answer: str) -> str | None:
    """A true/false statement for a card whose front is a question, else None.

    "In which year did the Berlin Wall fall? — 1989" reads as two things; a
    statement says one: 'The answer to "In which year did the Berlin Wall fall?"
    is 1989.' A front that is a term ("el perro") keeps the relation's own
    "term — answer" template.
    """
    front = question.strip()
    if not front.endswith("?"):
        return None
    return f'The answer to "{front}" is {answer.strip().rstrip(".")}.'


def _is_symbol(text: str, words: list[str]) -> bool:
    """A short code: a chemical symbol or formula, an acronym ("Au", "H2O", "DNA")."""
    if len(words) != 1 or len(text) > MAX_SYMBOL or not text.isalnum():
        return False
    has_digit = any(ch.isdigit() for ch in text)
    return text[0].isupper() and (has_digit or len(text) <= 2 or text.isupper())


def _is_name(words: list[str]) -> bool:
    """Capitalised words, bar particles: "Leonardo da Vinci", "Romeo and Juliet", "Nairobi"."""
    if not words or len(words) > MAX_NAME_WORDS or not words[0][:1].isupper():
        return False
    return all(word[:1].isupper() or word.lower() in _PARTICLES for word in words)
