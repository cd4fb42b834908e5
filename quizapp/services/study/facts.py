"""A learner's facts one by one: browse them with their state, last review and next due
date; suspend, bury for today and reset one; the leeches (facts forgotten again and
again), the learner's own and, for a teacher, a class's per deck.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import MemoryState
from quizapp.extensions import db
from quizapp.models import ClassMembership, Deck, Fact, Question, User
from quizapp.models.study import StudyItem
from quizapp.services import NotFound, write_transaction
from quizapp.services.classroom import get_own_class
from quizapp.services.study.settings import get_prefs

PAGE_SIZE = 50
ACTIONS = ("suspend", "unsuspend", "bury", "reset")


@dataclass(frozen=True)
class FactRow:
    item: StudyItem
    fact: Fact
    deck: Deck


@dataclass(frozen=True)
class FactPage:
    rows: list[FactRow]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def _items(user: User, deck: Deck | None):
    query = (
        select(StudyItem, Fact, Deck)
        .join(Fact, Fact.id == StudyItem.fact_id)
        .join(Deck, Deck.id == StudyItem.deck_id)
        .where(StudyItem.user_id == user.id, Fact.retired_at.is_(None))
    )
    return query if deck is None else query.where(StudyItem.deck_id == deck.id)


def browse(user: User, *, deck: Deck | None, page: int = 1, leeches_only: bool = False) -> FactPage:
    """The user's facts (in one deck or all), by deck, subject and fact, 50 a page."""
    query = _items(user, deck)
    if leeches_only:
        query = query.where(StudyItem.leech.is_(True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(page, 1), max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))
    rows = db.session.execute(
        query.order_by(Deck.title, Fact.subject_name, Fact.relation_label, Fact.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return FactPage([FactRow(*row) for row in rows], page, total)


@dataclass(frozen=True)
class Leech:
    fact: Fact
    deck: Deck
    lapses: int
    suspended: bool
    questions: list[Question]


def leeches(user: User, *, deck: Deck | None = None) -> list[Leech]:
    """The user's leeches with the questions they are asked with, most forgotten first."""
    rows = db.session.execute(
        _items(user, deck)
        .where(StudyItem.leech.is_(True))
        .order_by(StudyItem.lapses.desc(), Fact.subject_name, Fact.id)
    ).all()
    if not rows:
        return []
    # The leeches' questions in one query, not one per leech.
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in db.session.scalars(
        select(Question)
        .where(
            Question.fact_id.in_({fact.id for _, fact, _ in rows}), Question.retired_at.is_(None)
        )
        .order_by(Question.kind, Question.id)
    ):
        questions[question.fact_id].append(question)
    return [
        Leech(fact, fact_deck, item.lapses, item.suspended, questions[fact.id])
        for item, fact, fact_deck in rows
    ]


@dataclass(frozen=True)
class ClassLeech:
    deck: Deck
    fact: Fact
    students: int  # how many of the class have it as a leech
    lapses: int  # their lapses on it, together


def class_leeches(teacher: User, class_id: int) -> list[ClassLeech]:
    """The leeches of a class's students, per deck and fact, most shared first.

    Raises:
        NotFound: Not a class this teacher teaches.
    """
    school_class = get_own_class(teacher, class_id)
    students = select(ClassMembership.student_id).where(ClassMembership.class_id == school_class.id)
    rows = db.session.execute(
        select(Deck, Fact, func.count(StudyItem.id), func.sum(StudyItem.lapses))
        .join(Fact, Fact.id == StudyItem.fact_id)
        .join(Deck, Deck.id == StudyItem.deck_id)
        .where(
            StudyItem.user_id.in_(students),
            StudyItem.leech.is_(True),
            Fact.retired_at.is_(None),
        )
        .group_by(Deck.id, Fact.id)
        .order_by(Deck.title, func.count(StudyItem.id).desc(), Fact.subject_name)
    ).all()
    return [ClassLeech(deck, fact, int(n), int(lapses or 0)) for deck, fact, n, lapses in rows]


def act(user: User, item_id: object, action: str, now: datetime) -> StudyItem:
    """Suspend, unsuspend, bury for the rest of today, or reset one of the user's facts.

    Reset makes the fact new again (no memory, no lapses, not a leech); its past reviews
    stay in the log, but the optimiser reads only those after the reset. Every action
    moves the item's version on, so a study page shown before it is stale.

    Raises:
        NotFound: Not one of the user's items, or an unknown action.
    """
    if action not in ACTIONS:
        raise NotFound(f"There is no action {action!r}.")
    with write_transaction() as session:
        item = None
        if isinstance(item_id, int) and not isinstance(item_id, bool):
            item = session.scalar(
                select(StudyItem)
                .where(StudyItem.id == item_id, StudyItem.user_id == user.id)
                .with_for_update()
            )
        if item is None:
            raise NotFound("There is no such study item.")
        if action == "suspend":
            item.suspended = True
        elif action == "unsuspend":
            item.suspended = False
        elif action == "bury":
            item.buried_until = scheduling.day_end(now, get_prefs(user).timezone)
        else:
            item.set_memory(MemoryState.new(now))
            item.reps = 0
            item.lapses = 0
            item.leech = False
            item.suspended = False
            item.buried_until = None
            item.reset_at = now
        item.version += 1
    return item
