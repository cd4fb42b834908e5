"""Study items shared by every way of learning: study sessions, quizzes, live games.

A wrong answer anywhere makes the fact due for review, so quizzes and spaced
repetition reinforce each other. Callers run these inside their own write
transaction, so the answer and its effect on the schedule are stored together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.domain.scheduling import MemoryState, lapse_now
from quizapp.models import Fact
from quizapp.models.study import StudyItem


def get_or_create_items(
    session: Session, user_id: int, fact_ids: Iterable[int], now: datetime
) -> dict[int, StudyItem]:
    """The user's study items for these facts, creating NEW ones where missing."""
    fact_ids = set(fact_ids)
    items = {
        item.fact_id: item
        for item in session.scalars(
            select(StudyItem).where(StudyItem.user_id == user_id, StudyItem.fact_id.in_(fact_ids))
        )
    }
    missing = fact_ids - items.keys()
    if missing:
        rows = session.execute(select(Fact.id, Fact.deck_id).where(Fact.id.in_(missing)))
        decks = {fact_id: deck_id for fact_id, deck_id in rows}
        for fact_id in sorted(missing):
            item = StudyItem(user_id=user_id, fact_id=fact_id, deck_id=decks[fact_id])
            item.set_memory(MemoryState.new(now))
            session.add(item)
            items[fact_id] = item
        session.flush()
    return items


def mark_due_after_wrong_answers(
    session: Session, user_id: int, fact_ids: Iterable[int], now: datetime
) -> None:
    """Make facts the user just got wrong (in a quiz or game) due for review now.

    No FSRS review is invented: only the due date moves (see `scheduling.lapse_now`).
    """
    for item in get_or_create_items(session, user_id, fact_ids, now).values():
        item.set_memory(lapse_now(item.memory, now))
