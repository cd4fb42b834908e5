"""What generation produces: questions, dropped questions, and their stable ids."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Dropped", "Generation", "Question", "question_id"]


@dataclass(frozen=True)
class Question:
    """One generated question.

    Attributes:
        id: Stable 12-hex-digit id from (deck, fact, relation, kind).
        deck: Deck key.
        fact_key: Key of the fact it asks about.
        kind: A key of `KINDS`.
        prompt: The question text (for cloze: the evidence with a blank).
        answer: The canonical right answer, for display.
        accepted: Every answer accepted when typed (all aliases of all right answers).
        choices: The options, in display order; empty for typed questions.
        correct: The right options; for typed questions, every right answer's display text.
        subject: Key of the fact's subject entity.
        relation: Relation key.
        evidence: The source sentence, shown after answering.
        source: Source URL.
        answer_kind: "entity", "date", "number", "money", "text" or "boolean" (true/false);
            tells the grader how to compare typed answers.
        near_misses: Other entities' names close enough to an accepted answer to pass
            as its typo; the grader refuses them (and answers closer to them).
        image: Name of the deck's image shown with the question, or "".
    """

    id: str
    deck: str
    fact_key: str
    kind: str
    prompt: str
    answer: str
    accepted: tuple[str, ...]
    choices: tuple[str, ...]
    correct: tuple[str, ...]
    subject: str
    relation: str
    evidence: str
    source: str
    answer_kind: str
    near_misses: tuple[str, ...] = ()
    image: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the question as JSON-compatible data (one line of the JSONL export)."""
        return {
            "id": self.id,
            "deck": self.deck,
            "fact": self.fact_key,
            "kind": self.kind,
            "prompt": self.prompt,
            "answer": self.answer,
            "accepted": list(self.accepted),
            "choices": list(self.choices),
            "correct": list(self.correct),
            "subject": self.subject,
            "relation": self.relation,
            "evidence": self.evidence,
            "source": self.source,
            "answer_kind": self.answer_kind,
        } | (
            ({"near_misses": list(self.near_misses)} if self.near_misses else {})
            | ({"image": self.image} if self.image else {})
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        """Rebuild a question from `to_dict` output (as stored with a quiz or study item)."""
        return cls(
            id=data["id"],
            deck=data["deck"],
            fact_key=data["fact"],
            kind=data["kind"],
            prompt=data["prompt"],
            answer=data["answer"],
            accepted=tuple(data["accepted"]),
            choices=tuple(data["choices"]),
            correct=tuple(data["correct"]),
            subject=data["subject"],
            relation=data["relation"],
            evidence=data["evidence"],
            source=data["source"],
            answer_kind=data["answer_kind"],
            near_misses=tuple(data.get("near_misses", ())),
            image=data.get("image", ""),
        )


@dataclass(frozen=True)
class Dropped:
    """A question that was not generated, and why.

    Attributes:
        fact_key: The fact.
        kind: The kind of question.
        reason: Why, for the deck's author.
    """

    fact_key: str
    kind: str
    reason: str


@dataclass(frozen=True)
class Generation:
    """The result of generating a deck's questions.

    Attributes:
        questions: Sorted by fact key, kind (in `KINDS` order) and id.
        dropped: Questions not made, in the same order.
    """

    questions: tuple[Question, ...]
    dropped: tuple[Dropped, ...]


def question_id(deck_key: str, fact_key: str, relation_key: str, kind: str, part: str = "") -> str:
    """Derive a question's stable id.

    Args:
        deck_key: The deck.
        fact_key: The fact.
        relation_key: The relation whose template the question uses.
        kind: The kind of question.
        part: Tells apart several questions of one kind about one fact.

    Returns:
        12 hex digits.
    """
    text = "\x1f".join((deck_key, fact_key, relation_key, kind, part))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
