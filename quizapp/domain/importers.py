"""Turn uploaded files into decks: fact files, CSV/TSV tables and Anki packages.

Everything here is pure: bytes in, a validated deck (as data in the shape of a
fact file) or a list of problems out. Nothing is written anywhere but a private
temporary directory, and nothing reaches the database from here, so a refused
file leaves no trace.

Uploads are untrusted, so the readers are defensive:

- A zip archive (.apkg) is checked from its central directory *before* anything
  is decompressed: number of entries, total declared size, compression ratio,
  names (absolute, "..", duplicates are refused). Only the members we need are
  read, into memory, through a reader that stops at the declared size; their
  names are never used as paths.
- The newer Anki collection (`collection.anki21b`) is a zstd stream; it is
  decompressed through a streaming reader that refuses to go past a cap.
- The collection is written to a file this module names, opened read-only
  (`mode=ro`, `immutable`), with `trusted_schema=OFF` and `query_only=ON`,
  after `PRAGMA quick_check`; every query's work is bounded by a progress
  handler, and tables must be real tables (not views).
- Any problem becomes an `ImportRefused` with words for a person; every
  returned deck has passed `facts.Deck.from_dict`, the same validation as a
  file in questions/.

How Anki notes become facts (the relations are made for it):

- A Basic-like note (any normal note type: "Front"/"Back" or the first two
  fields) is an entity named by its front (type "concept") and a fact of the
  relation `answer` whose value is its back: the generator then asks the front
  as a typed (and, with enough other cards, multiple-choice) question.
- A Cloze note gives one fact per cloze number, of the relation `cloze`: the
  subject is the text with that number's deletions blanked, the value the
  deleted words, the evidence the full text and the cloze the deleted words, so
  the generator's cloze question is the Anki card.
- Tags go to the entity's description ("Tags: geo, europe"); media files and
  `[sound:]`/`<img>` references are dropped, with a notice.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import zstandard

from quizapp.domain.facts import Deck, FactFileError, parse_deck

__all__ = [
    "ANSWER_RELATION",
    "CLOZE_RELATION",
    "ColumnMapping",
    "DeckMeta",
    "ImportRefused",
    "Imported",
    "Limits",
    "Table",
    "anki_cards",
    "field_text",
    "read_apkg",
    "read_fact_file",
    "read_table",
    "slug",
    "table_to_deck",
]


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
        max_sqlite_steps: Progress-handler calls (of 1000 VM steps each) per collection.
    """

    max_entries: int = 10_000
    max_total_size: int = 200 * 1024 * 1024
    max_member_size: int = 100 * 1024 * 1024
    max_ratio: int = 200
    max_notes: int = 5_000
    max_columns: int = 50
    max_sqlite_steps: int = 200_000


DEFAULT_LIMITS = Limits()
# A small entry can compress very well (an empty SQLite page is all zeros) and harm nobody.
_RATIO_EXEMPT_SIZE = 1024 * 1024
_CHUNK = 64 * 1024

# What the database can hold (decks.title, facts.subject_name ...): longer texts are
# refused here with a message, not by the database with an error.
MAX_NAME = 200
MAX_TEXT = 5_000


class ImportRefused(Exception):
    """An upload could not be turned into a deck; nothing was imported.

    Attributes:
        problems: What is wrong, in words for the person who uploaded it.
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class DeckMeta:
    """The [deck] table of an imported deck: what the file does not say itself.

    Attributes:
        key: Deck key (the caller makes it unique).
        title: Title; for Anki, None takes the package's deck name.
        source: Where the facts come from.
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
    """

    data: dict[str, Any]
    deck: Deck
    notices: tuple[str, ...] = ()


def validated(data: dict[str, Any], filename: str, notices: Sequence[str] = ()) -> Imported:
    """Run data through the fact-file validation, turning problems into a refusal."""
    try:
        deck = Deck.from_dict(data, filename=filename)
    except FactFileError as error:
        raise ImportRefused(f"{p.where}: {p.message}" for p in error.problems[:20]) from None
    return Imported(deck.to_dict(), deck, tuple(notices))


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


class _Keys:
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


def _clean(text: str) -> str:
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


def _escape_template(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class _DeckBuilder:
    """Collects entities and facts for an imported deck, checking sizes as it goes."""

    def __init__(self, meta: DeckMeta, title: str) -> None:
        self.meta = meta
        self.title = title
        self.relations: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.facts: list[dict[str, Any]] = []
        self.keys = _Keys()
        self.skipped: Counter[str] = Counter()

    def too_long(self, *texts: str, limit: int = MAX_TEXT) -> bool:
        return any(len(text) > limit for text in texts)

    def card(
        self,
        relation: str,
        name: str,
        answer: str,
        evidence: str,
        cloze: str | None = None,
        tags: Sequence[str] = (),
        key_suffix: str = "",
    ) -> None:
        if not name or not answer:
            self.skipped["had an empty front or back"] += 1
            return
        if len(name) > MAX_NAME or self.too_long(answer, evidence):
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
            "value": answer,
            "evidence": evidence,
        }
        if cloze is not None:
            fact["cloze"] = cloze
        self.facts.append(fact)

    def data(self) -> dict[str, Any]:
        return {
            "deck": {
                "key": self.meta.key,
                "title": self.title[:MAX_NAME],
                "source": self.meta.source,
                "as_of": self.meta.as_of,
                "language": self.meta.language,
            },
            "relations": self.relations,
            "entities": self.entities,
            "facts": self.facts,
        }

    def notices(self) -> list[str]:
        return [f"{n} card(s) skipped: they {why}." for why, n in sorted(self.skipped.items())]


# --- CSV / TSV --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """An uploaded table.

    Attributes:
        delimiter: The separator found.
        rows: Every row, the header (if any) included, padded to the same width.
        header_guess: Whether the first row looks like a header.
    """

    delimiter: str
    rows: tuple[tuple[str, ...], ...]
    header_guess: bool

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def read_table(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read CSV/TSV bytes: the delimiter is sniffed (comma, semicolon, tab or bar).

    Args:
        data: The file's bytes (UTF-8).
        filename: Its name; ".tsv" prefers tabs when sniffing fails.
        limits: Row and column limits.

    Returns:
        The table.

    Raises:
        ImportRefused: Not UTF-8, not a table, empty, or too big.
    """
    text = decode_text(data, "table")
    if "\x00" in text:
        raise ImportRefused("The table contains NUL characters: it is not a CSV or TSV file.")
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        delimiter = "\t" if filename.lower().endswith(".tsv") or "\t" in first else ","
    try:
        header_guess = csv.Sniffer().has_header(sample)
    except csv.Error:
        header_guess = True
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limits.max_notes + 1:
                raise ImportRefused(f"The table has more than {limits.max_notes} rows.")
            if len(row) > limits.max_columns:
                raise ImportRefused(
                    f"Row {len(rows) + 1} has {len(row)} columns; at most "
                    f"{limits.max_columns} are read."
                )
            rows.append([cell.strip() for cell in row])
    except csv.Error as error:
        raise ImportRefused(f"The table could not be read: {error}.") from None
    if not rows:
        raise ImportRefused("The table is empty.")
    width = max(len(row) for row in rows)
    if width < 2:
        raise ImportRefused(
            "The table has only one column: quizapp needs at least a question and an answer "
            "(separated by commas, semicolons or tabs)."
        )
    padded = tuple(tuple(row + [""] * (width - len(row))) for row in rows)
    return Table(delimiter, padded, header_guess)


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what (0-based indexes; None for "not in the file").

    Attributes:
        mode: "qa" (question, answer) or "erv" (entity, relation, value).
        header: Whether the first row is a header (skipped).
        question: qa: the question column.
        answer: qa: the answer column.
        subject: erv: the entity column.
        relation: erv: the relation column.
        value: erv: the value column.
        evidence: Optional sentence the fact comes from.
        tags: Optional tags (separated by spaces or commas).
    """

    mode: str
    header: bool = True
    question: int | None = None
    answer: int | None = None
    subject: int | None = None
    relation: int | None = None
    value: int | None = None
    evidence: int | None = None
    tags: int | None = None


def table_to_deck(table: Table, mapping: ColumnMapping, meta: DeckMeta) -> Imported:
    """Make a deck of a table's rows, as the mapping says.

    Args:
        table: From `read_table`.
        mapping: The columns chosen.
        meta: The deck's header (title required).

    Returns:
        The validated deck, with notices about skipped rows.

    Raises:
        ImportRefused: The mapping names a missing column, or no row makes a fact, or
            the result is not a valid deck.
    """
    needed = ("question", "answer") if mapping.mode == "qa" else ("subject", "relation", "value")
    if mapping.mode not in ("qa", "erv"):
        raise ImportRefused("Choose what the rows are: questions and answers, or facts.")
    for name in (*needed, "evidence", "tags"):
        column = getattr(mapping, name)
        if column is None:
            if name in needed:
                raise ImportRefused(f"Choose the column that holds the {_COLUMN_WORDS[name]}.")
            continue
        if not 0 <= column < table.width:
            raise ImportRefused(f"There is no column {column + 1} in this table.")
    chosen = [getattr(mapping, name) for name in needed]
    if len(set(chosen)) < len(chosen):
        raise ImportRefused("Choose a different column for each part.")
    rows = table.rows[1:] if mapping.header else table.rows
    builder = _DeckBuilder(meta, meta.title or "Imported table")
    cell = _cell_reader(mapping)
    if mapping.mode == "qa":
        for row in rows:
            question, answer = cell(row, "question"), cell(row, "answer")
            evidence = cell(row, "evidence") or f"{question} — {answer}"
            builder.card(
                ANSWER_RELATION, question, answer, evidence, tags=_split_tags(cell(row, "tags"))
            )
    else:
        _facts_from_rows(builder, rows, cell)
    if not builder.facts:
        raise ImportRefused(["No row gave a fact.", *builder.notices()])
    filename = f"{meta.title or 'table'}"
    return validated(builder.data(), filename, builder.notices())


_COLUMN_WORDS = {
    "question": "questions",
    "answer": "answers",
    "subject": "entities (what each fact is about)",
    "relation": "relations",
    "value": "values",
}


def _cell_reader(mapping: ColumnMapping):
    def cell(row: Sequence[str], name: str) -> str:
        column = getattr(mapping, name)
        return _clean(row[column]) if column is not None else ""

    return cell


def _split_tags(text: str) -> list[str]:
    return [tag for tag in re.split(r"[\s,;]+", text) if tag][:20]


def _facts_from_rows(builder: _DeckBuilder, rows: Sequence[Sequence[str]], cell) -> None:
    """Entity-relation-value rows: one entity per name, one relation per relation name."""
    entity_keys: dict[str, str] = {}
    relation_keys: dict[str, str] = {}
    relation_names: dict[str, str] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    pending: list[tuple[str, str, str, str, list[str]]] = []
    for row in rows:
        name, relation, value = cell(row, "subject"), cell(row, "relation"), cell(row, "value")
        if not (name and relation and value):
            builder.skipped["miss an entity, a relation or a value"] += 1
            continue
        if len(name) > MAX_NAME or len(relation) > 100 or builder.too_long(value):
            builder.skipped["are too long"] += 1
            continue
        identity = (name.casefold(), relation.casefold(), " ".join(value.casefold().split()))
        if identity in seen:
            builder.skipped["repeat an earlier row"] += 1
            continue
        seen.add(identity)
        if name.casefold() not in entity_keys:
            entity_keys[name.casefold()] = builder.keys.make(name, "entity")
            builder.entities[entity_keys[name.casefold()]] = {"name": name, "type": "concept"}
        if relation.casefold() not in relation_keys:
            key = slug(relation, 30).replace("-", "_")
            key = key if key and key[0].isalpha() else f"r_{key}" if key else "relation"
            while key in relation_names.values():
                key += "_"
            relation_keys[relation.casefold()] = key
            relation_names[relation.casefold()] = key
            builder.relations[key] = {
                "label": relation,
                "subject": "concept",
                "value": "text",
                "forward": f"What is the {_escape_template(relation)} of {{subject}}?",
                "reverse": f"What has the {_escape_template(relation)} {{value}}?",
                "statement": f"The {_escape_template(relation)} of {{subject}} is {{value}}.",
                "many": False,
                "unique": True,
            }
        subject, rel = entity_keys[name.casefold()], relation_keys[relation.casefold()]
        pairs[(subject, rel)] += 1
        evidence = cell(row, "evidence") or f"The {relation} of {name} is {value}."
        pending.append((subject, rel, value, evidence, _split_tags(cell(row, "tags"))))
    for (_, rel), count in pairs.items():
        if count > 1:  # a subject with several values: no false statements from "the others"
            builder.relations[rel]["unique"] = False
    fact_keys = _Keys()
    for subject, rel, value, evidence, _tags in pending:
        builder.facts.append(
            {
                "key": fact_keys.make(f"{subject} {rel}", "fact"),
                "subject": subject,
                "relation": rel,
                "value": value,
                "evidence": evidence,
            }
        )


# --- Anki packages ----------------------------------------------------------------------------

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_KNOWN_MEMBERS = {*_COLLECTIONS, "media", "meta"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def read_apkg(
    data: bytes,
    filename: str,
    meta: DeckMeta,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Read an Anki package (.apkg, old or new format) into a deck of Basic and Cloze facts.

    Args:
        data: The package's bytes.
        filename: Its name, for messages.
        meta: The deck's header; `meta.title` None takes the Anki deck's name.
        limits: Archive and collection limits.

    Returns:
        The validated deck, with notices (media ignored, notes skipped).

    Raises:
        ImportRefused: A bad or dangerous archive, collection or content.
    """
    notices: list[str] = []
    collection, media_files = _collection_bytes(data, limits)
    if media_files:
        notices.append(f"{media_files} media file(s) (images, sounds) were ignored.")
    with tempfile.TemporaryDirectory(prefix="quizapp-apkg-") as folder:
        path = os.path.join(folder, "collection.sqlite")  # our name, never the archive's
        with open(path, "wb") as out:
            out.write(collection)
        del collection
        notes, deck_name = _read_collection(path, limits)
    title = meta.title or deck_name or PurePosixPath(filename).stem or "Anki deck"
    builder = _DeckBuilder(meta, title)
    media_notes = 0
    for note in notes:
        _note_facts(builder, note)
        media_notes += note.had_media
    if media_notes:
        notices.append(f"Images and sounds in {media_notes} note(s) were left out.")
    notices.extend(builder.notices())
    if note_types := sorted({n.kind_name for n in notes if n.kind == "other"}):
        notices.append(f"Notes of these types were skipped: {', '.join(note_types)}.")
    if not builder.facts:
        raise ImportRefused(["The package has no Basic or Cloze notes to import.", *notices])
    return validated(builder.data(), filename, notices)


def _collection_bytes(data: bytes, limits: Limits) -> tuple[bytes, int]:
    """The collection database from a package, and how many media files were in it."""
    if not data.startswith(b"PK"):
        raise ImportRefused("This is not an Anki package: an .apkg file is a zip archive.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ImportRefused(f"The package is not a readable zip archive ({error}).") from None
    with archive:
        if len(entries) > limits.max_entries:
            raise ImportRefused(
                f"The package has {len(entries)} files; at most {limits.max_entries} are allowed."
            )
        names: set[str] = set()
        total = 0
        for info in entries:
            _check_entry(info, names, limits)
            total += info.file_size
        if total > limits.max_total_size:
            raise ImportRefused(
                f"The package would unpack to {total // (1024 * 1024)} MB; at most "
                f"{limits.max_total_size // (1024 * 1024)} MB are allowed."
            )
        by_name = {info.filename: info for info in entries}
        member = next((by_name[name] for name in _COLLECTIONS if name in by_name), None)
        if member is None:
            raise ImportRefused(
                "The package has no Anki collection (collection.anki21b, .anki21 or .anki2)."
            )
        raw = _read_member(archive, member, limits)
        media = sum(1 for info in entries if info.filename not in _KNOWN_MEMBERS)
    if member.filename.endswith("anki21b"):
        raw = _unzstd(raw, limits)
    return raw, media


def _check_entry(info: zipfile.ZipInfo, names: set[str], limits: Limits) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or "\x00" in name
    ):
        raise ImportRefused(
            f"The package contains an unsafe file name ({name[:80]!r}); it was refused."
        )
    if name in names:
        raise ImportRefused(f"The package contains the file {name[:80]!r} twice; it was refused.")
    names.add(name)
    if info.file_size > limits.max_member_size:
        raise ImportRefused(
            f"A file in the package would unpack to {info.file_size // (1024 * 1024)} MB; "
            f"at most {limits.max_member_size // (1024 * 1024)} MB are allowed."
        )
    if info.file_size > _RATIO_EXEMPT_SIZE and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise ImportRefused(
            "The package is compressed suspiciously well (a zip bomb?): it was refused "
            "without being unpacked."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """Read one member into memory, never past its declared (and checked) size."""
    cap = min(info.file_size, limits.max_member_size)
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(min(_CHUNK, cap + 1 - size)):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused("A file in the package is larger than it says.")
                chunks.append(chunk)
    except ImportRefused:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise ImportRefused(
            f"The package is damaged: {info.filename} cannot be read ({error})."
        ) from None
    return b"".join(chunks)


def _unzstd(data: bytes, limits: Limits) -> bytes:
    """Decompress the new-format collection, stopping at the size cap."""
    if not data.startswith(_ZSTD_MAGIC):
        raise ImportRefused("The package's collection.anki21b is not zstd-compressed.")
    cap = limits.max_member_size
    chunks, size = [], 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(
            io.BytesIO(data), read_across_frames=True
        )
        with reader:
            while chunk := reader.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise ImportRefused(
                        f"The package's collection would unpack to more than "
                        f"{cap // (1024 * 1024)} MB; it was refused."
                    )
                chunks.append(chunk)
    except zstandard.ZstdError as error:
        raise ImportRefused(f"The package's collection is damaged ({error}).") from None
    return b"".join(chunks)


@dataclass
class _Note:
    kind: str  # "basic", "cloze" or "other"
    kind_name: str
    fields: dict[str, str]
    field_order: list[str]
    tags: list[str]
    had_media: bool = False


@dataclass
class _NoteType:
    name: str
    cloze: bool
    fields: list[str] = field(default_factory=list)


class _SqliteGuard:
    """Counts SQLite's progress callbacks; aborts a query that works too long."""

    def __init__(self, limit: int) -> None:
        self.limit, self.calls = limit, 0

    def __call__(self) -> int:
        self.calls += 1
        return 1 if self.calls > self.limit else 0


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def _read_collection(path: str, limits: Limits) -> tuple[list[_Note], str | None]:
    with open(path, "rb") as fh:
        if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise ImportRefused("The package's collection is not an SQLite database.")
    uri = f"file:{quote(path)}?mode=ro&immutable=1"
    guard = _SqliteGuard(limits.max_sqlite_steps)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise ImportRefused(f"The package's collection cannot be opened ({error}).") from None
    try:
        conn.set_progress_handler(guard, 1000)
        conn.create_collation("unicase", _unicase)  # Anki's own collation, used by its indexes
        conn.execute("PRAGMA trusted_schema=OFF")
        check = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        if check != ["ok"]:
            raise ImportRefused(
                "The package's collection database is damaged: " + "; ".join(map(str, check))
            )
        conn.execute("PRAGMA query_only=ON")
        return _notes(conn, limits)
    except ImportRefused:
        raise
    except sqlite3.Error as error:
        if guard.calls > guard.limit:
            raise ImportRefused("The package's collection is too large to read.") from None
        raise ImportRefused(f"The package's collection cannot be read ({error}).") from None
    except (ValueError, TypeError, KeyError, AttributeError, json.JSONDecodeError) as error:
        raise ImportRefused(
            f"The package's collection is not in a format quizapp knows ({error})."
        ) from None
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _notes(conn: sqlite3.Connection, limits: Limits) -> tuple[list[_Note], str | None]:
    tables = _tables(conn)
    if not {"notes", "col"} <= tables:
        raise ImportRefused("The package's database is not an Anki collection (no notes table).")
    if "notetypes" in tables and "fields" in tables:
        types = _note_types_v18(conn)
        deck_names = {
            int(row[0]): str(row[1]).replace("\x1f", "::")
            for row in conn.execute("SELECT id, name FROM decks LIMIT 10000")
        }
    else:
        row = conn.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
        if row is None:
            raise ImportRefused("The package's collection is empty.")
        types = _note_types_v11(json.loads(row[0]))
        decks = json.loads(row[1])
        deck_names = {
            int(k): str(v.get("name", "")) for k, v in decks.items() if isinstance(v, dict)
        }
    rows = conn.execute(
        "SELECT id, mid, tags, flds FROM notes ORDER BY id LIMIT ?", (limits.max_notes + 1,)
    ).fetchall()
    if len(rows) > limits.max_notes:
        raise ImportRefused(f"The package has more than {limits.max_notes} notes.")
    notes = []
    for _id, mid, tags, flds in rows:
        note_type = types.get(int(mid))
        if note_type is None:
            continue
        values = str(flds).split("\x1f")
        names = note_type.fields or [f"Field {i + 1}" for i in range(len(values))]
        fields = dict(zip(names, values, strict=False))
        kind = "cloze" if note_type.cloze else "basic" if len(values) >= 2 else "other"
        note_tags = sorted({t for t in str(tags).split() if t})[:20]
        notes.append(_Note(kind, note_type.name, fields, names, note_tags))
    deck_name = None
    if "cards" in tables:
        used = conn.execute(
            "SELECT did, count(*) AS n FROM cards GROUP BY did ORDER BY n DESC LIMIT 1"
        ).fetchone()
        if used is not None:
            deck_name = deck_names.get(int(used[0]))
    if deck_name in ("", "Default"):
        deck_name = None
    return notes, deck_name


def _note_types_v11(models: Any) -> dict[int, _NoteType]:
    if not isinstance(models, dict):
        raise ValueError("note types are not a table")
    types = {}
    for mid, model in models.items():
        if not isinstance(model, dict):
            continue
        fields = sorted(
            (f for f in model.get("flds", []) if isinstance(f, dict)),
            key=lambda f: f.get("ord", 0) if isinstance(f.get("ord", 0), int) else 0,
        )
        types[int(mid)] = _NoteType(
            name=str(model.get("name", "")),
            cloze=model.get("type") == 1,
            fields=[str(f.get("name", "")) for f in fields],
        )
    return types


def _note_types_v18(conn: sqlite3.Connection) -> dict[int, _NoteType]:
    types = {
        int(ntid): _NoteType(str(name), _protobuf_varint(config, 1) == 1)
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes LIMIT 1000")
    }
    for ntid, _ord, name in conn.execute(
        "SELECT ntid, ord, name FROM fields ORDER BY ntid, ord LIMIT 100000"
    ):
        if int(ntid) in types:
            types[int(ntid)].fields.append(str(name))
    return types


def _protobuf_varint(blob: Any, wanted: int) -> int:
    """Read a top-level varint field of a protobuf message (0 if absent or unreadable).

    Anki 2.1.50+ stores a note type's kind (0 normal, 1 cloze) as field 1 of its
    config message; this is the only thing read from it.
    """
    if not isinstance(blob, bytes):
        return 0
    position = 0

    def varint() -> int:
        nonlocal position
        result, shift = 0, 0
        while position < len(blob) and shift < 64:
            byte = blob[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
        raise ValueError("truncated varint")

    try:
        while position < len(blob):
            tag = varint()
            number, wire = tag >> 3, tag & 7
            if wire == 0:
                value = varint()
                if number == wanted:
                    return value
            elif wire == 2:
                position += varint()
            elif wire == 1:
                position += 8
            elif wire == 5:
                position += 4
            else:
                return 0
    except ValueError:
        return 0
    return 0


class _TextOnly(HTMLParser):
    """Field HTML -> text: tags dropped, line breaks kept as spaces, media noted."""

    _BREAKS = frozenset({"br", "div", "p", "li", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("img", "audio", "video", "object", "embed"):
            self.media = True
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_SOUND = re.compile(r"\[sound:[^\]]*\]")


def field_text(raw: str) -> tuple[str, bool]:
    """An Anki field's text without HTML or media references; and whether it had media."""
    media = bool(_SOUND.search(raw))
    parser = _TextOnly()
    try:
        parser.feed(_SOUND.sub(" ", raw))
        parser.close()
        text = "".join(parser.parts)
    except (AssertionError, ValueError):  # HTMLParser on hostile markup: fall back to text
        text = html.unescape(re.sub(r"<[^>]*>", " ", raw))
    return _clean(text), media or parser.media


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def _note_facts(builder: _DeckBuilder, note: _Note) -> None:
    if note.kind == "basic":
        front_name = "Front" if "Front" in note.fields else note.field_order[0]
        back_name = "Back" if "Back" in note.fields else note.field_order[1]
        front, media_front = field_text(note.fields.get(front_name, ""))
        back, media_back = field_text(note.fields.get(back_name, ""))
        note.had_media = media_front or media_back
        builder.card(ANSWER_RELATION, front, back, f"{front} — {back}", tags=note.tags)
    elif note.kind == "cloze":
        text_name = "Text" if "Text" in note.fields else note.field_order[0]
        raw = note.fields.get(text_name, "")
        _cloze_facts(builder, note, raw)


def _cloze_facts(builder: _DeckBuilder, note: _Note, raw: str) -> None:
    numbers = sorted({int(m.group(1)) for m in _CLOZE.finditer(raw)})
    if not numbers:
        builder.skipped["are Cloze notes without a cloze deletion"] += 1
        return
    full, media = field_text(_CLOZE.sub(lambda m: m.group(2), raw))
    note.had_media = media
    for number in numbers[:50]:
        answers: list[str] = []

        def blank(match: re.Match[str], number: int = number, answers: list[str] = answers) -> str:
            if int(match.group(1)) != number:
                return match.group(2)
            answers.append(field_text(match.group(2))[0])
            hint = field_text(match.group(3))[0] if match.group(3) else ""
            return f"____ [{hint}]" if hint else "____"

        question = field_text(_CLOZE.sub(blank, raw))[0]
        answer = " … ".join(a for a in answers if a)
        # Several deletions of one number: a typed question only (a cloze blanks one text).
        cloze = answers[0] if len(answers) == 1 and answers[0] and answers[0] in full else None
        builder.card(
            CLOZE_RELATION,
            question,
            answer,
            full,
            cloze=cloze,
            tags=note.tags,
            key_suffix=f"-c{number}",
        )


def anki_cards(deck: Deck) -> list[dict[str, Any]]:
    """The notes an imported deck stands for (for tests and round trips).

    Returns:
        One dict per fact: kind "basic" (front, back) or "cloze" (text with the cloze
        words, answer), with its tags.
    """
    cards = []
    for fact in deck.facts:
        entity = deck.entities[fact.subject]
        tags = entity.description.removeprefix("Tags: ").split(", ") if entity.description else []
        card = {"tags": tags, "answer": fact.values[0].display}
        if fact.relation == CLOZE_RELATION:
            card |= {"kind": "cloze", "text": fact.evidence, "question": entity.name}
        else:
            card |= {"kind": "basic", "front": entity.name}
        cards.append(card)
    return cards
