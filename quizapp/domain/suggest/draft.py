"""From accepted suggestions to deck data: entities, preset relations and facts.

A teacher reviews suggestions as plain words (`Proposal`: relation, subject,
value, evidence), edits some, and accepts some; `build_draft` adds the accepted
ones to a deck's data (an existing deck's, or a new one's), creating the
entities they name, declaring the presets they use and merging the values of
list relations ("founded by A" and "founded by B" become one fact). What cannot
be added is said in words (`Draft.skipped`); the result has passed
`facts.Deck.from_dict`, the one validation of fact files.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from quizapp.domain.facts import (
    ENTITY_TYPES,
    DateValue,
    Deck,
    Money,
    Quantity,
    TextValue,
    Value,
)
from quizapp.domain.facts.presets import preset_data
from quizapp.domain.facts.writing import value_data
from quizapp.domain.importers.common import Keys
from quizapp.domain.numbers import AMBIGUOUS_YEN, parse_amount, parse_date
from quizapp.domain.suggest.extract import Suggestion

__all__ = ["Draft", "Proposal", "build_draft", "proposals", "read_value"]


@dataclass(frozen=True)
class Proposal:
    """A suggestion as the teacher sees and edits it: words only.

    Attributes:
        relation: The relation's key.
        subject: The subject's name.
        value: The value as written ("April 2023", "over $2 billion", "Jiang Daxin").
        evidence: The sentence it comes from.
        duplicate: Whether the deck already states it.
    """

    relation: str
    subject: str
    value: str
    evidence: str
    duplicate: bool = False


@dataclass(frozen=True)
class Draft:
    """Deck data with the accepted proposals added.

    Attributes:
        data: The deck data (fact-file shape), valid.
        added: Keys of the facts added or extended, in order.
        skipped: Why each proposal that was not used was not.
        outcomes: For each proposal, in order: (the key of the fact it went into,
            None) or (None, why it was skipped).
        deck: `data`, validated.
    """

    data: dict[str, Any]
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    outcomes: list[tuple[str | None, str | None]] = field(default_factory=list)
    deck: Deck | None = None


def proposals(suggestions: Iterable[Suggestion]) -> list[Proposal]:
    """The suggestions as proposals, in their order."""
    return [
        Proposal(s.relation, s.subject, s.value_text, s.evidence, s.duplicate) for s in suggestions
    ]


def read_value(kind: str, text: str) -> str | Value | None:
    """Read a value as written, for a relation whose values are of `kind`.

    Args:
        kind: An entity type, "date", "money", "number" or "text".
        text: The value as a person writes it.

    Returns:
        A name (entity types), a value, or None if the text is not a value of that kind.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if kind in ENTITY_TYPES:
        return text
    if kind == "date":
        parsed = parse_date(text)
        return DateValue(*parsed) if parsed else None
    if kind == "text":
        return TextValue(text)
    amount = parse_amount(text)
    if amount is None:
        return None
    number = _whole(amount.amount)
    qualifier = amount.qualifier or "exact"
    if kind == "money":
        if amount.currency in (None, AMBIGUOUS_YEN):
            return None
        return Money(number, amount.currency, qualifier)
    return Quantity(number, "%" if amount.percent else amount.rest, qualifier)


def _whole(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


_KINDS = {"date": "a date", "money": "a sum of money", "number": "a number"}


class _Builder:
    def __init__(self, base: dict[str, Any]) -> None:
        self.data = copy.deepcopy(base)
        self.data.setdefault("relations", {})
        self.data.setdefault("entities", {})
        self.data.setdefault("facts", [])
        self.names: dict[str, str] = {}
        for key, entity in self.data["entities"].items():
            for name in (entity["name"], *entity.get("aliases", [])):
                self.names.setdefault(name.casefold(), key)
        self.entity_keys = Keys()
        self.entity_keys.used.update(self.data["entities"])
        self.fact_keys = Keys()
        self.fact_keys.used.update(f["key"] for f in self.data["facts"])
        self.added: list[str] = []
        self.skipped: list[str] = []
        self.reason = ""

    def add(self, proposal: Proposal) -> None:
        relation = self.data["relations"].get(proposal.relation) or preset_data(proposal.relation)
        about = f"'{proposal.subject}' {proposal.relation} '{proposal.value}'"
        if relation is None:
            self.skip(about, f"there is no relation '{proposal.relation}'")
            return
        value = read_value(relation["value"], proposal.value)
        if value is None:
            wanted = _KINDS.get(relation["value"], "a value")
            self.skip(about, f"'{proposal.value}' is not {wanted}")
            return
        subject, problem = self.entity(proposal.subject, relation["subject"])
        if isinstance(value, str) and problem is None:
            value_key, problem = self.entity(value, relation["value"])
            same_name = value.casefold() == " ".join(proposal.subject.split()).casefold()
            if problem is None and (same_name or (value_key is not None and value_key == subject)):
                problem = "the subject and the value are the same"
        if problem is not None:
            self.skip(about, problem)
            return
        self.data["relations"].setdefault(proposal.relation, relation)
        subject = self.create(proposal.subject, relation["subject"])
        if isinstance(value, str):
            value = self.create(value, relation["value"])
        self.put_fact(proposal, relation, subject, value, about)

    def skip(self, about: str, reason: str) -> None:
        self.skipped.append(f"{about}: {reason}")
        self.reason = reason

    def entity(self, name: str, kind: str) -> tuple[str | None, str | None]:
        """The key of a known entity of that name (None if new), or a problem."""
        name = " ".join(name.split())
        if not name:
            return None, "no name given"
        key = self.names.get(name.casefold())
        if key is None:
            return None, None
        have = self.data["entities"][key]["type"]
        if have != kind:
            return None, (
                f"'{name}' is {_a(have)} in this deck, but this relation needs {_a(kind)}"
            )
        return key, None

    def create(self, name: str, kind: str) -> str:
        name = " ".join(name.split())
        key = self.names.get(name.casefold()) or self.short_form(name, kind)
        if key is None:
            key = self.entity_keys.make(name, kind)
            self.data["entities"][key] = {"name": name, "type": kind}
            self.names[name.casefold()] = key
        return key

    def short_form(self, name: str, kind: str) -> str | None:
        """An entity of the same type that this name is the short or long form of
        ("Freyr" and "Freyr Battery", "Baichuan" and "Baichuan AI"): the name becomes
        its alias. Words with digits are versions, not forms of a name."""
        folded = name.casefold()
        for key, entity in self.data["entities"].items():
            other = entity["name"].casefold()
            longer, shorter = (other, folded) if len(other) > len(folded) else (folded, other)
            extra = longer[len(shorter) + 1 :]
            # "MiniCPM 3.0" is a model of the "MiniCPM" series, not another name for it
            if entity["type"] == kind and longer.startswith(shorter + " ") and extra.isalpha():
                entity["aliases"] = [*entity.get("aliases", []), name]
                self.names[folded] = key
                return key
        return None

    def put_fact(self, proposal, relation, subject: str, value, about: str) -> None:
        raw = value if isinstance(value, str) else value_data(value)
        facts = self.data["facts"]
        same = [f for f in facts if f["subject"] == subject and f["relation"] == proposal.relation]
        if relation.get("many") and same:
            fact = same[0]
            if raw in fact["value"]:
                self.skip(about, f"already in fact '{fact['key']}'")
                return
            fact["value"] = [*fact["value"], raw]
            if proposal.evidence not in fact["evidence"]:
                fact["evidence"] = f"{fact['evidence']} {proposal.evidence}"
            self.added.append(fact["key"])
            return
        if any(_same_value(f["value"], raw) for f in same):
            self.skip(about, "the deck already states it")
            return
        if same and relation.get("unique", not relation.get("many")):
            other = same[0]["key"]
            self.skip(
                about,
                f"fact '{other}' already states the {relation['label']} of "
                f"'{proposal.subject}' (one per subject); change that fact instead",
            )
            return
        key = self.fact_keys.make(f"{subject} {proposal.relation}", "fact")
        facts.append(
            {
                "key": key,
                "subject": subject,
                "relation": proposal.relation,
                "value": [raw] if relation.get("many") else raw,
                "evidence": proposal.evidence,
            }
        )
        self.added.append(key)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _same_value(stored: Any, raw: Any) -> bool:
    return stored == raw or (isinstance(stored, list) and raw in stored)


def build_draft(accepted: Iterable[Proposal], base: dict[str, Any]) -> Draft:
    """Add accepted proposals to deck data.

    Args:
        accepted: The proposals the teacher accepted (and perhaps edited), in order.
        base: Deck data to add to (an existing deck's, or a new deck's header with
            empty sections).

    Returns:
        The new data, what was added and what was skipped (with the reason).

    Raises:
        FactFileError: If the result is not a valid deck (the base was not, or a
            value broke a rule no check here foresaw); nothing is returned half-made.
    """
    builder = _Builder(base)
    outcomes: list[tuple[str | None, str | None]] = []
    for proposal in accepted:
        added = len(builder.added)
        builder.add(proposal)
        if len(builder.added) > added:
            outcomes.append((builder.added[-1], None))
        else:
            outcomes.append((None, builder.reason))
    deck = Deck.from_dict(builder.data, filename="draft")
    added = list(dict.fromkeys(builder.added))
    return Draft(builder.data, added, builder.skipped, outcomes, deck)
