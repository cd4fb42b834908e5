"""What an export is: the `ExportSet` (facts chosen and their questions), the `Exporter`
entry of the registry, the note types an export may hold, and the stable identities
(GUIDs, Anki ids, deck names, tags) every format uses.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import IO

import genanki
import genanki.util

from quizapp.domain.facts import Deck, Fact
from quizapp.domain.questions import Question

# Which kinds of notes an export can hold; all of them by default.
NOTE_TYPES = ("fact", "cloze", "choice")
# Question kinds that become "quizapp multiple choice" notes.
CHOICE_KINDS = ("multiple_choice", "multiple_select", "reverse")


Progress = Callable[[int], None]


def _no_progress(_: int) -> None:
    pass


@dataclass(frozen=True)
class ExportSet:
    """The facts chosen for an export, with their questions.

    Attributes:
        deck: The whole deck (entities and relations are looked up in it).
        facts: The chosen facts, in deck order.
        questions: The stored questions of those facts (any order).
        timestamp: Seconds since the epoch: the notes' modification time in Anki,
            and the time stamped in the package. Must grow when the deck changes.
        note_types: Which kinds of Anki notes to make (a subset of `NOTE_TYPES`).
        subdecks: Put each entity's notes in a subdeck of its own.
        images: The pictures of the chosen facts (name -> bytes), for the formats that
            carry media (the .apkg); a fact whose picture is not here is exported
            without one.
    """

    deck: Deck
    facts: tuple[Fact, ...]
    questions: tuple[Question, ...]
    timestamp: float
    note_types: frozenset[str] = frozenset(NOTE_TYPES)
    subdecks: bool = False
    images: Mapping[str, bytes] = field(default_factory=dict)

    def picture(self, fact: Fact) -> str | None:
        """The name of the fact's picture, if it carries one this export holds."""
        return fact.image if fact.image and fact.image in self.images else None

    def questions_by_fact(self) -> dict[str, list[Question]]:
        """The questions of each fact, by fact key, in kind-then-id order."""
        by_fact: dict[str, list[Question]] = defaultdict(list)
        for question in self.questions:
            by_fact[question.fact_key].append(question)
        # A few questions per fact: sorting each list is cheaper than sorting them all.
        order = attrgetter("kind", "id")
        for questions in by_fact.values():
            questions.sort(key=order)
        return by_fact


@dataclass(frozen=True)
class Exporter:
    """One export format.

    Attributes:
        name: The registry key ("apkg").
        label: What a person picks in a menu.
        extension: File name extension, without the dot.
        mimetype: The download's content type.
        write: Writes an `ExportSet` to a binary stream, calling `progress(n)` as
            every n facts are done.
    """

    name: str
    label: str
    extension: str
    mimetype: str
    write: Callable[[ExportSet, IO[bytes], Progress], None] = field(repr=False)


_BASE91 = genanki.util.BASE91_TABLE
# Every pair of base-91 digits, so a GUID takes 5 divisions instead of 10.
_PAIRS = [high + low for high in _BASE91 for low in _BASE91]
_PAIR = len(_PAIRS)


def guid_for(*parts: str) -> str:
    """`genanki.guid_for`, the same string, at a fraction of the cost.

    genanki builds the number byte by byte and its digits one at a time; an export
    makes one GUID per note. Here the 8 bytes are read at once and written two
    digits at a time; genanki writes no leading zero digits ("a"), so they go.
    """
    digest = hashlib.sha256("__".join(parts).encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    number, e = divmod(number, _PAIR)
    number, d = divmod(number, _PAIR)
    number, c = divmod(number, _PAIR)
    a, b = divmod(number, _PAIR)  # 2**64 < 91**10: `a` is the last pair
    return (_PAIRS[a] + _PAIRS[b] + _PAIRS[c] + _PAIRS[d] + _PAIRS[e]).lstrip(_BASE91[0])


def fact_guid(deck_key: str, fact_key: str) -> str:
    """The GUID of a fact's "quizapp fact" note."""
    return guid_for("quizapp", deck_key, fact_key, "fact")


def question_guid(deck_key: str, question_id: str) -> str:
    """The GUID of a question's cloze or multiple-choice note."""
    return guid_for("quizapp", deck_key, question_id)


def _text_guid(deck_key: str, *parts: str) -> str:
    # Notes of the text format have other note types than the package's: a GUID of
    # their own keeps one import from trying to overwrite the other's notes.
    return guid_for("quizapp-text", deck_key, *parts)


def _anki_id(*parts: str) -> int:
    """A stable id in the range genanki recommends, for Anki decks."""
    number = int(genanki.guid_for(*parts).encode().hex(), 16)
    return (1 << 30) + number % (1 << 30)


def anki_deck_name(deck: Deck, entity_name: str | None = None) -> str:
    """ "quizapp::<title>", or "quizapp::<title>::<entity>" for a subdeck.

    "::" separates levels in Anki, so it is taken out of the names themselves.
    """
    parts = ["quizapp", deck.title, *([entity_name] if entity_name else [])]
    return "::".join(" ".join(part.replace("::", ":").split()) for part in parts)


def _tag(key: str) -> str:
    # Keys are already [a-z0-9_-]; an Anki tag must never hold whitespace.
    return "_".join(key.split())
