"""Which questions a live game asks: the deck's questions of the chosen kinds, estimate
and order questions made from its facts of amounts and dates, drawn at random.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from quizapp.domain import fact_kinds
from quizapp.domain import live as rules
from quizapp.domain import live_kinds as kinds_rules
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Fact, Question


@dataclass(frozen=True)
class Drawn:
    """A question a game may ask, with what it is made from (the first fact, for an
    order question made from several)."""

    question_id: str | None
    fact_id: int | None
    kind: str
    payload: dict[str, Any]


def candidates(deck_id: int, kinds: Sequence[str], entities: Sequence[str]) -> list[Drawn]:
    """The live questions of these kinds (about these entities, if any) a deck gives."""
    wanted = set(kinds)
    found: list[Drawn] = []
    typed: list[fact_kinds.Sourced] = []
    for question, subject_name in live_rows(deck_id, entities):
        if question.kind in wanted:
            found.append(
                Drawn(question.id, question.fact_id, question.kind, dict(question.payload))
            )
        if question.kind == "typed":
            domain = DomainQuestion.from_dict(question.payload)
            typed.append(
                fact_kinds.Sourced(
                    question.id, question.fact_id, domain.subject, subject_name, domain
                )
            )
    found.extend(
        Drawn(made.question_id, made.fact, made.kind, made.payload)
        for made in fact_kinds.fact_questions(
            typed, [k for k in fact_kinds.FACT_KINDS if k in wanted]
        )
    )
    return found


def live_rows(deck_id: int, entities: Sequence[str]):
    """(question row, its subject's name) for the deck's live questions."""
    query = (
        select(Question, Fact.subject_name)
        .join(Fact, Fact.id == Question.fact_id)
        .where(
            Question.deck_id == deck_id,
            Question.retired_at.is_(None),
            Fact.retired_at.is_(None),
            Question.kind.in_([*rules.CHOICE_KINDS, "typed"]),
        )
        .order_by(Question.id)
    )
    if entities:
        query = query.where(Fact.subject.in_(list(entities)))
    for question, name in db.session.execute(query):
        if rules.is_live_question(question.payload):
            yield question, name


def draw(found: list[Drawn], count: int, rng: random.Random) -> list[Drawn]:
    """Up to `count` questions in random order, covering as many facts as possible."""
    rng.shuffle(found)
    seen: dict[int | None, int] = {}
    ranked = []
    for drawn in found:
        nth = seen.get(drawn.fact_id, 0)
        seen[drawn.fact_id] = nth + 1
        ranked.append((nth, drawn))
    ranked.sort(key=lambda item: item[0])  # stable: first questions of each fact first
    return [drawn for _, drawn in ranked[:count]]


def kind_counts(deck_id: int) -> dict[str, int]:
    """How many questions of each kind the deck gives a game (for the host's form)."""
    counts = dict.fromkeys(kinds_rules.DECK_KINDS, 0)
    for drawn in candidates(deck_id, kinds_rules.DECK_KINDS, ()):
        counts[drawn.kind] += 1
    return counts
