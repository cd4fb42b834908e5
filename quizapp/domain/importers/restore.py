"""Restore the facts of a package quizapp exported, instead of importing its notes as cards.

An export holds several notes per fact (the fact, its cloze, its choice
questions), each with the hidden "quizapp id" deck/fact[/question]. The reader
(`anki_notes.quizapp_facts`) makes one stand-in card per fact and keeps its
origin. When the deck it came from is at hand (the caller looks it up, with what
the importer may see), the stand-ins are replaced by the facts themselves, with
their relations and entities: the same facts as the deck that was exported.

Pure functions on deck data (the dict shape of a fact file).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.domain.facts import Deck, FactFileError
from quizapp.domain.importers.common import Keys


@dataclass(frozen=True)
class Restoration:
    """What restoring a package's facts gave.

    Attributes:
        data: The deck data: restored facts first (their own keys), stand-ins after.
        source: The key of the deck the facts came from, or None (no quizapp ids).
        restored: Keys of the facts restored from the source deck.
        missing: Of those, the keys the source deck no longer holds today (restored
            from an earlier version of it).
        kept: How many stand-ins stay (facts the source deck never had, or other notes).
    """

    data: dict[str, Any]
    source: str | None
    restored: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    kept: int = 0


def source_deck(origins: Mapping[str, tuple[str, str]]) -> str | None:
    """The deck most of the package's facts come from (an export is of one deck)."""
    counts = Counter(deck for deck, _fact in origins.values())
    return counts.most_common(1)[0][0] if counts else None


def restore(
    imported: dict[str, Any],
    origins: Mapping[str, tuple[str, str]],
    contents: Sequence[dict[str, Any]],
) -> Restoration:
    """Replace the stand-in cards of a quizapp export by the facts they came from.

    Args:
        imported: The deck data the reader made (one stand-in per exported fact).
        origins: Stand-in fact key -> (deck key, fact key) exported.
        contents: The source deck's data, newest first: today's, then earlier versions
            (a fact removed since is found in the newest version that has it). Empty if
            the deck is not at hand: the stand-ins stay.

    Returns:
        The restoration (the header is the source deck's, when restored); the stand-ins
        unchanged if the restored deck would not be valid.
    """
    source = source_deck(origins)
    if source is None or not contents:
        return Restoration(imported, source, kept=len(imported.get("facts", [])))
    wanted = {fact for deck, fact in origins.values() if deck == source}
    found: dict[str, dict[str, Any]] = {}  # fact key -> the content that holds it
    for content in contents:
        for fact in content.get("facts", []):
            key = fact.get("key")
            if key in wanted and key not in found:
                found[key] = content
    today = {f.get("key") for f in contents[0].get("facts", [])}
    header = {**contents[0]["deck"], "key": imported["deck"]["key"]}
    data: dict[str, Any] = {"deck": header, "relations": {}, "entities": {}, "facts": []}
    restored: list[str] = []
    for stand_in in imported.get("facts", []):
        deck, key = origins.get(stand_in["key"], (None, None))
        if deck == source and key in found and key not in restored:
            _take(data, found[key], key)
            restored.append(key)
    kept = _keep_stand_ins(data, imported, origins, set(restored), source)
    try:  # a source deck whose own relation is called "answer", say, may not fit the cards
        Deck.from_dict(data, filename="restored")
    except FactFileError:
        return Restoration(imported, source, kept=len(imported.get("facts", [])))
    missing = tuple(key for key in restored if key not in today)
    return Restoration(data, source, tuple(restored), missing, kept)


def _take(data: dict[str, Any], content: dict[str, Any], key: str) -> None:
    """Copy a fact with its relation and entities from `content` (first copy wins)."""
    fact = next(f for f in content["facts"] if f.get("key") == key)
    data["facts"].append(copy.deepcopy(fact))
    relation = fact.get("relation")
    if relation in content.get("relations", {}):
        data["relations"].setdefault(relation, copy.deepcopy(content["relations"][relation]))
    values = fact.get("value")
    names = [fact.get("subject"), *(values if isinstance(values, list) else [values])]
    for name in names:
        if isinstance(name, str) and name in content.get("entities", {}):
            data["entities"].setdefault(name, copy.deepcopy(content["entities"][name]))


def _keep_stand_ins(
    data: dict[str, Any],
    imported: dict[str, Any],
    origins: Mapping[str, tuple[str, str]],
    restored: set[str],
    source: str,
) -> int:
    """Add the stand-ins not restored, under keys the restored facts do not use."""
    entity_keys, fact_keys = Keys(), Keys()
    entity_keys.used |= set(data["entities"])
    fact_keys.used |= {f["key"] for f in data["facts"]}
    renamed: dict[str, str] = {}
    kept = 0
    for fact in imported.get("facts", []):
        deck, key = origins.get(fact["key"], (None, None))
        if deck == source and key in restored:
            continue
        subject = fact["subject"]
        if subject not in renamed:
            renamed[subject] = entity_keys.make(subject, "card")
            data["entities"][renamed[subject]] = copy.deepcopy(imported["entities"][subject])
        relation = fact["relation"]
        if relation not in data["relations"]:
            data["relations"][relation] = copy.deepcopy(imported["relations"][relation])
        moved = {**copy.deepcopy(fact), "subject": renamed[subject]}
        moved["key"] = fact_keys.make(fact["key"], "fact")
        data["facts"].append(moved)
        kept += 1
    return kept


def add_missing(current: dict[str, Any], restoration: Restoration) -> tuple[dict[str, Any], int]:
    """The source deck's data with the restored facts it no longer holds put back.

    Facts it holds stay as they are today (today's version is the newer one); a
    restored fact brings back its relation and entities where the deck lacks them.

    Returns:
        The new data and how many facts were put back.
    """
    data = copy.deepcopy(current)
    held = {f.get("key") for f in data.get("facts", [])}
    back = 0
    for fact in restoration.data["facts"]:
        if fact["key"] in restoration.restored and fact["key"] not in held:
            data.setdefault("facts", []).append(copy.deepcopy(fact))
            back += 1
            relation = fact.get("relation")
            data.setdefault("relations", {}).setdefault(
                relation, copy.deepcopy(restoration.data["relations"][relation])
            )
            values = fact.get("value")
            names = [fact.get("subject"), *(values if isinstance(values, list) else [values])]
            for name in names:
                if isinstance(name, str) and name in restoration.data["entities"]:
                    data.setdefault("entities", {}).setdefault(
                        name, copy.deepcopy(restoration.data["entities"][name])
                    )
    return data, back
