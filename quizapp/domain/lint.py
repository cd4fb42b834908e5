"""Advice for a deck's author: what the generator cannot judge alone.

`quizapp questions check` fails on errors only; `quizapp questions lint` prints these
notes, each with the relation or fact and a suggested fix. None of them stops a deck
from loading: they say where questions will be missing or hard to answer fairly.

- A list relation not marked complete (`many` without `unique = true`) is never
  asked as "select all" and never stated false: if every fact lists all members,
  say so.
- A one-value relation with `unique = false` gets no multiple choice and no false
  statements.
- A text value of several words with no aliases and no `accepted` answers gets
  no typed question (it would have to be typed word for word).
- A date template whose `{value}` does not follow "in" or "on" cannot be repaired
  for every precision ("founded {value}" reads "founded May 1, 1969").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.domain.facts import Deck, Relation
from quizapp.domain.questions.cards import fact_kind
from quizapp.domain.questions.kinds import word_for_word

__all__ = ["Advice", "lint"]

_DATE_SLOT = re.compile(r"\b(?:in|on|In|On)\s+\{value\}|^\{value\}")


@dataclass(frozen=True)
class Advice:
    """One note for the deck's author.

    Attributes:
        where: "relation 'founder'" or "fact 'stepfun-goal'".
        message: What the generator will do, and why.
        fix: What the author may change.
    """

    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} (fix: {self.fix})"


def lint(deck: Deck) -> list[Advice]:
    """Advice on a validated deck, relations first (by key), then facts (in file order).

    Args:
        deck: The deck.

    Returns:
        The notes; empty if there is nothing to say.
    """
    used = {fact.relation for fact in deck.facts}
    advice = [
        note
        for key, relation in deck.relations.items()
        if key in used
        for note in _relation_advice(relation)
    ]
    for fact in deck.facts:
        kind = fact_kind(deck, fact)
        if not deck.relations[fact.relation].many and word_for_word(fact, fact.values[0], kind):
            advice.append(
                Advice(
                    f"fact '{fact.key}'",
                    f"'{fact.values[0].display}' would have to be typed word for word, "
                    "so it gets no typed question",
                    "add `aliases` to the value or `accepted` answers to the fact, "
                    "or shorten the value",
                )
            )
    return advice


def _relation_advice(relation: Relation) -> list[Advice]:
    where = f"relation '{relation.key}'"
    notes = []
    if relation.many and not relation.unique:
        notes.append(
            Advice(
                where,
                "the lists are not marked complete, so there is no 'select all' question "
                "and no false statement",
                "set `unique = true` if every fact lists all members",
            )
        )
    elif not relation.unique:
        notes.append(
            Advice(
                where,
                "not `unique`: no multiple choice and no false statement, since no other "
                "value is known to be wrong",
                "set `unique = true` if each subject has only the value(s) the deck states",
            )
        )
    if relation.value == "date":
        templates = [("statement", relation.statement), ("reverse", relation.reverse)]
        for name, template in templates:
            if template and "{value}" in template and not _DATE_SLOT.search(template):
                notes.append(
                    Advice(
                        where,
                        f"the {name} template cannot be phrased for every precision "
                        '("1969", "May 1969", "May 1, 1969")',
                        'write "in {value}" (it becomes "on" before a day)',
                    )
                )
    return notes
