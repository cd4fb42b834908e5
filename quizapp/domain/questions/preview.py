"""Previews for authors: the questions one fact (or the first facts of a deck) would give.

The editor shows them while a fact is typed, and the imports before a deck is
saved. Plain data in (deck data, or a validated deck), plain data out: the views
render it or send it as JSON.
"""

from __future__ import annotations

from typing import Any

from quizapp.domain.facts import Deck, FactFileError
from quizapp.domain.questions.model import Question

# Kinds whose typed answer is one of several right ones: worth a word to the author.
_TYPED_KINDS = ("typed", "reverse", "cloze")


def _question(q: Question) -> dict[str, Any]:
    ambiguous = len(q.correct) > 1 and q.kind in _TYPED_KINDS
    return {
        "kind": q.kind.replace("_", " "),
        "prompt": q.prompt,
        "answer": q.answer,
        "choices": list(q.choices),
        "correct": list(q.correct),
        "warning": (
            f"Ambiguous: {len(q.correct)} right answers ({', '.join(q.correct)}); "
            "every one is accepted."
            if ambiguous
            else ""
        ),
    }


def preview_fact(data: dict[str, Any], fact_key: str) -> dict[str, Any]:
    """The questions the generator makes of one fact of (unsaved) deck data.

    Args:
        data: Deck data holding the fact.
        fact_key: The fact.

    Returns:
        {"ok", "problems", "questions", "dropped", "warnings"}: `ok` False with the
        problems if the data is not a valid deck; otherwise the fact's questions, the
        ones dropped with their reason, and the fact's validation warnings. A question
        that accepts several right answers carries a warning (ambiguous to a learner).
    """
    from quizapp.domain.questions import generate_for_fact

    try:
        deck = Deck.from_dict(data, filename="this deck")
    except FactFileError as error:
        return {
            "ok": False,
            "problems": [f"{p.where}: {p.message}" for p in error.problems],
            "questions": [],
            "dropped": [],
            "warnings": [],
        }
    if fact_key not in deck.facts_by_key:
        return {
            "ok": False,
            "problems": [f"There is no fact '{fact_key}'."],
            "questions": [],
            "dropped": [],
            "warnings": [],
        }
    generation = generate_for_fact(deck, fact_key)
    return {
        "ok": True,
        "problems": [],
        "questions": [_question(q) for q in generation.questions],
        "dropped": [
            {"kind": d.kind.replace("_", " "), "reason": d.reason} for d in generation.dropped
        ],
        "warnings": [w.message for w in deck.warnings if w.where == f"fact '{fact_key}'"],
    }


def preview_deck(deck: Deck, shown: int = 5) -> dict[str, Any]:
    """The first facts of a deck with their questions, and counts (before an import).

    Args:
        deck: A validated deck.
        shown: How many facts to show.

    Returns:
        {"facts", "questions", "dropped", "sample"}: counts, and for each fact shown
        its fact, subject name, value display and questions.
    """
    from quizapp.domain.questions import generate

    generation = generate(deck)
    by_fact: dict[str, list[Question]] = {}
    for question in generation.questions:
        by_fact.setdefault(question.fact_key, []).append(question)
    return {
        "facts": len(deck.facts),
        "questions": len(generation.questions),
        "dropped": len(generation.dropped),
        "sample": [
            {
                "fact": fact,
                "subject": deck.entities[fact.subject].name,
                "value": ", ".join(value.display for value in fact.values),
                "questions": by_fact.get(fact.key, []),
            }
            for fact in deck.facts[:shown]
        ],
    }
