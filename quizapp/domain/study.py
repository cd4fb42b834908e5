"""Study-session rules that are not scheduling: which question asks a fact next, streaks,
which reviews count towards true retention.

A study item is a fact, and each review asks it with one of the fact's generated
questions. Rotating the kind of question (choice, typed, cloze, reverse...)
makes the learner recall the fact rather than recognise one card's wording.

Pure: no flask, no sqlalchemy; dates and times are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from quizapp.domain import scheduling
from quizapp.domain.scheduling import Rating, StudyState

__all__ = [
    "KIND_ROTATION",
    "MATURE_DAYS",
    "choose_question",
    "daily_tallies",
    "retention_tally",
    "streak",
]

# The order kinds take turns in. A new fact starts with recognition (choose the
# right value among four) before it is asked for recall (type it, fill the gap,
# name the subject from the value), and true/false checks the statement as a whole.
KIND_ROTATION: tuple[str, ...] = (
    "multiple_choice",
    "multiple_select",
    "typed",
    "cloze",
    "reverse",
    "true_false",
)


def choose_question(
    candidates: Sequence[tuple[str, str]], last_kind: str | None, reps: int = 0
) -> str | None:
    """Pick the question to show for a fact: the kind after the one shown last.

    Args:
        candidates: (question id, kind) of the fact's active questions.
        last_kind: The kind shown at the previous review, or None for a new fact.
        reps: Reviews so far; picks among several questions of one kind (a
            reverse question per value of a "many" fact) so they take turns too.

    Returns:
        A question id, or None if there are no candidates.
    """
    if not candidates:
        return None
    by_kind: dict[str, list[str]] = {}
    for question_id, kind in candidates:
        by_kind.setdefault(kind, []).append(question_id)
    # Kinds this module does not know go last, in name order, so a new kind still gets asked.
    order = [k for k in KIND_ROTATION if k in by_kind] + sorted(
        k for k in by_kind if k not in KIND_ROTATION
    )
    if last_kind in order:
        start = (order.index(last_kind) + 1) % len(order)
    elif last_kind is None:
        start = 0
    else:
        # The last kind is gone (its question retired): continue after where it would be.
        rank = {k: i for i, k in enumerate((*KIND_ROTATION, last_kind))}
        later = [i for i, k in enumerate(order) if rank.get(k, len(rank)) > rank[last_kind]]
        start = later[0] if later else 0
    ids = sorted(by_kind[order[start]])
    return ids[reps % len(ids)]


def streak(study_days: Iterable[date], today: date) -> int:
    """Count the study days in a row, up to today, with at least one review.

    A streak that has not been continued today yet still counts until the day
    is over: studying yesterday and the days before is a streak alive.

    Args:
        study_days: Dates of study days with a review.
        today: The current study date.

    Returns:
        The length of the streak in days (0 if neither today nor yesterday).
    """
    days = set(study_days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


# An item is mature once its stability reaches three weeks (Anki's definition).
MATURE_DAYS = 21.0


def retention_tally(
    state_before: str, stability_before: float | None, rating: int
) -> tuple[int, int]:
    """How one review counts towards true retention: (mature, passed).

    True retention is measured on mature items only: a review of an item that was in
    review with a stability of at least `MATURE_DAYS`; it passed unless rated Again.

    Args:
        state_before: The item's state before the review, as stored ("review", ...).
        stability_before: Its stability in days before the review (None for a new item).
        rating: The rating given, 1 (Again) to 4 (Easy).

    Returns:
        (1, 1) for a mature review passed, (1, 0) for one failed, (0, 0) otherwise.
    """
    if (
        state_before != StudyState.REVIEW.value
        or stability_before is None
        or stability_before < MATURE_DAYS
    ):
        return 0, 0
    return 1, int(rating != Rating.Again)


def daily_tallies(
    reviews: Iterable[tuple[datetime, int, str, float | None, int]], timezone: str
) -> dict[tuple[int, date], list[int]]:
    """Count reviews per (deck, study day): the rows the statistics read.

    Args:
        reviews: (reviewed_at, deck_id, state_before, stability_before, rating) of each
            review that counts (not undone).
        timezone: The learner's IANA timezone: study days end at 4 a.m. there.

    Returns:
        (deck_id, study date) -> [reviews, mature reviews, mature reviews passed].

    Raises:
        ValueError: Unknown timezone, or a naive `reviewed_at`.
    """
    tallies: dict[tuple[int, date], list[int]] = {}
    for reviewed_at, deck_id, state_before, stability_before, rating in reviews:
        key = (deck_id, scheduling.study_date(reviewed_at, timezone))
        counts = tallies.setdefault(key, [0, 0, 0])
        mature, passed = retention_tally(state_before, stability_before, rating)
        counts[0] += 1
        counts[1] += mature
        counts[2] += passed
    return tallies
