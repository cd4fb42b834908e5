"""Built-in relations ("presets") a fact file may use by name instead of writing them out.

A short deck needs no `[relations.*]` tables: `relation = "founder"` in a fact
uses the preset of that key, and `[relations] use = ["companies"]` declares a
whole library (or single presets: `use = ["founder", "capital_of"]`). A table
written in the file with a preset's key replaces the preset (templates stay
editable). Templates put "in" before a date and start date questions with
"When", so `phrasing` words them right at every precision ("in 2023", "in April
2023", "on April 3, 2023"; "In which year ...").

Presets are data in the shape of a `[relations.KEY]` table, validated by the
same reader as any table a file writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["LIBRARIES", "PRESETS", "add_presets", "expand_use", "preset_data"]


def _relation(
    label: str,
    subject: str,
    value: str,
    forward: str,
    reverse: str | bool,
    statement: str,
    many: bool = False,
    unique: bool | None = None,
) -> dict[str, Any]:
    return {
        "label": label,
        "subject": subject,
        "value": value,
        "forward": forward,
        "reverse": reverse,
        "statement": statement,
        "many": many,
        "unique": (not many) if unique is None else unique,
    }


# Reverse questions are given only where the value points back at one subject; of a
# figure or a date ("Which company was valued at $2 billion?") they would be guesses.
PRESETS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        # --- companies ---
        "founder": _relation(
            "founders",
            "company",
            "person",
            "Who founded {subject}?",
            "Which company was founded by {value}?",
            "{subject} was founded by {value}.",
            many=True,
            unique=True,  # "founded by A and B" names them all
        ),
        "founded": _relation(
            "founding dates",
            "company",
            "date",
            "When was {subject} founded?",
            False,
            "{subject} was founded in {value}.",
        ),
        "headquarters": _relation(
            "headquarters",
            "company",
            "place",
            "Where is {subject} headquartered?",
            False,
            "{subject} is headquartered in {value}.",
        ),
        "product": _relation(
            "products",
            "company",
            "product",
            "Which products of {subject} does the deck name?",
            "Which company makes {value}?",
            "{subject} makes {value}.",
            many=True,
            unique=False,
        ),
        "investor": _relation(
            "investors",
            "company",
            "organisation",
            "Which investors in {subject} does the deck name?",
            False,
            "{subject} is backed by {value}.",
            many=True,
            unique=False,  # sources name some backers ("investors like Tencent"), not all
        ),
        "valuation": _relation(
            "valuations",
            "company",
            "money",
            "What was {subject} valued at?",
            False,
            "{subject} was valued at {value}.",
        ),
        "revenue": _relation(
            "revenue",
            "company",
            "money",
            "What was {subject}'s revenue?",
            False,
            "{subject}'s revenue was {value}.",
        ),
        "funding": _relation(
            "funding raised",
            "company",
            "money",
            "How much funding has {subject} raised?",
            False,
            "{subject} has raised {value} in funding.",
        ),
        "member_of": _relation(
            "memberships",
            "company",
            "group",
            "Which group is {subject} part of?",
            False,
            "{subject} is one of the {value}.",
            unique=False,
        ),
        "focus": _relation(
            "focus areas",
            "company",
            "text",
            "What does {subject} focus on?",
            False,
            "{subject} focuses on {value}.",
            unique=False,
        ),
        # --- people ---
        "role": _relation(
            "roles",
            "person",
            "text",
            "What is {subject}'s role?",
            False,
            "{subject} is {value}.",
        ),
        "former_role": _relation(
            "former roles",
            "person",
            "text",
            "What was {subject} before?",
            False,
            "{subject} was formerly {value}.",
            unique=False,
        ),
        "studied_at": _relation(
            "education",
            "person",
            "organisation",
            "Where did {subject} study?",
            False,
            "{subject} studied at {value}.",
            many=True,
            unique=False,
        ),
        "founder_of": _relation(
            "companies founded",
            "person",
            "company",
            "Which company did {subject} found?",
            False,
            "{subject} founded {value}.",
            unique=False,
        ),
        # --- products ---
        "developer": _relation(
            "developers",
            "product",
            "company",
            "Which company developed {subject}?",
            "Which product did {value} develop?",
            "{subject} was developed by {value}.",
        ),
        "released": _relation(
            "release dates",
            "product",
            "date",
            "When was {subject} released?",
            False,
            "{subject} was released in {value}.",
        ),
        "parameters": _relation(
            "model sizes",
            "product",
            "number",
            "How many parameters does {subject} have?",
            False,
            "{subject} has {value}.",
        ),
        "users": _relation(
            "users",
            "product",
            "number",
            "How many users does {subject} have?",
            False,
            "{subject} has {value}.",
        ),
        # --- places and general ---
        "capital_of": _relation(
            "capitals",
            "place",
            "place",
            "Which country is {subject} the capital of?",
            "What is the capital of {value}?",
            "{subject} is the capital of {value}.",
        ),
        "population": _relation(
            "populations",
            "place",
            "number",
            "What is the population of {subject}?",
            False,
            "{subject} has a population of {value}.",
        ),
        "part_of": _relation(
            "parts",
            "place",
            "place",
            "What is {subject} part of?",
            False,
            "{subject} is part of {value}.",
            unique=False,
        ),
        "discovered_by": _relation(
            "discoverers",
            "concept",
            "person",
            "Who discovered {subject}?",
            "What did {value} discover?",
            "{subject} was discovered by {value}.",
            many=True,
            unique=True,  # "discovered by A and B" names them all
        ),
        "discovered": _relation(
            "discovery dates",
            "concept",
            "date",
            "When was {subject} discovered?",
            False,
            "{subject} was discovered in {value}.",
        ),
        "year": _relation(
            "dates",
            "concept",
            "date",
            "When did {subject} take place?",
            False,
            "{subject} took place in {value}.",
        ),
        # --- general: buildings, places and works ---
        "opened": _relation(
            "opening dates",
            "place",
            "date",
            "When did {subject} open?",
            False,
            "{subject} opened in {value}.",
        ),
        "construction_began": _relation(
            "construction starts",
            "place",
            "date",
            "When did construction of {subject} begin?",
            False,
            "Construction of {subject} began in {value}.",
        ),
        "completed": _relation(
            "completion dates",
            "place",
            "date",
            "When was {subject} completed?",
            False,
            "{subject} was completed in {value}.",
        ),
        "designer": _relation(
            "designers",
            "place",
            "person",
            "Who designed {subject}?",
            "What did {value} design?",
            "{subject} was designed by {value}.",
            many=True,
            unique=True,  # "designed by A and B" names them all
        ),
        "named_after": _relation(
            "namesakes",
            "place",
            "person",
            "Who is {subject} named after?",
            "What is named after {value}?",
            "{subject} is named after {value}.",
        ),
        "height": _relation(
            "heights",
            "place",
            "number",
            "How high is {subject}?",
            False,
            "{subject} is {value} high.",
        ),
        "length": _relation(
            "lengths",
            "place",
            "number",
            "How long is {subject}?",
            False,
            "{subject} is {value} long.",
        ),
        "area": _relation(
            "areas",
            "place",
            "number",
            "What area does {subject} cover?",
            False,
            "{subject} covers {value}.",
        ),
        "author": _relation(
            "authors",
            "product",
            "person",
            "Who wrote {subject}?",
            "Which work did {value} write?",
            "{subject} was written by {value}.",
            many=True,
            unique=True,  # "written by A and B" names them all
        ),
        "heritage_site": _relation(
            "World Heritage listings",
            "place",
            "date",
            "When did {subject} become a UNESCO World Heritage Site?",
            False,
            "{subject} became a UNESCO World Heritage Site in {value}.",
        ),
        "cost": _relation(
            "costs",
            "place",
            "money",
            "How much did {subject} cost?",
            False,
            "{subject} cost {value}.",
        ),
        "visitors": _relation(
            "visitors",
            "place",
            "number",
            "How many visitors does {subject} receive?",
            False,
            "{subject} receives {value}.",
        ),
        "employees": _relation(
            "workforces",
            "company",
            "number",
            "How many people does {subject} employ?",
            False,
            "{subject} employs {value}.",
        ),
        "award": _relation(
            "awards",
            "person",
            "text",
            "Which award did {subject} receive?",
            False,
            "{subject} received {value}.",
            unique=False,  # one may win several
        ),
        # --- ownership ---
        "owner": _relation(
            "owners",
            "company",
            "company",
            "Who owns {subject}?",
            False,
            "{subject} is owned by {value}.",
            many=True,
            unique=False,  # "owned by A" may leave out a small owner
        ),
        "acquired_by": _relation(
            "buyers",
            "company",
            "company",
            "Which company bought {subject}?",
            False,  # a buyer buys many: "Which company did X buy?" has several answers
            "{subject} was bought by {value}.",
            unique=False,  # bought again later by another
        ),
    }
)

LIBRARIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "companies": (
            "founder",
            "founded",
            "headquarters",
            "product",
            "developer",
            "investor",
            "valuation",
            "revenue",
            "funding",
            "member_of",
            "focus",
            "owner",
            "acquired_by",
            "employees",
        ),
        "people": ("role", "former_role", "studied_at", "founder_of", "award"),
        "products": ("developer", "released", "parameters", "users"),
        "places": ("capital_of", "population", "part_of"),
        "general": (
            "capital_of",
            "discovered_by",
            "discovered",
            "year",
            "part_of",
            "named_after",
            "author",
        ),
        "buildings": (
            "opened",
            "construction_began",
            "completed",
            "designer",
            "named_after",
            "height",
            "length",
            "area",
            "cost",
            "visitors",
            "heritage_site",
        ),
    }
)


def preset_data(key: str) -> dict[str, Any] | None:
    """A copy of the preset's `[relations.KEY]` table, or None if there is no such preset."""
    preset = PRESETS.get(key)
    return dict(preset) if preset is not None else None


def expand_use(names: list[str]) -> tuple[list[str], list[str]]:
    """The preset keys a `use = [...]` list names (libraries expanded), and unknown names.

    Args:
        names: Library names and preset keys.

    Returns:
        (preset keys in first-named order without repeats, names that are neither)
    """
    keys: list[str] = []
    unknown: list[str] = []
    for name in names:
        found = LIBRARIES.get(name) or ((name,) if name in PRESETS else None)
        if found is None:
            unknown.append(name)
            continue
        keys.extend(key for key in found if key not in keys)
    return keys, unknown


def add_presets(data: Mapping[str, Any], names: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Deck data with the named presets (libraries or single ones) written in as tables.

    Relations the deck already has (by key) are kept as they are; the input is not changed.

    Args:
        data: Deck data (the fact-file shape).
        names: Library names and preset keys.

    Returns:
        (the new data, the keys added)
    """
    keys, _unknown = expand_use(names)
    relations = dict(data.get("relations", {}))
    added = [key for key in keys if key not in relations]
    relations.update({key: preset_data(key) for key in added})
    return {**data, "relations": relations}, added
