"""Load and validate fact files (questions/*.toml) into frozen dataclasses.

The format is specified in questions/README.md. A file is checked as a whole:
every problem found (with file, place and message) is collected before
`FactFileError` is raised, so an author can fix them all in one go, and a file
with any error is rejected entirely. Doubtful but usable content (a cloze that
does not occur in its evidence) is reported in `Deck.warnings` instead.

The same validation serves every way a deck arrives: `parse_deck` for TOML
text, `Deck.from_dict` for the JSON the app stores. `Deck.to_dict` and
`to_toml` write a deck back out in the file's own shape, so
`parse_deck(to_toml(deck)) == deck` and `Deck.from_dict(deck.to_dict()) == deck`.

Entities and relations are kept sorted by key and facts in file order; nothing
downstream may depend on the order of a file's sections.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import math
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from quizapp.domain.numbers import (
    QUALIFIERS,
    canonical_qualifier,
    format_date,
    format_money,
    format_quantity,
    to_decimal,
)

__all__ = [
    "ENTITY_TYPES",
    "VALUE_TYPES",
    "DateValue",
    "Deck",
    "Entity",
    "EntityRef",
    "Fact",
    "FactFileError",
    "Money",
    "Problem",
    "Quantity",
    "Relation",
    "TextValue",
    "Value",
    "fact_fingerprint",
    "load_deck",
    "load_decks",
    "parse_deck",
    "to_toml",
]

ENTITY_TYPES = ("person", "company", "organisation", "product", "place", "group", "concept")
VALUE_TYPES = (*ENTITY_TYPES, "date", "number", "money", "text")

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


# --- deck structure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A kind of fact, with its question templates.

    Attributes:
        key: Stable id ("founder").
        label: Plural noun for statistics ("founders").
        subject: Entity type of the fact's subject.
        value: Type of the fact's value (an entity type, "date", "number", "money" or "text").
        forward: Question asking for the value, with a {subject} slot.
        reverse: Question asking for the subject, with a {value} slot, or None.
        statement: Sentence with {subject} and {value} slots, for true/false questions.
        many: Whether a fact's value is a list.
        unique: Whether a subject has only the values its facts state (so any other
            value is false).
    """

    key: str
    label: str
    subject: str
    value: str
    forward: str
    reverse: str | None
    statement: str
    many: bool = False
    unique: bool = True


@dataclass(frozen=True)
class Entity:
    """A thing facts are about, or a value that is a thing.

    Attributes:
        key: Stable id ("jiang-daxin").
        name: Display name.
        type: One of `ENTITY_TYPES`.
        aliases: Other accepted spellings.
        description: Optional short description.
    """

    key: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def ref(self) -> EntityRef:
        """This entity as a fact value."""
        return EntityRef(self.key, self.name, self.aliases)


@dataclass(frozen=True)
class Fact:
    """One fact: subject, relation, value(s), and the sentence it comes from.

    Attributes:
        key: Stable id within the deck.
        subject: Key of the entity the fact is about.
        relation: Key of the relation.
        values: The value, or for a `many` relation the values, in file order.
        evidence: The source sentence.
        cloze: Words to blank out of the evidence, or None for the value's text.
        accepted: Further accepted typed answers for the value.
        source: URL overriding the deck's source, or None.
    """

    key: str
    subject: str
    relation: str
    values: tuple[Value, ...]
    evidence: str
    cloze: str | None = None
    accepted: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a fact file.

    Attributes:
        file: The file name as given to the loader.
        where: The place: "deck", "relation 'founder'", "entity 'kimi'",
            "fact 'stepfun-founder'", "fact #3" (no usable key), "line 12" or "top level".
        message: What is wrong.
    """

    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class FactFileError(Exception):
    """A fact file (or several) could not be loaded.

    Attributes:
        problems: Every problem found, in file order.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Deck:
    """A validated fact file.

    Attributes:
        key: Stable id of the deck.
        title: Display title.
        description: Optional description.
        source: URL of the source the facts come from.
        as_of: When the facts were true.
        language: BCP 47 language tag.
        relations: Relations by key, sorted by key.
        entities: Entities by key, sorted by key.
        facts: Facts in file order.
        warnings: Doubtful but accepted content (not part of equality).
    """

    key: str
    title: str
    description: str
    source: str
    as_of: DateValue
    language: str
    relations: Mapping[str, Relation]
    entities: Mapping[str, Entity]
    facts: tuple[Fact, ...]
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @cached_property
    def facts_by_key(self) -> Mapping[str, Fact]:
        """Facts by key."""
        return {fact.key: fact for fact in self.facts}

    def to_dict(self) -> dict[str, Any]:
        """Return the deck as JSON-compatible data in the shape of a fact file.

        Optional fields that are empty are left out, as an author would.
        """
        return {
            "deck": {
                "key": self.key,
                "title": self.title,
                **({"description": self.description} if self.description else {}),
                "source": self.source,
                "as_of": self.as_of.iso,
                "language": self.language,
            },
            "relations": {key: _relation_data(rel) for key, rel in self.relations.items()},
            "entities": {key: _entity_data(entity) for key, entity in self.entities.items()},
            "facts": [_fact_data(fact, self.relations[fact.relation]) for fact in self.facts],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], filename: str = "<data>") -> Deck:
        """Validate data shaped like a fact file (as made by `to_dict`) into a deck.

        Args:
            data: The data.
            filename: Name used in problem reports.

        Returns:
            The deck.

        Raises:
            FactFileError: If the data is not a valid deck.
        """
        return _DeckReader(filename).read(data)


# --- loading ----------------------------------------------------------------------------------


def parse_deck(text: str, filename: str = "<text>") -> Deck:
    """Parse and validate the text of a fact file.

    Args:
        text: TOML text.
        filename: Name used in problem reports.

    Returns:
        The deck; doubtful content is listed in `Deck.warnings`.

    Raises:
        FactFileError: With every problem of the file, if it is not valid.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FactFileError([_syntax_problem(filename, text, error)]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        problem = Problem(
            filename, "file", "nested too deeply (a fact file needs only a few levels of tables)"
        )
        raise FactFileError([problem]) from None
    return _DeckReader(filename).read(data)


def load_deck(path: str | Path) -> Deck:
    """Read, parse and validate one fact file.

    Args:
        path: The file.

    Returns:
        The deck.

    Raises:
        FactFileError: If the file cannot be read or is not valid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FactFileError([Problem(str(path), "file", f"cannot be read: {error}")]) from None
    return parse_deck(text, str(path))


def load_decks(paths: Iterable[str | Path]) -> list[Deck]:
    """Load fact files and folders of fact files (their *.toml, sorted by name).

    Every file is checked, and all problems of all files are reported together.
    Two files with the same deck key are an error.

    Args:
        paths: Files or folders.

    Returns:
        The decks, in the order of `paths` (and of names within a folder).

    Raises:
        FactFileError: With the problems of every invalid file.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    decks: list[Deck] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for file in files:
        try:
            deck = load_deck(file)
        except FactFileError as error:
            problems.extend(error.problems)
            continue
        if deck.key in first_file:
            message = f"deck key '{deck.key}' is already used by {first_file[deck.key]}"
            problems.append(Problem(str(file), "deck", message))
            continue
        first_file[deck.key] = str(file)
        decks.append(deck)
    if problems:
        raise FactFileError(problems)
    return decks


def _syntax_problem(filename: str, text: str, error: tomllib.TOMLDecodeError) -> Problem:
    """Turn tomllib's message into one an author can act on."""
    message = str(error)
    match = re.search(r" \(at line (\d+), column \d+\)$| \(at end of document\)$", message)
    where = f"line {match.group(1)}" if match and match.group(1) else "end of file"
    message = message[: match.start()] if match else message
    if declared := re.match(r"Cannot declare \((.*)\) twice", message):
        parts = (part.strip(" '\"") for part in declared.group(1).split(","))
        table = ".".join(part for part in parts if part)
        return Problem(filename, where, f"duplicate key: [{table}] is declared twice")
    if message == "Cannot overwrite a value" and (duplicate := _find_duplicate_key(text)):
        line, key, table = duplicate
        return Problem(filename, f"line {line}", f"duplicate key: '{key}' is set twice in {table}")
    if match and match.group(1) and _PARTIAL_DATE.search(text.splitlines()[int(match[1]) - 1]):
        hint = 'quote partial dates: write "2025-06", not 2025-06'
        return Problem(filename, where, f"TOML syntax error: {message} ({hint})")
    return Problem(filename, where, f"TOML syntax error: {message}")


_PARTIAL_DATE = re.compile(r"=\s*\d{4}-\d{2}\s*(?:#.*)?$")


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+|\"[^\"]*\")\s*=")


def _find_duplicate_key(text: str) -> tuple[int, str, str] | None:
    """Find (line, key, table) of a key set twice; tomllib only says "at end of document".

    A line-based scan that ignores multi-line strings is enough here: it runs only
    after tomllib has already reported a duplicate, and a miss falls back to
    tomllib's own message.
    """
    table, seen = "the top level", set()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            brackets = header.group(1)
            table, seen = f"{brackets}{header.group(2)}{']' * len(brackets)}", set()
            continue
        if assignment := _ASSIGNMENT.match(line):
            key = assignment.group(1).strip('"')
            if key in seen:
                return number, key, table
            seen.add(key)
    return None


# --- validation -------------------------------------------------------------------------------

Check = Callable[[Any], str | None]


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


class _DeckReader:
    """Validates one file's data, collecting every problem before giving up."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        # Keys that were declared but are invalid: references to them are not errors
        # of their own, so that one mistake is reported once.
        self.broken_relations: set[str] = set()
        self.broken_entities: set[str] = set()

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.filename, where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Problem(self.filename, where, message))

    def fields(
        self,
        where: str,
        data: Any,
        required: Mapping[str, Check],
        optional: Mapping[str, Check],
    ) -> dict[str, Any] | None:
        """Check a table's fields; return those present and of the right type."""
        if not isinstance(data, dict):
            self.error(where, f"must be a table, not {_describe(data)}")
            return None
        known = {**required, **optional}
        for name in data:
            if name not in known:
                self.error(where, f"unknown field '{name}'{_did_you_mean(name, known)}")
        for name in required:
            if name not in data:
                self.error(where, f"missing required field '{name}'")
        valid = {}
        for name, check in known.items():
            if name not in data:
                continue
            if problem := check(data[name]):
                self.error(where, f"field '{name}' {problem}")
            else:
                valid[name] = data[name]
        return valid

    def key(self, where: str, name: str, key: str, pattern: re.Pattern[str] = _KEY) -> bool:
        if pattern.match(key):
            return True
        allowed = "lowercase letters, digits and '-'"
        if pattern is _RELATION_KEY:
            allowed = "lowercase letters, digits, '_' and '-', starting with a letter"
        self.error(where, f"bad {name} key '{key}' (use {allowed})")
        return False

    # The file as a whole.

    def read(self, data: Mapping[str, Any]) -> Deck:
        sections = {"deck", "relations", "entities", "facts"}
        for name in data:
            if name not in sections:
                self.error("top level", f"unknown table '{name}'{_did_you_mean(name, sections)}")
        header = None
        if "deck" in data:
            header = self.header(data["deck"])
        else:
            self.error("top level", "missing the [deck] table")
        relations = self.relations(data.get("relations", {}))
        entities = self.entities(data.get("entities", {}))
        facts = self.facts(data.get("facts", []), relations, entities)
        if self.problems or header is None:
            raise FactFileError(self.problems)
        return Deck(
            **header,
            relations=dict(sorted(relations.items())),
            entities=dict(sorted(entities.items())),
            facts=tuple(facts),
            warnings=tuple(self.warnings),
        )

    def header(self, data: Any) -> dict[str, Any] | None:
        required = {
            "key": _name,
            "title": _name,
            "source": _source,
            "as_of": _date_like,
            "language": _name,
        }
        fields = self.fields("deck", data, required, {"description": _description})
        if fields is None:
            return None
        if "key" in fields:
            self.key("deck", "deck", fields["key"])
        as_of = None
        if "as_of" in fields and (as_of := _parse_iso_date(fields["as_of"])) is None:
            self.error("deck", f"field 'as_of': bad date '{fields['as_of']}' {_DATE_HINT}")
        if as_of is None or not required.keys() <= fields.keys():
            return None
        return {
            "key": fields["key"],
            "title": fields["title"],
            "description": fields.get("description", ""),
            "source": fields["source"],
            "as_of": as_of,
            "language": fields["language"],
        }

    # Relations and entities.

    def relations(self, data: Any) -> dict[str, Relation]:
        if not isinstance(data, dict):
            self.error("relations", f"must be tables [relations.KEY], not {_describe(data)}")
            return {}
        relations = {}
        for key, raw in data.items():
            where = f"relation '{key}'"
            count = len(self.problems)
            self.key(where, "relation", key, _RELATION_KEY)
            fields = self.fields(
                where,
                raw,
                {
                    "label": _name,
                    "subject": _text,
                    "value": _text,
                    "forward": _text,
                    "reverse": _question_or_false,
                    "statement": _text,
                },
                {"many": _flag, "unique": _flag},
            )
            if fields is None:
                self.broken_relations.add(key)
                continue
            self.relation_types(where, fields)
            self.relation_templates(where, fields)
            if len(self.problems) > count:
                self.broken_relations.add(key)
                continue
            many = fields.get("many", False)
            relations[key] = Relation(
                key=key,
                label=fields["label"],
                subject=fields["subject"],
                value=fields["value"],
                forward=fields["forward"],
                reverse=fields["reverse"] or None,
                statement=fields["statement"],
                many=many,
                unique=fields.get("unique", not many),
            )
        return relations

    def relation_types(self, where: str, fields: Mapping[str, Any]) -> None:
        for name, allowed in (("subject", ENTITY_TYPES), ("value", VALUE_TYPES)):
            if name in fields and fields[name] not in allowed:
                self.error(
                    where,
                    f"field '{name}': unknown type '{fields[name]}' "
                    f"(expected one of: {', '.join(allowed)})",
                )

    def relation_templates(self, where: str, fields: Mapping[str, Any]) -> None:
        templates = (
            ("forward", {"subject"}, {"subject"}),
            ("reverse", {"value"}, {"value"}),
            ("statement", {"subject", "value"}, {"subject", "value"}),
        )
        for name, required, allowed in templates:
            if isinstance(fields.get(name), str):
                for problem in _template_problems(fields[name], required, allowed):
                    self.error(where, f"field '{name}' {problem}")

    def entities(self, data: Any) -> dict[str, Entity]:
        if not isinstance(data, dict):
            self.error("entities", f"must be tables [entities.KEY], not {_describe(data)}")
            return {}
        entities = {}
        for key, raw in data.items():
            where = f"entity '{key}'"
            count = len(self.problems)
            self.key(where, "entity", key)
            fields = self.fields(
                where,
                raw,
                {"name": _name, "type": _text},
                {"aliases": _texts, "description": _description},
            )
            if fields and "type" in fields and fields["type"] not in ENTITY_TYPES:
                self.error(
                    where,
                    f"field 'type': unknown type '{fields['type']}' "
                    f"(expected one of: {', '.join(ENTITY_TYPES)})",
                )
            if fields is None or len(self.problems) > count:
                self.broken_entities.add(key)
                continue
            entities[key] = Entity(
                key=key,
                name=fields["name"],
                type=fields["type"],
                aliases=tuple(fields.get("aliases", ())),
                description=fields.get("description", ""),
            )
        return entities

    # Facts.

    def facts(
        self, data: Any, relations: Mapping[str, Relation], entities: Mapping[str, Entity]
    ) -> list[Fact]:
        if not isinstance(data, list):
            self.error("facts", f"must be [[facts]] tables, not {_describe(data)}")
            return []
        facts: list[Fact] = []
        first_use: dict[str, str] = {}
        # (relation, subject) -> fact key, to enforce `unique`; (relation, subject, value) too.
        stated: dict[tuple[str, str], str] = {}
        statements: dict[tuple[Any, ...], str] = {}
        for number, raw in enumerate(data, start=1):
            key = raw.get("key") if isinstance(raw, dict) else None
            named = isinstance(key, str) and bool(_KEY.match(key))
            where = f"fact '{key}'" if named else f"fact #{number}"
            count = len(self.problems)
            fact = self.fact(where, raw, relations, entities)
            if named:
                if key in first_use:
                    self.error(where, f"duplicate fact key (first used by {first_use[key]})")
                else:
                    first_use[key] = f"fact #{number}"
            if fact is None or len(self.problems) > count:
                continue
            relation = relations[fact.relation]
            if relation.unique:
                other = stated.setdefault((fact.relation, fact.subject), fact.key)
                if other != fact.key:
                    self.error(
                        where,
                        f"'{fact.subject}' already has a '{fact.relation}' fact (fact '{other}'); "
                        f"set `unique = false` on relation '{fact.relation}' if it can have more",
                    )
                    continue
            for value in fact.values:
                first = statements.setdefault(
                    (fact.relation, fact.subject, value.identity), fact.key
                )
                if first != fact.key:
                    self.warn(where, f"states '{value.display}' again (see fact '{first}')")
            facts.append(fact)
        return facts

    def fact(
        self,
        where: str,
        raw: Any,
        relations: Mapping[str, Relation],
        entities: Mapping[str, Entity],
    ) -> Fact | None:
        fields = self.fields(
            where,
            raw,
            {
                "key": _name,
                "subject": _text,
                "relation": _text,
                "value": _anything,
                "evidence": _text,
            },
            {"cloze": _text, "accepted": _texts, "source": _source},
        )
        if fields is None:
            return None
        if "key" in fields:
            self.key(where, "fact", fields["key"])
        relation = None
        if "relation" in fields:
            name = fields["relation"]
            relation = relations.get(name)
            if relation is None and name not in self.broken_relations:
                self.error(where, f"unknown relation '{name}'{_did_you_mean(name, relations)}")
        if relation is not None and "subject" in fields:
            self.entity(where, "subject", fields["subject"], relation.subject, relation, entities)
        values = None
        if relation is not None and "value" in fields:
            values = self.fact_values(where, fields["value"], relation, entities)
        cloze = fields.get("cloze")
        if cloze is not None and "evidence" in fields and cloze not in fields["evidence"]:
            self.warn(where, f"cloze '{cloze}' does not occur in the evidence: no cloze question")
        if values is None or not {"key", "subject", "evidence"} <= fields.keys():
            return None
        return Fact(
            key=fields["key"],
            subject=fields["subject"],
            relation=fields["relation"],
            values=values,
            evidence=fields["evidence"],
            cloze=cloze,
            accepted=tuple(fields.get("accepted", ())),
            source=fields.get("source"),
        )

    def entity(
        self,
        where: str,
        field_name: str,
        key: str,
        expected_type: str,
        relation: Relation,
        entities: Mapping[str, Entity],
    ) -> Entity | None:
        entity = entities.get(key)
        if entity is None:
            if key not in self.broken_entities:
                hint = _did_you_mean(key, entities)
                self.error(where, f"unknown entity '{key}' in field '{field_name}'{hint}")
            return None
        if entity.type != expected_type:
            self.error(
                where,
                f"field '{field_name}': '{key}' is a {entity.type}, "
                f"but relation '{relation.key}' needs a {expected_type}",
            )
            return None
        return entity

    def fact_values(
        self, where: str, raw: Any, relation: Relation, entities: Mapping[str, Entity]
    ) -> tuple[Value, ...] | None:
        if relation.many:
            if not isinstance(raw, list):
                self.error(
                    where,
                    f"field 'value' must be a list (relation '{relation.key}' has many values), "
                    f"not {_describe(raw)}",
                )
                return None
            if not raw:
                self.error(where, "field 'value' must not be an empty list")
                return None
            items = raw
        elif isinstance(raw, list):
            self.error(
                where,
                f"field 'value' must be a single value, not a list (relation '{relation.key}' "
                "has one value per fact; set `many = true` on it for lists)",
            )
            return None
        else:
            items = [raw]
        values = [self.value(where, item, relation, entities) for item in items]
        if any(value is None for value in values):
            return None
        identities = [value.identity for value in values]
        if len(set(identities)) < len(identities):
            self.error(where, "field 'value' lists the same value twice")
            return None
        return tuple(values)

    def value(
        self, where: str, raw: Any, relation: Relation, entities: Mapping[str, Entity]
    ) -> Value | None:
        kind = relation.value
        if kind in ENTITY_TYPES:
            if not isinstance(raw, str):
                self.error(where, f"field 'value' must be an entity key, not {_describe(raw)}")
                return None
            entity = self.entity(where, "value", raw, kind, relation, entities)
            return entity.ref if entity else None
        if kind == "date":
            if problem := _date_like(raw):
                self.error(where, f"field 'value' {problem}")
                return None
            date = _parse_iso_date(raw)
            if date is None:
                self.error(where, f"field 'value': bad date '{raw}' {_DATE_HINT}")
            return date
        if kind == "text":
            return self.text_value(where, raw)
        return self.amount_value(where, raw, kind)

    def text_value(self, where: str, raw: Any) -> TextValue | None:
        if isinstance(raw, str):
            if problem := _text(raw):
                self.error(where, f"field 'value' {problem}")
                return None
            return TextValue(raw)
        if not isinstance(raw, dict):
            self.error(where, f"field 'value' must be text, not {_describe(raw)}")
            return None
        fields = self.fields(f"{where}, value", raw, {"text": _text}, {"aliases": _texts})
        if fields is None or "text" not in fields:
            return None
        return TextValue(fields["text"], tuple(fields.get("aliases", ())))

    def amount_value(self, where: str, raw: Any, kind: str) -> Quantity | Money | None:
        example = (
            '{ amount = 1e12, unit = "parameters" }'
            if kind == "number"
            else '{ amount = 2e9, currency = "USD" }'
        )
        if not isinstance(raw, dict):
            self.error(
                where, f"field 'value' must be a {kind} like {example}, not {_describe(raw)}"
            )
            return None
        count = len(self.problems)
        extra = {"unit": _optional_text} if kind == "number" else {}
        required = {"amount": _amount} | ({"currency": _currency} if kind == "money" else {})
        fields = self.fields(f"{where}, value", raw, required, {**extra, "qualifier": _qualifier})
        if fields is None or len(self.problems) > count:
            return None
        amount = _whole(fields["amount"])
        qualifier = canonical_qualifier(fields.get("qualifier", "exact")) or "exact"
        if kind == "number":
            return Quantity(amount, fields.get("unit", ""), qualifier)
        return Money(amount, fields["currency"], qualifier)


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


# --- writing ----------------------------------------------------------------------------------


def _relation_data(relation: Relation) -> dict[str, Any]:
    return {
        "label": relation.label,
        "subject": relation.subject,
        "value": relation.value,
        "forward": relation.forward,
        "reverse": relation.reverse if relation.reverse is not None else False,
        "statement": relation.statement,
        "many": relation.many,
        "unique": relation.unique,
    }


def _entity_data(entity: Entity) -> dict[str, Any]:
    data: dict[str, Any] = {"name": entity.name, "type": entity.type}
    if entity.aliases:
        data["aliases"] = list(entity.aliases)
    if entity.description:
        data["description"] = entity.description
    return data


def _value_data(value: Value) -> Any:
    match value:
        case EntityRef(key=key):
            return key
        case DateValue():
            return value.iso
        case Quantity(amount=amount, unit=unit, qualifier=qualifier):
            data = {"amount": amount, "unit": unit}
            return data | ({"qualifier": qualifier} if qualifier != "exact" else {})
        case Money(amount=amount, currency=currency, qualifier=qualifier):
            data = {"amount": amount, "currency": currency}
            return data | ({"qualifier": qualifier} if qualifier != "exact" else {})
        case TextValue(text=text, aliases=aliases):
            return {"text": text, "aliases": list(aliases)} if aliases else text
    raise TypeError(f"not a fact value: {value!r}")


def _fact_data(fact: Fact, relation: Relation) -> dict[str, Any]:
    values = [_value_data(value) for value in fact.values]
    data: dict[str, Any] = {
        "key": fact.key,
        "subject": fact.subject,
        "relation": fact.relation,
        "value": values if relation.many else values[0],
        "evidence": fact.evidence,
    }
    if fact.cloze is not None:
        data["cloze"] = fact.cloze
    if fact.accepted:
        data["accepted"] = list(fact.accepted)
    if fact.source is not None:
        data["source"] = fact.source
    return data


def fact_fingerprint(deck: Deck, fact: Fact) -> str:
    """Hash everything a fact's questions are made of.

    The hash covers the fact, its relation (templates included), the entities it
    names and its effective source, so it changes exactly when the fact's
    questions may change. The app compares it to decide what a reload updates.

    Args:
        deck: The deck the fact belongs to.
        fact: The fact.

    Returns:
        16 hex digits.
    """
    relation = deck.relations[fact.relation]
    names = {fact.subject} | {value.key for value in fact.values if isinstance(value, EntityRef)}
    content = {
        "fact": _fact_data(fact, relation),
        "relation": {"key": relation.key, **_relation_data(relation)},
        "entities": {key: _entity_data(deck.entities[key]) for key in sorted(names)},
        "source": fact.source or deck.source,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def to_toml(deck: Deck) -> str:
    """Write a deck as a fact file that `parse_deck` reads back equal.

    Args:
        deck: The deck.

    Returns:
        TOML text in the layout of questions/README.md.
    """
    data = deck.to_dict()
    blocks = [_toml_table("deck", data["deck"])]
    blocks += [_toml_table(f"relations.{_toml_key(k)}", v) for k, v in data["relations"].items()]
    blocks += [_toml_table(f"entities.{_toml_key(k)}", v) for k, v in data["entities"].items()]
    blocks += [_toml_table("facts", fact, array=True) for fact in data["facts"]]
    return "\n\n".join(blocks) + "\n"


def _toml_table(name: str, data: Mapping[str, Any], array: bool = False) -> str:
    header = f"[[{name}]]" if array else f"[{name}]"
    lines = [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in data.items()]
    return "\n".join([header, *lines])


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _toml_int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(items) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_int(number: int) -> str:
    """Write big round amounts as authors do ("2e9"); TOML reads them back as floats,
    which the loader turns into the same int."""
    plain = str(number)
    digits = plain.rstrip("0")
    if number < 10**6 or len(digits) > 4:
        return plain
    short = f"{digits[0]}.{digits[1:]}" if len(digits) > 1 else digits
    short += f"e{len(plain) - 1}"
    return short if float(short) == number else plain


_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _toml_string(text: str) -> str:
    escaped = "".join(
        _TOML_ESCAPES.get(char)
        or (f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text
    )
    return f'"{escaped}"'
