"""Writing a deck back out: as data in the fact file's shape, as TOML, and as fingerprints."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from quizapp.domain.facts.model import Deck, Entity, Fact, Relation
from quizapp.domain.facts.values import DateValue, EntityRef, Money, Quantity, TextValue, Value

# --- writing ----------------------------------------------------------------------------------


def relation_data(relation: Relation) -> dict[str, Any]:
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


def entity_data(entity: Entity) -> dict[str, Any]:
    data: dict[str, Any] = {"name": entity.name, "type": entity.type}
    if entity.aliases:
        data["aliases"] = list(entity.aliases)
    if entity.description:
        data["description"] = entity.description
    return data


def value_data(value: Value) -> Any:
    """A value as a fact file writes it ("2023-04", { amount = 2e9, currency = "USD" })."""
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


def fact_data(fact: Fact, relation: Relation) -> dict[str, Any]:
    values = [value_data(value) for value in fact.values]
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
    if fact.choices:
        data["choices"] = list(fact.choices)
    if fact.image is not None:
        data["image"] = fact.image
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
        "fact": fact_data(fact, relation),
        "relation": {"key": relation.key, **relation_data(relation)},
        "entities": {key: entity_data(deck.entities[key]) for key in sorted(names)},
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
