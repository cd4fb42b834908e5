"""Previews for authors: the questions one fact (or the first facts of a deck) would give.

The editor shows them while a fact is typed, and the imports before a deck is
saved. Plain data in (deck data, or a validated deck), plain data out: the views
render it or send it as JSON.
"""

from __future__ import annotations

from typing import Any

from quizapp.domain.facts import Deck, FactFileError
from quizapp.domain.questions.model import Question

# Kinds whose answer is typed: one of several right ones is worth a word to the author,
# and they are the ones an author may "try an answer" on.
TRIED_KINDS = ("typed", "cloze", "reverse")


def _question(q: Question, answer: str) -> dict[str, Any]:
    ambiguous = len(q.correct) > 1 and q.kind in TRIED_KINDS
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
        "verdict": _verdict(q, answer),
    }


def _verdict(question: Question, answer: str) -> dict[str, Any] | None:
    """Whether `answer` would be accepted, as a learner's would be (`grading.judge`)."""
    from quizapp.domain.grading import judge

    if not answer or question.kind not in TRIED_KINDS:
        return None
    judgement = judge(question, answer)
    return {"answer": answer, "correct": judgement.correct, "expected": judgement.expected}


def preview_fact(data: dict[str, Any], fact_key: str, answer: str = "") -> dict[str, Any]:
    """The questions the generator makes of one fact of (unsaved) deck data.

    Args:
        data: Deck data holding the fact.
        fact_key: The fact.
        answer: An answer to judge against each typed question, as a learner's would be
            (`grading.judge`, as `quizapp questions grade` does); "" for none.

    Returns:
        {"ok", "problems", "questions", "dropped", "warnings"}: `ok` False with the
        problems if the data is not a valid deck; otherwise as `preview_of`.
    """
    try:
        deck = Deck.from_dict(data, filename="this deck")
    except FactFileError as error:
        return _refused([f"{p.where}: {p.message}" for p in error.problems])
    return preview_of(deck, fact_key, answer)


def preview_of(deck: Deck, fact_key: str, answer: str = "") -> dict[str, Any]:
    """`preview_fact` of a fact of a deck already validated (many facts, one validation).

    Returns:
        The fact's questions (each with its verdict on `answer`, and a warning if it
        accepts several right answers, ambiguous to a learner), the ones dropped with
        their reason, and the fact's validation warnings.
    """
    from quizapp.domain.questions import generate_for_fact

    if fact_key not in deck.facts_by_key:
        return _refused([f"There is no fact '{fact_key}'."])
    generation = generate_for_fact(deck, fact_key)
    return {
        "ok": True,
        "problems": [],
        "questions": [_question(q, answer) for q in generation.questions],
        "dropped": [
            {"kind": d.kind.replace("_", " "), "reason": d.reason} for d in generation.dropped
        ],
        "warnings": [w.message for w in deck.warnings if w.where == f"fact '{fact_key}'"],
    }


def _refused(problems: list[str]) -> dict[str, Any]:
    return {"ok": False, "problems": problems, "questions": [], "dropped": [], "warnings": []}


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
