"""Showing a study item: the user's own item, the question it is asked with (rotating
kinds), the card and the page with the queue counts and the next intervals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from quizapp.domain import questions as questions_domain
from quizapp.domain import scheduling
from quizapp.domain.scheduling import (
    Rating,
)
from quizapp.domain.study import choose_question
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Question, User
from quizapp.models.study import StudyItem
from quizapp.services import NotFound, ServiceError
from quizapp.services.study.queue import Counts, _Budget, _budget, _counts, _next_item_id
from quizapp.services.study.settings import Prefs, get_prefs

QUESTION_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Card:
    """One item ready to be shown: the question chosen for it, and the rating buttons."""

    item: StudyItem
    fact: Fact
    deck: Deck
    question_row: Question
    question: questions_domain.Question
    intervals: dict[Rating, str]

    @property
    def is_choice(self) -> bool:
        return bool(self.question.choices)


def _intervals(item: StudyItem, prefs: Prefs, now: datetime) -> dict[Rating, str]:
    previews = scheduling.preview_intervals(
        item.memory, now, prefs.scheduler(fuzzing=False), item.id
    )
    return {rating: scheduling.format_interval(delta) for rating, delta in previews.items()}


def _own_item(user: User, item_id: object) -> StudyItem:
    item = None
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        item = db.session.scalar(
            select(StudyItem).where(StudyItem.id == item_id, StudyItem.user_id == user.id)
        )
    if item is None:
        # The same answer for someone else's item as for none: ids can't be probed.
        raise NotFound("There is no such study item.")
    return item


def _active_question(item: StudyItem, question_id: object) -> Question:
    question = None
    if isinstance(question_id, str) and QUESTION_ID.fullmatch(question_id):
        question = db.session.scalar(
            select(Question).where(
                Question.id == question_id,
                Question.fact_id == item.fact_id,
                Question.retired_at.is_(None),
            )
        )
    if question is None:
        raise ServiceError("That question does not belong to this fact. Reload the page.")
    return question


def _choose(item: StudyItem) -> Question | None:
    candidates = db.session.execute(
        select(Question.id, Question.kind).where(
            Question.fact_id == item.fact_id, Question.retired_at.is_(None)
        )
    ).all()
    chosen = choose_question([(qid, kind) for qid, kind in candidates], item.last_kind, item.reps)
    return None if chosen is None else db.session.get(Question, chosen)


def card(
    user: User, *, deck: Deck | None = None, now: datetime, item_id: int | None = None
) -> Card | None:
    """The next item to study with its question, or None when done for now.

    Args:
        user: The learner.
        deck: Study this deck only; None for all decks.
        now: The current time.
        item_id: Show this item of the user's instead of the queue's next one (after
            undo, the learner sees the item they took back).

    Raises:
        NotFound: `item_id` is not one of the user's items.
    """
    prefs = get_prefs(user)
    budget = None if item_id is not None else _budget(user, prefs, deck, now)
    return _card(user, deck, now, item_id, prefs, budget)


def page(
    user: User, *, deck: Deck | None = None, now: datetime, item_id: int | None = None
) -> tuple[Card | None, Counts]:
    """The review page's data: `card` and `counts`, reading settings and limits once.

    Raises:
        NotFound: `item_id` is not one of the user's items.
    """
    prefs = get_prefs(user)
    budget = _budget(user, prefs, deck, now)
    return _card(user, deck, now, item_id, prefs, budget), _counts(user, deck, now, prefs, budget)


def _card(
    user: User,
    deck: Deck | None,
    now: datetime,
    item_id: int | None,
    prefs: Prefs,
    budget: _Budget | None,
) -> Card | None:
    if item_id is not None:
        item = _own_item(user, item_id)
    else:
        found = _next_item_id(user, deck, now, budget)
        item = None if found is None else db.session.get(StudyItem, found)
    if item is None:
        return None
    question_row = _choose(item)
    if question_row is None:  # a fact whose questions are all retired: nothing to ask
        return None
    return _shown(item, question_row, prefs, now)


def _shown(item: StudyItem, question_row: Question, prefs: Prefs, now: datetime) -> Card:
    """The card of an item asked with this question, as the page shows it at `now`."""
    return Card(
        item=item,
        fact=db.session.get(Fact, item.fact_id),
        deck=db.session.get(Deck, item.deck_id),
        question_row=question_row,
        question=questions_domain.Question.from_dict(question_row.payload),
        intervals=_intervals(item, prefs, now),
    )
