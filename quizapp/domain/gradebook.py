"""Gradebook arithmetic: which attempt counts, a student's status, averages, the score
distribution and the "what to reteach" analysis of questions and facts.

Pure: the service hands in plain values read from the database; nothing here knows
Flask or SQLAlchemy. Times are UTC-aware datetimes; `now` is an argument.

The rules:

- An attempt is *done* when it is finished, or when the assignment refuses late work,
  its due date has passed and the attempt holds at least one answer (it can take no
  more, so what it has counts).
- Which done attempt counts: the best score (ties: the earlier) or the last started.
- Status: "late" if the counted attempt has an answer after the due date, "submitted"
  if it has none, "in progress" if the student has only an attempt still open, else
  "not started".
- Question and fact analysis reads the counted attempt of each student: a question left
  unanswered counts as not right but names no wrong answer.

Live games of a class (`live_results`) are a column of their own: a member who played
scores the credit of their answers over the questions the game asked (a question they
missed, or came too late for, scores 0), with their points and rank among everyone
who played, guests included; a member who did not play is absent.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from quizapp.domain.fact_kinds import order_text
from quizapp.domain.live import rank

BEST, LAST = "best", "last"
SCORING = (BEST, LAST)
MARK_LATE, REFUSE_LATE = "mark", "refuse"
LATE_POLICIES = (MARK_LATE, REFUSE_LATE)
# Score distribution: ten bands of ten points; the top band holds 90-100.
BANDS = tuple(f"{low}–{low + 9}" if low < 90 else "90–100" for low in range(0, 100, 10))


class Status(enum.StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    SUBMITTED = "submitted"
    LATE = "late"


@dataclass(frozen=True)
class AttemptSummary:
    """What the gradebook needs of one attempt.

    Attributes:
        attempt_id: The quiz attempt.
        started_at: When it started.
        finished_at: When it finished, or None.
        last_answer_at: The time of its latest answer, or None.
        score: Points (partial credit counts).
        max_score: Number of questions.
        answered: Number of answered questions.
        late: Some answer came after the assignment's due date.
    """

    attempt_id: int
    started_at: datetime
    finished_at: datetime | None
    last_answer_at: datetime | None
    score: float
    max_score: int
    answered: int
    late: bool = False

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 1) if self.max_score else 0.0

    @property
    def duration(self) -> timedelta | None:
        end = self.finished_at or self.last_answer_at
        return end - self.started_at if end is not None else None


@dataclass(frozen=True)
class Outcome:
    """A student's result on one assignment.

    Attributes:
        status: Not started, in progress, submitted or late.
        counted: The attempt whose score counts, or None.
        attempts: How many attempts the student started.
        open_attempt: An attempt the student can still continue, or None.
    """

    status: Status
    counted: AttemptSummary | None
    attempts: int
    open_attempt: AttemptSummary | None = None

    @property
    def percent(self) -> float | None:
        return self.counted.percent if self.counted else None


def is_past_due(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and now > due_at


def is_done(
    attempt: AttemptSummary, *, due_at: datetime | None, accept_late: bool, now: datetime
) -> bool:
    if attempt.finished_at is not None:
        return True
    return not accept_late and is_past_due(due_at, now) and attempt.answered > 0


def outcome(
    attempts: Sequence[AttemptSummary],
    *,
    scoring: str,
    due_at: datetime | None,
    accept_late: bool,
    now: datetime,
) -> Outcome:
    """Which attempt counts and the student's status (see the module's rules).

    Args:
        attempts: The student's attempts of this assignment, in any order.
        scoring: `BEST` or `LAST`.
        due_at: The assignment's due date.
        accept_late: Whether answers after the due date are taken (and marked late).
        now: The current time.
    """
    if scoring not in SCORING:
        raise ValueError(f"unknown scoring {scoring!r}")
    ordered = sorted(attempts, key=lambda a: (a.started_at, a.attempt_id))
    done = [a for a in ordered if is_done(a, due_at=due_at, accept_late=accept_late, now=now)]
    can_continue = accept_late or not is_past_due(due_at, now)
    still_open = [a for a in ordered if a.finished_at is None and a not in done and can_continue]
    open_attempt = still_open[-1] if still_open else None
    if done:
        if scoring == BEST:
            counted = max(
                done,
                key=lambda a: (a.score / a.max_score if a.max_score else 0.0, -ordered.index(a)),
            )
        else:
            counted = done[-1]
        status = Status.LATE if counted.late else Status.SUBMITTED
        return Outcome(status, counted, len(ordered), open_attempt)
    if open_attempt is not None:
        return Outcome(Status.IN_PROGRESS, None, len(ordered), open_attempt)
    return Outcome(Status.NOT_STARTED, None, len(ordered))


def average(values: Iterable[float | None]) -> float | None:
    """The mean of the values that exist, to one decimal; None if there are none."""
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def distribution(percents: Iterable[float]) -> list[tuple[str, int]]:
    """How many scores fall in each band of ten points (`BANDS`)."""
    counts = [0] * len(BANDS)
    for percent in percents:
        band = min(int(max(0.0, percent) // 10), len(BANDS) - 1)
        counts[band] += 1
    return list(zip(BANDS, counts, strict=True))


# --- what to reteach -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRecord:
    """One question of one counted attempt, with its answer if any.

    Attributes:
        question_id: The generated question's id.
        fact_id: Its fact.
        prompt: The question as asked.
        expected: The right answer.
        fact_label: The fact in words ("Moonshot AI — founders: Yang Zhilin").
        answered: Whether the student answered.
        given: The answer (a string, or a list for multiple select).
        correct: Whether it counted as right.
        kind: The question kind (an order question's answer is shown in its order).
    """

    question_id: str
    fact_id: Hashable
    prompt: str
    expected: str
    fact_label: str
    answered: bool
    given: Any
    correct: bool
    kind: str = ""


@dataclass(frozen=True)
class ItemStat:
    """Percent right on a question or a fact, and its most common wrong answer.

    Attributes:
        key: The question id or fact id.
        label: The prompt (questions) or the fact in words (facts).
        expected: The right answer (questions) or the fact's value (facts).
        asked: How many counted attempts asked it.
        right: How many got it right.
        top_wrong: The most chosen wrong answer, or None if no one answered wrongly.
        top_wrong_count: How many gave that answer.
    """

    key: Hashable
    label: str
    expected: str
    asked: int
    right: int
    top_wrong: str | None
    top_wrong_count: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.right / self.asked, 1) if self.asked else 0.0

    @property
    def missed(self) -> int:
        return self.asked - self.right


def answer_text(given: Any, kind: str = "") -> str:
    """An answer as one line of text (multiple select: the options, sorted; an order
    question: the items in the order given)."""
    if given is None:
        return ""
    if isinstance(given, list | tuple):
        if kind == "order":
            return order_text([str(g) for g in given])
        return ", ".join(sorted(str(g) for g in given))
    return str(given).strip()


def _analyse(
    records: Iterable[AnswerRecord],
    key: Callable[[AnswerRecord], Hashable],
    label: Callable[[AnswerRecord], str],
    expected: Callable[[AnswerRecord], str],
) -> list[ItemStat]:
    groups: dict[Hashable, list[AnswerRecord]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    stats = []
    for group_key, group in groups.items():
        # Typed answers differ in case and spacing; group those, show the commonest spelling.
        wrong = [answer_text(r.given, r.kind) for r in group if r.answered and not r.correct]
        wrong = [w for w in wrong if w]
        by_folded: dict[str, Counter] = defaultdict(Counter)
        for text in wrong:
            by_folded[" ".join(text.casefold().split())][text] += 1
        top_wrong, top_count = None, 0
        if by_folded:
            # max() keeps the first of equals: ties go to the answer given first.
            spellings = max(by_folded.values(), key=Counter.total)
            top_wrong, top_count = spellings.most_common(1)[0][0], spellings.total()
        first = group[0]
        stats.append(
            ItemStat(
                key=group_key,
                label=label(first),
                expected=expected(first),
                asked=len(group),
                right=sum(1 for r in group if r.correct),
                top_wrong=top_wrong,
                top_wrong_count=top_count,
            )
        )
    # Most missed on top: lowest percent right, then the most students affected.
    return sorted(stats, key=lambda s: (s.percent, -s.missed, s.label))


def question_stats(records: Iterable[AnswerRecord]) -> list[ItemStat]:
    """Per question: percent right and the commonest wrong answer, most missed first."""
    return _analyse(records, lambda r: r.question_id, lambda r: r.prompt, lambda r: r.expected)


def fact_stats(
    records: Iterable[AnswerRecord], fact_values: dict[Hashable, str] | None = None
) -> list[ItemStat]:
    """Per fact (over all its questions): the "what to reteach" list, most missed first.

    Args:
        records: Answer records of the counted attempts.
        fact_values: The value of each fact, shown as the right answer (defaults to the
            first question's expected answer).
    """
    values = fact_values or {}
    return _analyse(
        records,
        lambda r: r.fact_id,
        lambda r: r.fact_label,
        lambda r: values.get(r.fact_id, r.expected),
    )


# --- live games --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LivePlay:
    """What the gradebook needs of one player of a finished live game.

    Attributes:
        player_id: The player.
        user_id: Their account, or None for a guest.
        nickname: As shown in the game (orders ties).
        score: Points at the end.
        credit: The sum of their answers' credit (1 per right answer, partial for
            multiple select).
        removed: The host took them out of the game (they keep what they answered,
            but have no rank).
    """

    player_id: int
    user_id: int | None
    nickname: str
    score: int
    credit: float
    removed: bool = False


@dataclass(frozen=True)
class LiveResult:
    """One account's result in one live game.

    Attributes:
        played: False: absent (every other field is empty).
        percent: Credit over the questions asked, in percent, to one decimal.
        points: Points at the end.
        rank: Competition rank among the game's players, or None if removed.
        players: How many players were ranked.
    """

    played: bool
    percent: float | None = None
    points: int | None = None
    rank: int | None = None
    players: int = 0

    @property
    def removed(self) -> bool:
        return self.played and self.rank is None


ABSENT = LiveResult(played=False)


def live_percent(credit: float, asked: int) -> float:
    """Credit over questions asked, in percent to one decimal (0 when none was asked)."""
    return round(100.0 * credit / asked, 1) if asked > 0 else 0.0


def live_results(plays: Iterable[LivePlay], asked: int) -> dict[int, LiveResult]:
    """Each account's result in a finished game, by user id (guests have none).

    Args:
        plays: Every player of the game, guests and removed players included (ranks
            are among all players the host kept).
        asked: How many questions the game asked.
    """
    plays = list(plays)
    ranked = rank((p.player_id, p.nickname, p.score) for p in plays if not p.removed)
    ranks = {r.player_id: r.rank for r in ranked}
    return {
        p.user_id: LiveResult(
            played=True,
            percent=live_percent(p.credit, asked),
            points=p.score,
            rank=ranks.get(p.player_id),
            players=len(ranked),
        )
        for p in plays
        if p.user_id is not None
    }
