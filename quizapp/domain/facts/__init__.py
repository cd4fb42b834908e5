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

from quizapp.domain.facts.fields import (
    MAX_DESCRIPTION,
    MAX_ITEMS,
    MAX_NAME,
    MAX_SOURCE,
    MAX_TEXT,
    cloze_parts,
)
from quizapp.domain.facts.loading import load_deck, load_decks, parse_deck
from quizapp.domain.facts.model import (
    ENTITY_TYPES,
    VALUE_TYPES,
    Deck,
    Entity,
    Fact,
    FactFileError,
    Problem,
    Relation,
)
from quizapp.domain.facts.values import DateValue, EntityRef, Money, Quantity, TextValue, Value
from quizapp.domain.facts.writing import fact_fingerprint, to_toml

__all__ = [
    "ENTITY_TYPES",
    "MAX_DESCRIPTION",
    "MAX_ITEMS",
    "MAX_NAME",
    "MAX_SOURCE",
    "MAX_TEXT",
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
    "cloze_parts",
    "fact_fingerprint",
    "load_deck",
    "load_decks",
    "parse_deck",
    "to_toml",
]
