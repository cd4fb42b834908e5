"""Study-session rules that are not scheduling: which question asks a fact next, streaks.

A study item is a fact, and each review asks it with one of the fact's generated
questions. Rotating the kind of question (choice, typed, cloze, reverse...)
makes the learner recall the fact rather than recognise one card's wording.

Pure: no flask, no sqlalchemy; dates and times are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

__all__ = ["KIND_ROTATION", "choose_question", "streak"]

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
