"""Which questions a live game asks: the deck's questions of the chosen kinds, estimate
and order questions made from its facts of amounts and dates, drawn at random.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

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
    stored = list(live_rows(deck_id, entities))
    found: list[Drawn] = []
    values: dict[str, list[tuple[str, Question]]] = defaultdict(list)
    for question, subject_name in stored:
        payload = question.payload
        if question.kind in wanted:
            found.append(Drawn(question.id, question.fact_id, question.kind, dict(payload)))
        if question.kind != "typed":
            continue
        domain = DomainQuestion.from_dict(payload)
        estimate = kinds_rules.estimate_from(domain)
        if estimate is None:
            continue
        if "estimate" in wanted:
            found.append(Drawn(question.id, question.fact_id, "estimate", estimate))
        values[domain.relation].append((subject_name, question))
    if "order" in wanted:
        found.extend(_orders(values))
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


def _orders(values: dict[str, list[tuple[str, Question]]]) -> list[Drawn]:
    """Order questions: per relation of amounts or dates, up to `ORDER_MAX` subjects.

    Seeded by the relation, so the same deck gives the same order questions; which of
    them a game asks is the draw's.
    """
    made = []
    for relation, rows in sorted(values.items()):
        by_subject = {name: question for name, question in rows}  # one value per subject
        names = sorted(by_subject)
        if len(names) < kinds_rules.ORDER_MIN:
            continue
        rng = random.Random(relation)
        rng.shuffle(names)
        chosen = names[: kinds_rules.ORDER_MAX]
        items = [(name, DomainQuestion.from_dict(by_subject[name].payload)) for name in chosen]
        payload = kinds_rules.order_from(items, relation.replace("_", " "), rng)
        if payload is not None:
            first = by_subject[chosen[0]]
            made.append(Drawn(first.id, first.fact_id, "order", payload))
    return made


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
