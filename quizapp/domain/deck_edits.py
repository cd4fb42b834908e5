"""Edits to deck data (the dict shape of a fact file), as the browser editor makes them.

Each function takes deck data and returns new data; the input is never changed.
They check only what makes an edit impossible to express (a key already in use,
removing what a fact still needs); everything else is left to the one
validation of fact files, `facts.Deck.from_dict`, which the caller runs next.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["EditRefused", "put", "remove", "users_of"]

SECTIONS = {"entity": "entities", "relation": "relations"}


class EditRefused(ValueError):
    """The edit cannot be made; the message says why."""


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


def put(
    data: dict[str, Any], kind: str, key: str, item: dict[str, Any], *, new: bool
) -> dict[str, Any]:
    """Add (new=True) or replace an entity, relation or fact.

    Args:
        data: Deck data.
        kind: "entity", "relation" or "fact".
        key: Its key.
        item: Its fields (without the key, except for a fact).
        new: Whether it must not exist yet (add) or must exist (replace).

    Returns:
        The new deck data (facts keep their place; a new fact goes last).

    Raises:
        EditRefused: Adding a key that exists, or replacing one that does not.
    """
    data = copy.deepcopy(data)
    if kind == "fact":
        facts = data.setdefault("facts", [])
        position = next((i for i, f in enumerate(facts) if f.get("key") == key), None)
        if new and position is not None:
            raise EditRefused(f"There is already a fact with the key '{key}'.")
        if not new and position is None:
            raise EditRefused(f"There is no fact '{key}'.")
        item = {**item, "key": key}
        if position is None:
            facts.append(item)
        else:
            facts[position] = item
        return data
    section = data.setdefault(SECTIONS[kind], {})
    if new and key in section:
        raise EditRefused(f"There is already a {kind} with the key '{key}'.")
    if not new and key not in section:
        raise EditRefused(f"There is no {kind} '{key}'.")
    section[key] = item
    return data


def remove(data: dict[str, Any], kind: str, key: str) -> dict[str, Any]:
    """Remove an entity, relation or fact.

    Raises:
        EditRefused: It does not exist, or facts still use it.
    """
    data = copy.deepcopy(data)
    if kind == "fact":
        facts = data.get("facts", [])
        kept = [f for f in facts if f.get("key") != key]
        if len(kept) == len(facts):
            raise EditRefused(f"There is no fact '{key}'.")
        data["facts"] = kept
        return data
    section = data.get(SECTIONS[kind], {})
    if key not in section:
        raise EditRefused(f"There is no {kind} '{key}'.")
    if users := users_of(data, kind, key):
        listed = ", ".join(f"'{k}'" for k in users[:5])
        raise EditRefused(
            f"The {kind} '{key}' is used by {len(users)} fact(s) ({listed}); "
            "change or remove them first."
        )
    del section[key]
    return data
