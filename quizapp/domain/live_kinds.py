"""The kinds of question a live game asks, and how each is answered and judged.

A registry (`LIVE_KINDS`): each kind says what a player sends (`input`) and how an
answer is judged (a `Judgement`: right or not, and a credit 0..1 that scales the
points). The generated deck questions give the choice kinds and "typed"; estimate
and order questions are made from a deck's facts of amounts and dates
(`fact_kinds`); a poll is the host's own warm-up question.

- **Choice kinds** (multiple choice, true/false, multiple select, reverse) and
  **typed**: judged by `grading.judge`, as in study and quizzes.
- **Estimate** and **order**: made and judged by `fact_kinds`, the home of their
  rules (quizzes and assignments ask them too).
- **Poll**: no right answer and no points; it doesn't break a streak.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizapp.domain import fact_kinds
from quizapp.domain.grading import Judgement, judge
from quizapp.domain.live import CHOICE_KINDS
from quizapp.domain.questions import Question

__all__ = [
    "CHOICE_KINDS",
    "DECK_KINDS",
    "LIVE_KINDS",
    "LiveKind",
    "judge_live",
    "poll_question",
]


@dataclass(frozen=True)
class LiveKind:
    """One kind of live question.

    Attributes:
        label: For the host's form.
        input: What a player sends: "pick" (one option), "picks" (several), "order"
            (every option, in order), "text" (a typed answer), "number" (a guess).
        scored: Whether it gives points.
    """

    label: str
    input: str
    scored: bool = True


LIVE_KINDS: dict[str, LiveKind] = {
    "multiple_choice": LiveKind("Multiple choice", "pick"),
    "true_false": LiveKind("True or false", "pick"),
    "multiple_select": LiveKind("Multiple select (partial credit)", "picks"),
    "reverse": LiveKind("Reverse (which one…?)", "pick"),
    "typed": LiveKind("Type the answer", "text"),
    "estimate": LiveKind("Estimate a number or year (points by closeness)", "number"),
    "order": LiveKind("Put in order (partial credit by pairs)", "order"),
    "poll": LiveKind("Poll (no right answer)", "pick", scored=False),
}


# The kinds a host picks for a game's questions from the deck (a poll is typed in).
DECK_KINDS = (*CHOICE_KINDS, "typed", "estimate", "order")


def judge_live(payload: Mapping[str, Any], picks: Sequence[str], text: str | None) -> Judgement:
    """Judge a player's answer to a live question.

    Args:
        payload: The stored question (`LiveQuestion.payload`).
        picks: The options chosen, as texts, in the order given.
        text: What the player typed (typed and estimate questions), else None.
    """
    kind = payload["kind"]
    if kind == "poll":
        return Judgement(False, 0.0, "")
    if kind == "estimate":
        return fact_kinds.judge_estimate(payload, text or "")
    if kind == "order":
        return fact_kinds.judge_order(payload, picks)
    question = Question.from_dict(payload)
    if kind == "typed":
        return judge(question, text or "")
    if kind == "multiple_select":
        return judge(question, list(picks))
    if len(picks) != 1:
        return Judgement(False, 0.0, question.answer)
    return judge(question, picks[0])


POLL_PROMPT_MAX, POLL_OPTION_MAX = 300, 100
POLL_OPTIONS = (2, 6)


def poll_question(prompt: str, options: Sequence[str]) -> dict[str, Any]:
    """The host's own warm-up question: no right answer.

    Raises:
        ValueError: No prompt, fewer than 2 or more than 6 options (blank lines
            aside), an option twice, or text too long; the message says which.
    """
    prompt = " ".join(prompt.split())
    options = list(dict.fromkeys(" ".join(o.split()) for o in options if o.strip()))
    if not prompt or len(prompt) > POLL_PROMPT_MAX:
        raise ValueError(f"Write the poll's question (at most {POLL_PROMPT_MAX} characters).")
    low, high = POLL_OPTIONS
    if not low <= len(options) <= high:
        raise ValueError(f"Give the poll {low} to {high} different options, one a line.")
    if any(len(o) > POLL_OPTION_MAX for o in options):
        raise ValueError(f"A poll option has at most {POLL_OPTION_MAX} characters.")
    return {
        "kind": "poll",
        "prompt": prompt,
        "choices": list(options),
        "correct": [],
        "answer": "",
        "evidence": "",
        "source": "",
    }
