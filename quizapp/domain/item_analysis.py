"""Item analysis of an assignment: how each question behaved, as Moodle's quiz statistics.

Computed over one counted attempt per student (the gradebook's), each a set of
answers with a credit from 0 to 1:

- **Facility**: the mean credit on the question, the share of the class that
  got it right (Moodle's "facility index").
- **Discrimination, top/bottom third**: the attempts ranked by their total
  score; the facility among the top third minus the facility among the bottom
  third (the classic upper-lower index: -1 to 1, higher is better).
- **Discrimination, point-biserial**: the correlation between the credit on the
  question and the score on the rest of the assignment (the total less this
  question), which is Moodle's "discrimination index"; None when either does
  not vary.
- **Options**: per option, how many of the top and of the bottom third chose
  it, and how many in all. A wrong option the strong students choose more than
  the weak ones is a sign of a wrong key or an ambiguous question.

A question is flagged when strong students miss it more than weak ones: its
top-third facility is below its bottom-third facility, or its point-biserial
is negative. Both need `MIN_ATTEMPTS` attempts; with fewer, only facilities are
given (the ranking of three students says nothing).

Ties in the ranking are broken by the attempt's key, so the thirds are the same
every time the page is drawn.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

MIN_ATTEMPTS = 6


@dataclass(frozen=True)
class ItemQuestion:
    """A question of the assignment, as it was asked.

    Attributes:
        question_id: Its stable id.
        prompt: The question text.
        options: The options (empty for a typed answer).
        correct: The right options (or the expected answer).
        link: What the report links the question to (the fact), opaque here.
    """

    question_id: str
    prompt: str
    options: tuple[str, ...]
    correct: tuple[str, ...]
    link: Hashable = None


@dataclass(frozen=True)
class ItemResponse:
    """One student's answer to one question in their counted attempt.

    Attributes:
        attempt: The attempt (one per student).
        question_id: The question.
        credit: 0 to 1 (no answer: 0).
        chosen: The options chosen (one, several for multiple select, none if unanswered).
    """

    attempt: Hashable
    question_id: str
    credit: float
    chosen: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptionStat:
    option: str
    correct: bool
    strong: int  # chosen by this many of the top third
    weak: int  # ... of the bottom third
    total: int  # ... of everyone

    @property
    def lures_strong(self) -> bool:
        """A wrong option the strong students fell for more than the weak ones."""
        return not self.correct and self.strong > self.weak


@dataclass(frozen=True)
class ItemStats:
    """How one question behaved.

    Attributes:
        question: The question.
        attempts: How many attempts had it.
        facility: Mean credit, 0 to 1 (None without attempts).
        strong_facility, weak_facility: The same in the top and bottom thirds.
        upper_lower: strong_facility - weak_facility, or None.
        point_biserial: Correlation of the question's credit with the rest of the
            score, or None.
        options: Per option, in the question's order.
        flag: Why the question needs a look, or None.
    """

    question: ItemQuestion
    attempts: int
    facility: float | None
    strong_facility: float | None
    weak_facility: float | None
    upper_lower: float | None
    point_biserial: float | None
    options: tuple[OptionStat, ...]
    flag: str | None


@dataclass(frozen=True)
class Analysis:
    """The item analysis of an assignment.

    Attributes:
        attempts: How many attempts were analysed.
        group_size: How many attempts each of the top and bottom thirds holds
            (0 when there are too few attempts to rank).
        items: Per question, in the order given.
        min_attempts: How many attempts ranking takes.
    """

    attempts: int
    group_size: int
    items: tuple[ItemStats, ...]
    min_attempts: int = MIN_ATTEMPTS

    @property
    def enough(self) -> bool:
        return self.group_size > 0

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(item for item in self.items if item.flag)


def analyse(
    questions: Sequence[ItemQuestion],
    responses: Iterable[ItemResponse],
    *,
    min_attempts: int = MIN_ATTEMPTS,
) -> Analysis:
    """The item analysis of these answers (see the module doc).

    Args:
        questions: The assignment's questions.
        responses: Every answer of every counted attempt (an attempt is known by
            its answers); a question an attempt has no answer to counts as 0
            credit and no option chosen.
        min_attempts: Fewer attempts than this get facilities only.

    Returns:
        The analysis, one `ItemStats` per question.
    """
    credit: dict[Hashable, dict[str, float]] = defaultdict(dict)
    chosen: dict[Hashable, dict[str, tuple[str, ...]]] = defaultdict(dict)
    for response in responses:
        credit[response.attempt][response.question_id] = response.credit
        chosen[response.attempt][response.question_id] = response.chosen
    totals = {attempt: sum(scores.values()) for attempt, scores in credit.items()}
    ranked = sorted(totals, key=lambda attempt: (-totals[attempt], str(attempt)))
    group = len(ranked) // 3 if len(ranked) >= min_attempts else 0
    strong = set(ranked[:group])
    weak = set(ranked[len(ranked) - group :]) if group else set()
    items = []
    for question in questions:
        qid = question.question_id
        scores = {a: credit[a].get(qid, 0.0) for a in ranked}
        picks = {a: chosen[a].get(qid, ()) for a in ranked}
        items.append(_item(question, scores, picks, totals, strong, weak, group))
    return Analysis(
        attempts=len(ranked), group_size=group, items=tuple(items), min_attempts=min_attempts
    )


def _item(
    question: ItemQuestion,
    scores: dict[Hashable, float],
    picks: dict[Hashable, tuple[str, ...]],
    totals: dict[Hashable, float],
    strong: set[Hashable],
    weak: set[Hashable],
    group: int,
) -> ItemStats:
    facility = _mean(scores.values())
    strong_facility = _mean(s for a, s in scores.items() if a in strong) if group else None
    weak_facility = _mean(s for a, s in scores.items() if a in weak) if group else None
    upper_lower = None
    if strong_facility is not None and weak_facility is not None:
        upper_lower = strong_facility - weak_facility
    biserial = None
    if group:
        rest = [totals[a] - s for a, s in scores.items()]
        biserial = correlation(list(scores.values()), rest)
    options = tuple(
        OptionStat(
            option=option,
            correct=option in question.correct,
            strong=sum(1 for a, p in picks.items() if a in strong and option in p),
            weak=sum(1 for a, p in picks.items() if a in weak and option in p),
            total=sum(1 for p in picks.values() if option in p),
        )
        for option in question.options
    )
    return ItemStats(
        question=question,
        attempts=len(scores),
        facility=facility,
        strong_facility=strong_facility,
        weak_facility=weak_facility,
        upper_lower=upper_lower,
        point_biserial=biserial,
        options=options,
        flag=_flag(upper_lower, biserial, options),
    )


def _flag(
    upper_lower: float | None, biserial: float | None, options: tuple[OptionStat, ...]
) -> str | None:
    lure = next((o.option for o in options if o.lures_strong), None)
    chose = f"; more strong than weak students chose “{lure}”" if lure else ""
    if upper_lower is not None and upper_lower < 0:
        why = "Strong students missed it more than weak ones"
    elif biserial is not None and biserial < 0:
        why = "Students who did well on the rest of the assignment tended to miss it"
    else:
        return None
    return f"{why}{chose}. Check the right answer and the wording."


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation of two equally long series; None if either is constant."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = sum(d * d for d in dx), sum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)
