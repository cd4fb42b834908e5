"""Build quizzes from generated questions, show them without their answers, score them.

Pure: no Flask, no database. Randomness is an argument (`random.Random`), so the same
seed builds the same quiz.

Choosing questions (`select_questions`):

- Only candidates of the chosen subjects (entities) and kinds are used; empty means all.
- At most one question per fact while unused facts remain: a quiz of ten asks about
  ten different facts. Only when the filters leave fewer facts than questions asked
  for does a fact get a second question (never the same question twice).
- Kinds are spread: picks go round the kinds in a shuffled order, so a mixed quiz of
  ten has every available kind rather than whatever kind is most common; a kind with
  fewer questions than the quiz asks for picks first.
- The chosen questions are shuffled into their display order, and so are the options
  of each choice question and the items of an order question (`shuffle_choices`), so
  two attempts of the same quiz differ.

Besides the deck's generated kinds (`questions.KINDS`), a quiz asks the kinds made
from facts of amounts and dates (`fact_kinds`: estimate, order), judged by the live
game's rules (`judge_answer`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizapp.domain import fact_kinds
from quizapp.domain.grading import Judgement, judge
from quizapp.domain.questions import KINDS, Question

__all__ = [
    "DEFAULT_COUNT",
    "KIND_LABELS",
    "MAX_COUNT",
    "MAX_TIME_LIMIT",
    "MIN_COUNT",
    "MIN_TIME_LIMIT",
    "QUIZ_KINDS",
    "Candidate",
    "DeckSummary",
    "QuizOptions",
    "QuizOptionsError",
    "deck_summaries",
    "input_kind",
    "judge_answer",
    "public_view",
    "select_questions",
    "shuffle_choices",
    "total_score",
]

MIN_COUNT, MAX_COUNT, DEFAULT_COUNT = 5, 50, 10
# Seconds per question.
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 600
KIND_LABELS = {
    "multiple_choice": "Multiple choice",
    "multiple_select": "Multiple select",
    "true_false": "True / false",
    "typed": "Typed answer",
    "cloze": "Fill the blank",
    "reverse": "Reverse (who is it?)",
    "estimate": "Estimate (a number or year)",
    "order": "Put in order",
}
# Every kind a quiz may ask: the generated ones, then those made from facts.
QUIZ_KINDS = (*KINDS, *fact_kinds.FACT_KINDS)
# The only fields of a question a page may see before it is answered (an estimate's
# unit says what to guess in, not the value).
PUBLIC_FIELDS = ("id", "deck", "kind", "prompt", "choices", "image", "unit", "unit_label")


class QuizOptionsError(ValueError):
    """Options that cannot make a quiz; the message is meant for the learner."""


@dataclass(frozen=True)
class QuizOptions:
    """What a learner (or a teacher's assignment) asks for.

    Attributes:
        subjects: Entity keys to ask about; empty for all.
        kinds: Question kinds (of `QUIZ_KINDS`); empty for all.
        count: Number of questions, `MIN_COUNT`..`MAX_COUNT`.
        time_limit: Seconds per question, or None for no limit.
    """

    subjects: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    count: int = DEFAULT_COUNT
    time_limit: int | None = None

    def validated(self, known_subjects: Iterable[str] = ()) -> QuizOptions:
        """Return these options with duplicates removed, or raise for bad ones.

        Args:
            known_subjects: The deck's entity keys; unknown subjects are refused.

        Raises:
            QuizOptionsError: A count or time limit out of range, an unknown kind or
                subject.
        """
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise QuizOptionsError("The number of questions must be a whole number.")
        if not MIN_COUNT <= self.count <= MAX_COUNT:
            raise QuizOptionsError(
                f"A quiz has between {MIN_COUNT} and {MAX_COUNT} questions, not {self.count}."
            )
        if self.time_limit is not None and (
            isinstance(self.time_limit, bool)
            or not isinstance(self.time_limit, int)
            or not MIN_TIME_LIMIT <= self.time_limit <= MAX_TIME_LIMIT
        ):
            raise QuizOptionsError(
                f"The time limit per question is between {MIN_TIME_LIMIT} and "
                f"{MAX_TIME_LIMIT} seconds (or none)."
            )
        unknown_kinds = sorted(set(self.kinds) - set(QUIZ_KINDS))
        if unknown_kinds:
            raise QuizOptionsError(f"Unknown question kind: {', '.join(unknown_kinds)}.")
        known = set(known_subjects)
        unknown_subjects = sorted(set(self.subjects) - known)
        if unknown_subjects:
            raise QuizOptionsError(f"This deck has no topic {', '.join(unknown_subjects)}.")
        return QuizOptions(
            subjects=tuple(sorted(set(self.subjects))),
            kinds=tuple(kind for kind in QUIZ_KINDS if kind in set(self.kinds)),
            count=self.count,
            time_limit=self.time_limit,
        )


@dataclass(frozen=True)
class Candidate:
    """A question that may be asked.

    Attributes:
        question_id: The generated question's id.
        fact: Identifies its fact (the database id, or the fact key).
        subject: Entity key of the fact's subject.
        kind: The question kind.
        payload: The question dict (`questions.Question.to_dict()`).
    """

    question_id: str
    fact: Hashable
    subject: str
    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


def select_questions(
    candidates: Sequence[Candidate], options: QuizOptions, rng: random.Random
) -> list[Candidate]:
    """Choose a quiz's questions, in display order.

    Args:
        candidates: Every askable question (for example the deck's active ones).
        options: Validated options.
        rng: The source of randomness.

    Returns:
        Up to `options.count` distinct questions; fewer only if fewer match the filters.
        One per fact while unused facts remain, kinds spread, in shuffled order.
    """
    subjects, kinds = set(options.subjects), set(options.kinds)
    matching = sorted(
        (
            c
            for c in candidates
            if (not subjects or c.subject in subjects) and (not kinds or c.kind in kinds)
        ),
        key=lambda c: c.question_id,
    )
    by_kind: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in matching:
        by_kind[candidate.kind].append(candidate)
    for pool in by_kind.values():
        rng.shuffle(pool)
    kind_order = sorted(by_kind)
    rng.shuffle(kind_order)
    # Scarce kinds (fewer questions than the quiz asks for) pick first: a question id
    # can stand for two kinds (an order question is filed under the id of its first
    # fact's typed question, as that fact's estimate is), and taken by the common kind
    # it left the scarce one out (1 quiz in 40 of estimates and orders had no order).
    kind_order.sort(key=lambda kind: len(by_kind[kind]) >= options.count)

    chosen: list[Candidate] = []
    taken_questions: set[str] = set()
    used_facts: set[Hashable] = set()
    # First round: new facts only. Second round: any question not yet taken.
    for fresh_facts_only in (True, False):
        while len(chosen) < options.count:
            added = False
            for kind in kind_order:
                if len(chosen) >= options.count:
                    break
                pick = next(
                    (
                        c
                        for c in by_kind[kind]
                        if c.question_id not in taken_questions
                        and not (fresh_facts_only and c.fact in used_facts)
                    ),
                    None,
                )
                if pick is None:
                    continue
                chosen.append(pick)
                taken_questions.add(pick.question_id)
                used_facts.add(pick.fact)
                added = True
            if not added:
                break
    rng.shuffle(chosen)
    return chosen


def shuffle_choices(payload: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    """Return a copy of a question dict with its options in a new random order.

    True/false keeps "True, False": shuffling two fixed words only confuses. An order
    question's items are never shown in the right order.
    """
    shown = dict(payload)
    choices = list(payload.get("choices") or ())
    if payload.get("kind") == "order":
        choices = fact_kinds.shuffled_order(payload["correct"], rng)
    elif payload.get("kind") != "true_false":
        rng.shuffle(choices)
    shown["choices"] = choices
    return shown


_INPUTS = {"multiple_select": "select", "estimate": "estimate", "order": "order"}


def input_kind(payload: Mapping[str, Any]) -> str:
    """How the learner answers: "select" (several options), "choice" (one), "text",
    "estimate" (a number or year) or "order" (a place for every item)."""
    if payload.get("kind") in _INPUTS:
        return _INPUTS[payload["kind"]]
    return "choice" if payload.get("choices") else "text"


def judge_answer(payload: Mapping[str, Any], given: str | Sequence[str]) -> Judgement:
    """Judge a cleaned answer (see `responses`: `read_response`, `read_estimate`,
    `read_order`) to a stored question.

    Estimates and orders by the live game's rules (`fact_kinds`), with their partial
    credit; every other kind by `grading.judge`, as in study.
    """
    kind = payload.get("kind")
    if kind == "estimate":
        return fact_kinds.judge_estimate(dict(payload), given if isinstance(given, str) else "")
    if kind == "order":
        return fact_kinds.judge_order(dict(payload), [] if isinstance(given, str) else given)
    return judge(Question.from_dict(dict(payload)), given)


def public_view(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a question a page may show before it is answered: no answer key."""
    view = {name: payload.get(name) for name in PUBLIC_FIELDS}
    view["choices"] = list(view["choices"] or ())
    view["input"] = input_kind(payload)
    return view


def total_score(points: Iterable[float]) -> float:
    """An attempt's score: the sum of its answers' points (each 0..1), rounded to 0.01."""
    return round(sum(points), 2)


@dataclass(frozen=True)
class DeckSummary:
    """A learner's finished attempts on one deck.

    Attributes:
        deck: What the attempts were grouped by (a deck key or title).
        attempts: How many.
        best: Best score in percent.
        average: Mean score in percent.
        last: The most recent attempt's score in percent.
    """

    deck: str
    attempts: int
    best: float
    average: float
    last: float


def deck_summaries(results: Iterable[tuple[str, Any, float]]) -> list[DeckSummary]:
    """Best, average and last score per deck.

    Args:
        results: (deck, finished_at, percent) of finished attempts, in any order.

    Returns:
        One summary per deck, by deck name.
    """
    grouped: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    for deck, finished_at, percent in results:
        grouped[deck].append((finished_at, percent))
    summaries = []
    for deck in sorted(grouped):
        runs = sorted(grouped[deck], key=lambda run: run[0])
        percents = [percent for _, percent in runs]
        summaries.append(
            DeckSummary(
                deck=deck,
                attempts=len(percents),
                best=round(max(percents), 1),
                average=round(sum(percents) / len(percents), 1),
                last=round(percents[-1], 1),
            )
        )
    return summaries
