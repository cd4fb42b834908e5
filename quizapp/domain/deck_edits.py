"""Edits to deck data (the dict shape of a fact file), as the browser editor makes them.

Each function takes deck data and plain values and returns an `Edit`: the new
data, or the problems that make the edit impossible to express (a key already in
use, removing what a fact still needs, a fact with no answer). The input is never
changed and nothing is raised: a refusal is a value the caller looks at, so "the
deck changed under the form" is a refused `Edit`, not an exception. Everything
else is left to the one validation of fact files, `facts.Deck.from_dict`, which
the caller (services.user_decks) runs next.

`put_fact` holds the editor's rules of a fact typed in a form (`FactInput`): which
value fields count for the relation's answer type, new entities typed by name,
keys made from names.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from quizapp.domain.facts import ENTITY_TYPES, Deck
from quizapp.domain.importers.common import slug

__all__ = [
    "Edit",
    "FactInput",
    "FactLine",
    "fact_lines",
    "new_key",
    "put",
    "put_fact",
    "remove",
    "users_of",
]

SECTIONS = {"entity": "entities", "relation": "relations"}


@dataclass(frozen=True)
class Edit:
    """What an edit gave: the new deck data, or why there is none.

    Attributes:
        data: The edited deck data; None when the edit was refused.
        key: The key of the item added or changed.
        problems: Why it was refused (for the whole form).
        field_problems: Why it was refused, by the name of the input at fault.
    """

    data: dict[str, Any] | None
    key: str = ""
    problems: tuple[str, ...] = ()
    field_problems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.data is not None

    def all_problems(self) -> list[str]:
        """Every problem in one list (field problems after the general ones)."""
        return [*self.problems, *(p for ps in self.field_problems.values() for p in ps)]


def refused(message: str, where: str | None = None) -> Edit:
    """A refused edit: `where` names the input at fault (None: the form as a whole)."""
    if where is None:
        return Edit(None, problems=(message,))
    return Edit(None, field_problems={where: (message,)})


def users_of(data: dict[str, Any], kind: str, key: str) -> list[str]:
    """Keys of the facts that use an entity (as subject or value) or a relation."""
    found = []
    for fact in data.get("facts", []):
        if kind == "relation":
            used = fact.get("relation") == key
        else:
            values = fact.get("value")
            values = values if isinstance(values, list) else [values]
            used = fact.get("subject") == key or key in values
        if used:
            found.append(str(fact.get("key")))
    return found


def new_key(kind: str, wanted: str, name: str, taken: Iterable[str] = ()) -> str:
    """The key of a new entity, relation or fact: the one asked for, else made from its name.

    A relation's key uses "_" where other keys use "-"; a key made from a name gets
    "-2", "-3"... until it is free (a key asked for is kept, and refused if taken).
    """
    if wanted:
        return wanted
    base = slug(name) or kind
    if kind == "relation":
        base = base.replace("-", "_")
    used = set(taken)
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}-{n}" if kind != "relation" else f"{base}_{n}"
    return key


def put(data: dict[str, Any], kind: str, key: str, item: dict[str, Any], *, new: bool) -> Edit:
    """Add (new=True) or replace an entity, relation or fact.

    Args:
        data: Deck data.
        kind: "entity", "relation" or "fact".
        key: Its key.
        item: Its fields (without the key, except for a fact).
        new: Whether it must not exist yet (add) or must exist (replace).

    Returns:
        The new deck data (facts keep their place; a new fact goes last), or a refusal:
        adding a key that exists, or replacing one that does not.
    """
    data = copy.deepcopy(data)
    if kind == "fact":
        facts = data.setdefault("facts", [])
        position = next((i for i, f in enumerate(facts) if f.get("key") == key), None)
        if new and position is not None:
            return refused(f"There is already a fact with the key '{key}'.", "key")
        if not new and position is None:
            return refused(f"There is no fact '{key}' (it was removed meanwhile).")
        item = {**item, "key": key}
        if position is None:
            facts.append(item)
        else:
            facts[position] = item
        return Edit(data, key)
    section = data.setdefault(SECTIONS[kind], {})
    if new and key in section:
        return refused(f"There is already a {kind} with the key '{key}'.", "key")
    if not new and key not in section:
        return refused(f"There is no {kind} '{key}' (it was removed meanwhile).")
    section[key] = item
    return Edit(data, key)


def remove(data: dict[str, Any], kind: str, key: str) -> Edit:
    """Remove an entity, relation or fact; refused if it does not exist or facts use it."""
    data = copy.deepcopy(data)
    if kind == "fact":
        facts = data.get("facts", [])
        kept = [f for f in facts if f.get("key") != key]
        if len(kept) == len(facts):
            return refused(f"There is no fact '{key}'.")
        data["facts"] = kept
        return Edit(data, key)
    section = data.get(SECTIONS[kind], {})
    if key not in section:
        return refused(f"There is no {kind} '{key}'.")
    if users := users_of(data, kind, key):
        listed = ", ".join(f"'{k}'" for k in users[:5])
        return refused(
            f"The {kind} '{key}' is used by {len(users)} fact(s) ({listed}); "
            "change or remove them first."
        )
    del section[key]
    return Edit(data, key)


# --- a fact typed in the editor ---------------------------------------------------------------


@dataclass(frozen=True)
class FactInput:
    """A fact as typed into the editor's form: texts, not yet checked.

    Attributes:
        relation: Relation key chosen.
        subject: Key of an existing entity, or "".
        new_subject: Name of a new subject entity (wins over `subject`).
        value_entities: Keys of existing answer entities.
        new_value: Name of a new answer entity.
        value_date: "2023" or "2023-04"; several separated by commas or lines.
        value_amount: A figure as typed ("2,000,000").
        value_unit: Unit of a number.
        value_currency: Currency code of money.
        value_qualifier: "exact", "about", "over"...
        value_text: A text answer (one per line for a relation with several).
        value_aliases: Other accepted answers, separated by commas.
        evidence: The sentence the fact comes from.
        source: A link for this fact, or "".
        cloze: Words to blank out, or "".
        key: The key asked for (new facts only), or "".
        choices: The author's own wrong options, one per line (a Kahoot's), or "".
        picture: Name of a new picture for the fact (already stored or about to be), or "".
        remove_picture: Whether to drop the fact's picture (when no new one is given).
    """

    relation: str
    subject: str = ""
    new_subject: str = ""
    value_entities: tuple[str, ...] = ()
    new_value: str = ""
    value_date: str = ""
    value_amount: str = ""
    value_unit: str = ""
    value_currency: str = ""
    value_qualifier: str = "exact"
    value_text: str = ""
    value_aliases: str = ""
    evidence: str = ""
    source: str = ""
    cloze: str = ""
    key: str = ""
    choices: str = ""
    picture: str = ""
    remove_picture: bool = False


def split_list(text: str | None) -> list[str]:
    """ "a, b" or one per line -> ["a", "b"]."""
    return [part.strip() for part in re.split(r"[\n,]", text or "") if part.strip()]


def parse_amount(text: str | None) -> float | None:
    """A figure as typed ("2,000,000", "1 500.5"), or None if it is not one."""
    cleaned = re.sub(r"[\s,_]", "", text or "")
    try:
        amount = float(cleaned)
    except ValueError:
        return None
    return amount if amount == amount and abs(amount) != float("inf") else None


class _NewEntities:
    """Entities typed by name in one fact: found by name and type, else made."""

    def __init__(self, entities: Mapping[str, dict[str, Any]]) -> None:
        self.existing = entities
        self.made: dict[str, dict[str, Any]] = {}

    def key_for(self, name: str, type_: str) -> str:
        for key, entity in {**self.existing, **self.made}.items():
            if entity.get("name") == name and entity.get("type") == type_:
                return key
        key = new_key("entity", "", name or type_, {*self.existing, *self.made})
        self.made[key] = {"name": name, "type": type_}
        return key


def put_fact(data: dict[str, Any], typed: FactInput, editing: str | None) -> Edit:
    """The deck data with a typed fact put in: added (`editing` None) or replacing `editing`.

    New subject and answer entities typed by name are added too (an entity of the
    same name and type is reused).

    Args:
        data: Deck data as it is now.
        typed: The form's values.
        editing: The key of the fact edited, or None for a new fact.

    Returns:
        The new data and the fact's key, or the problems by input name ("relation",
        "subject", "value_entity", "value_date", "value_amount", "value_text", "key").
    """
    relation = data.get("relations", {}).get(typed.relation or "")
    if relation is None:
        return refused("Choose a relation.", "relation")
    entities = _NewEntities(data.get("entities", {}))
    if typed.new_subject:
        subject = entities.key_for(typed.new_subject, relation["subject"])
    elif typed.subject:
        subject = typed.subject
    else:
        return refused("Choose a subject or type a new one.", "subject")
    value = _value(typed, relation, entities)
    if isinstance(value, Edit):
        return value
    fact: dict[str, Any] = {
        "subject": subject,
        "relation": typed.relation,
        "value": value,
        "evidence": typed.evidence,
        **_optional_fields(data, typed, relation, editing),
    }
    taken = {f.get("key") for f in data.get("facts", [])}
    if editing is None:
        key = new_key("fact", typed.key, f"{subject} {typed.relation}", taken)
        if typed.key and key in taken:
            return refused(f"There is already a fact with the key '{key}'.", "key")
    else:
        key = editing
    for entity_key, entity in entities.made.items():
        data = put(data, "entity", entity_key, entity, new=True).data or data
    return put(data, "fact", key, fact, new=editing is None)


def _optional_fields(
    data: dict[str, Any], typed: FactInput, relation: Mapping[str, Any], editing: str | None
) -> dict[str, Any]:
    """The optional fields of a typed fact that were given (an author leaves the rest out)."""
    fields: dict[str, Any] = {}
    if typed.cloze:
        fields["cloze"] = typed.cloze
    if typed.source:
        fields["source"] = typed.source
    # a text answer's aliases are in its value; other answers' go to `accepted`
    if relation["value"] != "text" and (accepted := split_list(typed.value_aliases)):
        fields["accepted"] = accepted
    if wrong := [line.strip() for line in typed.choices.splitlines() if line.strip()]:
        fields["choices"] = wrong
    if picture := typed.picture or _kept_picture(data, typed, editing):
        fields["image"] = picture
    return fields


def _kept_picture(data: dict[str, Any], typed: FactInput, editing: str | None) -> str:
    """The picture an edited fact keeps when none is uploaded (unless it is removed)."""
    if editing is None or typed.remove_picture:
        return ""
    old = next((f for f in data.get("facts", []) if f.get("key") == editing), {})
    return str(old.get("image") or "")


def _value(typed: FactInput, relation: Mapping[str, Any], entities: _NewEntities) -> Any:
    """The fact's value from the input fields of the relation's answer type, or a refusal."""
    kind, many = relation["value"], relation.get("many", False)
    if kind in ENTITY_TYPES:
        keys = [k for k in typed.value_entities if k]
        if typed.new_value:
            keys.append(entities.key_for(typed.new_value, kind))
        if not keys:
            return refused(f"Choose the answer ({kind}).", "value_entity")
        if not many and len(keys) > 1:
            return refused("This relation has one answer per fact: choose one.", "value_entity")
        return keys if many else keys[0]
    if kind == "date":
        dates = split_list(typed.value_date)
        if not dates:
            return refused("Enter the date.", "value_date")
        return dates if many else dates[0]
    if kind in ("number", "money"):
        if many:
            return refused(
                "Lists of figures are edited in the fact file (Download TOML, then upload).",
                "value_amount",
            )
        amount = parse_amount(typed.value_amount)
        if amount is None:
            return refused("Enter a number.", "value_amount")
        value: dict[str, Any] = {"amount": amount}
        if kind == "number":
            value["unit"] = typed.value_unit
        else:
            value["currency"] = typed.value_currency.upper()
        if typed.value_qualifier and typed.value_qualifier != "exact":
            value["qualifier"] = typed.value_qualifier
        return value
    lines = [line.strip() for line in typed.value_text.splitlines() if line.strip()]
    if not lines:
        return refused("Enter the answer.", "value_text")
    if many:
        return lines
    text = " ".join(lines)
    aliases = split_list(typed.value_aliases)
    return {"text": text, "aliases": aliases} if aliases else text


# --- the editor's list of facts ---------------------------------------------------------------


@dataclass(frozen=True)
class FactLine:
    """One fact as the editor lists it: display names, not keys.

    Attributes:
        key: The fact's key.
        subject: The subject entity's name.
        relation: The relation's label.
        value: The value(s) as learners see them ("Paris", "$2 billion", "April 2023").
    """

    key: str
    subject: str
    relation: str
    value: str


def fact_lines(data: dict[str, Any], deck: Deck | None) -> list[FactLine]:
    """The deck's facts with names instead of keys, in deck order.

    Args:
        data: Deck data.
        deck: The same, validated (its values know their display); None if it does
            not validate, then the raw values are shown (entity keys as names).
    """
    entities = data.get("entities", {})
    relations = data.get("relations", {})
    validated = deck.facts_by_key if deck is not None else {}
    lines = []
    for fact in data.get("facts", []):
        key = str(fact.get("key"))
        subject = entities.get(fact.get("subject"), {}).get("name") or str(fact.get("subject"))
        label = relations.get(fact.get("relation"), {}).get("label") or str(fact.get("relation"))
        if key in validated:
            value = ", ".join(v.display for v in validated[key].values)
        else:
            value = _raw_display(fact.get("value"), entities)
        lines.append(FactLine(key, subject, label, value))
    return lines


def _raw_display(value: Any, entities: Mapping[str, Any]) -> str:
    if isinstance(value, list):
        return ", ".join(_raw_display(item, entities) for item in value)
    if isinstance(value, dict):
        return str(value.get("text") or value.get("amount") or "")
    if isinstance(value, str) and isinstance(entities.get(value), dict):
        return str(entities[value].get("name") or value)
    return str(value)
