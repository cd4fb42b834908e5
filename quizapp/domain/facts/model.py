"""A deck as frozen dataclasses: relations, entities, facts, and the problems of a file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from quizapp.domain.facts.values import DateValue, EntityRef, Value

ENTITY_TYPES = ("person", "company", "organisation", "product", "place", "group", "concept")
VALUE_TYPES = (*ENTITY_TYPES, "date", "number", "money", "text")

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
        choices: Wrong options given by the author (a Kahoot question's other answers):
            its choice questions use them instead of drawing distractors from the deck.
        image: Name of one of the deck's images shown with its questions, or None.
    """

    key: str
    subject: str
    relation: str
    values: tuple[Value, ...]
    evidence: str
    cloze: str | None = None
    accepted: tuple[str, ...] = ()
    source: str | None = None
    choices: tuple[str, ...] = ()
    image: str | None = None


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
        source: URL (or citation) of the source the facts come from; "" for none.
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
        from quizapp.domain.facts.writing import entity_data, fact_data, relation_data

        return {
            "deck": {
                "key": self.key,
                "title": self.title,
                **({"description": self.description} if self.description else {}),
                **({"source": self.source} if self.source else {}),
                "as_of": self.as_of.iso,
                "language": self.language,
            },
            "relations": {key: relation_data(rel) for key, rel in self.relations.items()},
            "entities": {key: entity_data(entity) for key, entity in self.entities.items()},
            "facts": [fact_data(fact, self.relations[fact.relation]) for fact in self.facts],
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
        from quizapp.domain.facts.validation import DeckReader

        return DeckReader(filename).read(data)
