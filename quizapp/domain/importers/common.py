"""What every reader of uploads shares: limits, the refusal, the deck it builds.

The readers (`fact_files`, `tables`, `apkg`, `anki_notes`) turn bytes into the data
of a fact file with a `DeckBuilder` and hand it to `validated`, the same validation
as a file in questions/.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The caps of a fact file's texts (what the database holds): a longer card is skipped.
from quizapp.domain.facts import MAX_NAME, MAX_TEXT, Deck, FactFileError, parse_deck
from quizapp.domain.images import Image


@dataclass(frozen=True)
class Limits:
    """How much an upload may make the server do. Tests pass smaller ones.

    Attributes:
        max_entries: Entries in a zip archive.
        max_total_size: Declared uncompressed size of all entries together (bytes).
        max_member_size: Size of the one member we read, and of the zstd stream's output.
        max_ratio: Uncompressed / compressed size of an entry, for entries over 1 MiB.
        max_notes: Notes in a collection, or rows in a table.
        max_columns: Columns of a table.
        max_sqlite_steps: Progress-handler calls (one per 100 SQLite VM steps) per collection.
        max_value_size: Bytes of any one value SQLite may make (SQLITE_LIMIT_LENGTH).
        max_field_size: Characters of one note's fields, or of one table cell, before
            any parsing (longer ones are skipped with a notice).
        max_text_total: Characters of all notes' fields together.
    """

    max_entries: int = 10_000
    max_total_size: int = 200 * 1024 * 1024
    max_member_size: int = 100 * 1024 * 1024
    max_ratio: int = 200
    max_notes: int = 5_000
    max_columns: int = 50
    max_sqlite_steps: int = 250_000
    max_value_size: int = 16 * 1024 * 1024
    max_field_size: int = 64 * 1024
    max_text_total: int = 24 * 1024 * 1024


DEFAULT_LIMITS = Limits()


class ImportRefused(Exception):
    """An upload could not be turned into a deck; nothing was imported.

    Attributes:
        problems: What is wrong, in words for the person who uploaded it.
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class Work:
    """Counts the units of work a parser does (characters scanned, tokens).

    Every parser of untrusted text here is written to move forward through its
    input, so its work is a small multiple of the input's length; it charges what
    it scans to a `Work`, and tests hold it to that bound.
    """

    def __init__(self) -> None:
        self.used = 0

    def charge(self, units: int) -> None:
        self.used += units


@dataclass(frozen=True)
class DeckMeta:
    """The [deck] table of an imported deck: what the file does not say itself.

    Attributes:
        key: Deck key (the caller makes it unique).
        title: Title; for Anki, None takes the package's deck name.
        source: Where the facts come from ("" for nowhere in particular).
        as_of: YYYY, YYYY-MM or YYYY-MM-DD.
        language: BCP 47 tag.
    """

    key: str
    title: str | None
    source: str
    as_of: str
    language: str = "en"


@dataclass(frozen=True)
class Imported:
    """A deck made from an upload.

    Attributes:
        data: The deck as data in the shape of a fact file (`Deck.to_dict()`).
        deck: The same, validated.
        notices: What was left out or changed, for the person importing.
        origins: Fact key -> (deck key, fact key) it was exported from, for the facts
            of a package quizapp made.
        images: The pictures the facts name (`Fact.image`), by name.
    """

    data: dict[str, Any]
    deck: Deck
    notices: tuple[str, ...] = ()
    origins: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    images: Mapping[str, Image] = field(default_factory=dict)


def validated(
    data: dict[str, Any],
    filename: str,
    notices: Sequence[str] = (),
    origins: Mapping[str, tuple[str, str]] | None = None,
    images: Mapping[str, Image] | None = None,
) -> Imported:
    """Run data through the fact-file validation, turning problems into a refusal.

    Args:
        origins: For a package quizapp exported: imported fact key -> (deck key, fact
            key) it was exported from (its notes' hidden "quizapp id").
        images: The pictures its facts name, by name.
    """
    try:
        deck = Deck.from_dict(data, filename=filename)
    except FactFileError as error:
        raise ImportRefused(f"{p.where}: {p.message}" for p in error.problems[:20]) from None
    return Imported(deck.to_dict(), deck, tuple(notices), dict(origins or {}), dict(images or {}))


# --- names and keys ---------------------------------------------------------------------------


def slug(text: str, max_length: int = 40) -> str:
    """A key from a text: "What is X?" -> "what-is-x" (may be empty for non-Latin text)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    key = ""
    for word in words:
        candidate = f"{key}-{word}" if key else word
        if len(candidate) > max_length:
            break
        key = candidate
    return key or (words[0][:max_length] if words else "")


class Keys:
    """Hands out unique keys within one deck."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, text: str, fallback: str, suffix: str = "") -> str:
        base = (slug(text) or fallback) + suffix
        key, n = base, 1
        while key in self.used:
            n += 1
            key = f"{base}-{n}"
        self.used.add(key)
        return key


def clean_text(text: str) -> str:
    """Collapse whitespace; drop control characters that have no place in a fact."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


# --- fact files -------------------------------------------------------------------------------


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 (with or without a byte-order mark), or a refusal saying so."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"The {what} is not UTF-8 text (byte {error.start + 1} is not valid); "
            "save it as UTF-8 and upload it again."
        ) from None


def read_fact_file(data: bytes, filename: str) -> Imported:
    """Read an uploaded fact file (the questions/ TOML format).

    Args:
        data: The file's bytes.
        filename: Its name, for messages.

    Returns:
        The deck.

    Raises:
        ImportRefused: Not UTF-8, not TOML, or not a valid deck (every problem listed).
    """
    text = decode_text(data, "fact file")
    try:
        deck = parse_deck(text, filename)
    except FactFileError as error:
        raise ImportRefused(f"{p.where}: {p.message}" for p in error.problems[:50]) from None
    notices = [f"{w.where}: {w.message}" for w in deck.warnings]
    return Imported(deck.to_dict(), deck, tuple(notices))


# --- generic relations for imported cards ----------------------------------------------------

ANSWER_RELATION = "answer"
ANSWERS_RELATION = "answers"  # a question with several right answers (Kahoot allows it)
CLOZE_RELATION = "cloze"

_RELATIONS: dict[str, dict[str, Any]] = {
    ANSWER_RELATION: {
        "label": "answers",
        "subject": "concept",
        "value": "text",
        "forward": "{subject}",
        "reverse": False,
        "statement": "{subject} — {value}",
        "many": False,
        "unique": True,
    },
    ANSWERS_RELATION: {
        "label": "answers (several right)",
        "subject": "concept",
        "value": "text",
        "forward": "{subject}",
        "reverse": False,
        "statement": "{subject} — {value}",
        "many": True,
        "unique": True,
    },
    CLOZE_RELATION: {
        "label": "cloze deletions",
        "subject": "concept",
        "value": "text",
        "forward": "Fill in the blank: {subject}",
        "reverse": False,
        "statement": "{subject} — {value}",
        "many": False,
        "unique": True,
    },
}


def escape_template(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class DeckBuilder:
    """Collects entities and facts for an imported deck, checking sizes as it goes."""

    def __init__(self, meta: DeckMeta, title: str) -> None:
        self.meta = meta
        self.title = title
        self.relations: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.facts: list[dict[str, Any]] = []
        self.keys = Keys()
        self.skipped: Counter[str] = Counter()

    def too_long(self, *texts: str, limit: int = MAX_TEXT) -> bool:
        return any(len(text) > limit for text in texts)

    def card(
        self,
        relation: str,
        name: str,
        answer: str | Sequence[str],
        evidence: str,
        cloze: str | None = None,
        tags: Sequence[str] = (),
        key_suffix: str = "",
        choices: Sequence[str] = (),
    ) -> None:
        """One card: an entity named by its front, a fact whose value is its back.

        Args:
            answer: The back; a list for ANSWERS_RELATION (several right answers).
            choices: The card's own wrong options (kept as the fact's `choices`).
        """
        answers = [answer] if isinstance(answer, str) else list(answer)
        if not name or not answers or not all(answers):
            self.skipped["had an empty front or back"] += 1
            return
        if len(name) > MAX_NAME or self.too_long(*answers, *choices, evidence):
            self.skipped[
                f"are too long (a front over {MAX_NAME} characters, or a back over {MAX_TEXT})"
            ] += 1
            return
        self.relations.setdefault(relation, _RELATIONS[relation])
        key = self.keys.make(name, "card", key_suffix)
        entity: dict[str, Any] = {"name": name, "type": "concept"}
        if tags:
            entity["description"] = "Tags: " + ", ".join(tags)
        self.entities[key] = entity
        fact: dict[str, Any] = {
            "key": key,
            "subject": key,
            "relation": relation,
            "value": answer if isinstance(answer, str) else answers,
            "evidence": evidence,
        }
        if cloze is not None:
            fact["cloze"] = cloze
        if choices:
            fact["choices"] = list(choices)
        self.facts.append(fact)

    def data(self) -> dict[str, Any]:
        return {
            "deck": {
                "key": self.meta.key,
                "title": self.title[:MAX_NAME],
                **({"source": self.meta.source} if self.meta.source else {}),
                "as_of": self.meta.as_of,
                "language": self.meta.language,
            },
            "relations": self.relations,
            "entities": self.entities,
            "facts": self.facts,
        }

    def notices(self) -> list[str]:
        return [f"{n} card(s) skipped: they {why}." for why, n in sorted(self.skipped.items())]
