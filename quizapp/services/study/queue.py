"""What is due: enrolling a learner in a deck, the day's budget, the next item of the
queue (one index range per part, never the whole queue) and the counts shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, literal, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import (
    StudyState,
)
from quizapp.extensions import db
from quizapp.models import Deck, Fact, User
from quizapp.models.study import DeckStudyLimits, ReviewLog, StudyItem
from quizapp.services import write_transaction
from quizapp.services.study.exams import ExamToday, exams_today, next_in_share
from quizapp.services.study.settings import Prefs, get_prefs
from quizapp.services.study.sql import _epoch_days, epoch_days
from quizapp.services.study_items import get_or_create_items

LEARNING_STATES = (StudyState.LEARNING.value, StudyState.RELEARNING.value)


def enroll(user: User, deck: Deck, now: datetime) -> int:
    """Add the deck's active facts the user does not study yet, as NEW items.

    Idempotent: running it again adds only facts added to the deck since.

    Returns:
        How many facts were added.
    """
    with write_transaction() as session:
        fact_ids = set(
            session.scalars(
                select(Fact.id).where(Fact.deck_id == deck.id, Fact.retired_at.is_(None))
            )
        )
        known = set(
            session.scalars(
                select(StudyItem.fact_id).where(
                    StudyItem.user_id == user.id, StudyItem.deck_id == deck.id
                )
            )
        )
        missing = fact_ids - known
        if missing:
            get_or_create_items(session, user.id, missing, now)
    return len(missing)


@dataclass(frozen=True)
class Enrolment:
    """How many of a deck's active facts the learner studies."""

    studied: int
    total: int

    @property
    def missing(self) -> int:
        return max(self.total - self.studied, 0)


def enrolment(user: User, deck: Deck) -> Enrolment:
    """The learner's items in `deck` against its active facts: a quiz enrols only the
    facts missed in it, and the learner should see that the rest exist."""
    active = select(Fact.id).where(Fact.deck_id == deck.id, Fact.retired_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(active.subquery())) or 0
    # A join, not "fact_id IN (active)": PostgreSQL planned the IN as a scan of every
    # item of the learner (343 ms at 100,000 items); the join walks the deck's items in
    # the (user, deck, ...) index and looks each fact up by its key.
    studied = db.session.scalar(
        select(func.count(StudyItem.id))
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(
            StudyItem.user_id == user.id,
            StudyItem.deck_id == deck.id,
            Fact.retired_at.is_(None),
        )
    )
    return Enrolment(studied or 0, total)


@dataclass(frozen=True)
class _Budget:
    """What is left of today's limits for one study scope."""

    new_left: int
    reviews_left: int
    # In "all decks": decks whose own limit is used up today.
    new_closed: frozenset[int] = frozenset()
    reviews_closed: frozenset[int] = frozenset()
    # In "all decks": what is left of each deck's own limit (decks with limits only).
    new_by_deck: dict[int, int] = field(default_factory=dict)
    reviews_by_deck: dict[int, int] = field(default_factory=dict)
    # Exams ahead in this scope, each with what is left of today's share of at-risk facts.
    exams: tuple[tuple[ExamToday, int], ...] = ()


def _done_today(user_id: int, since: datetime, deck_id: int | None = None) -> dict:
    """New facts introduced, REVIEW items reviewed, and of those the ones reviewed before
    they were due (brought forward for an exam) since `since`, by deck."""
    is_new = case((ReviewLog.state_before == StudyState.NEW.value, 1), else_=0)
    is_review = case((ReviewLog.state_before == StudyState.REVIEW.value, 1), else_=0)
    is_early = case(
        (
            (ReviewLog.state_before == StudyState.REVIEW.value)
            & (ReviewLog.due_before > ReviewLog.reviewed_at),
            1,
        ),
        else_=0,
    )
    query = (
        select(ReviewLog.deck_id, func.sum(is_new), func.sum(is_review), func.sum(is_early))
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.reviewed_at >= since,
            ReviewLog.undone_at.is_(None),
        )
        .group_by(ReviewLog.deck_id)
    )
    if deck_id is not None:
        query = query.where(ReviewLog.deck_id == deck_id)
    return {
        row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))
        for row in db.session.execute(query)
    }


def _budget(user: User, prefs: Prefs, deck: Deck | None, now: datetime) -> _Budget:
    since = scheduling.day_start(now, prefs.timezone)
    done = _done_today(user.id, since)
    new_done = sum(n for n, _, _ in done.values())
    reviews_done = sum(r for _, r, _ in done.values())
    new_left = max(prefs.new_per_day - new_done, 0)
    reviews_left = max(prefs.reviews_per_day - reviews_done, 0)
    limits = DeckStudyLimits
    limit_rows = db.session.execute(
        select(limits.deck_id, limits.new_per_day, limits.reviews_per_day).where(
            limits.user_id == user.id
        )
    ).all()
    new_by_deck = {}
    reviews_by_deck = {}
    for deck_id, new_limit, review_limit in limit_rows:
        deck_new, deck_reviews, _ = done.get(deck_id, (0, 0, 0))
        new_by_deck[deck_id] = max(new_limit - deck_new, 0)
        reviews_by_deck[deck_id] = max(review_limit - deck_reviews, 0)
    exams = tuple(
        (exam, max(exam.quota - done.get(exam.deck_id, (0, 0, 0))[2], 0))
        for exam in exams_today(user, prefs, now)
        if deck is None or exam.deck_id == deck.id
    )
    if deck is not None:
        return _Budget(
            min(new_left, new_by_deck.get(deck.id, new_left)),
            min(reviews_left, reviews_by_deck.get(deck.id, reviews_left)),
            exams=exams,
        )
    return _Budget(
        new_left,
        reviews_left,
        frozenset(d for d, left in new_by_deck.items() if left == 0),
        frozenset(d for d, left in reviews_by_deck.items() if left == 0),
        new_by_deck,
        reviews_by_deck,
        exams,
    )


def _active(user_id: int, deck: Deck | None, state_condition, now: datetime):
    """This user's items (in one deck or all) whose fact is not retired and that are not
    suspended or buried at `now`, by state.

    Suspended and buried items are few, like retired facts: each is a short list read
    from its own index, and the queue index holds `id`, so the queue never reads the table.
    """
    retired = select(Fact.id).where(Fact.retired_at.is_not(None))
    suspended = select(StudyItem.id).where(
        StudyItem.user_id == user_id, StudyItem.suspended.is_(True)
    )
    buried = select(StudyItem.id).where(StudyItem.user_id == user_id, StudyItem.buried_until > now)
    query = select(StudyItem.id, StudyItem.due).where(
        StudyItem.user_id == user_id,
        state_condition,
        StudyItem.fact_id.not_in(retired),
        StudyItem.id.not_in(suspended),
        StudyItem.id.not_in(buried),
    )
    if deck is not None:
        query = query.where(StudyItem.deck_id == deck.id)
    return query


def _candidates(user_id: int, deck: Deck | None, state: str, now: datetime):
    """Due items in one state. Only columns of the queue index are read."""
    return _active(user_id, deck, StudyItem.state == state, now).where(StudyItem.due <= now)


def _first(query) -> tuple[int, datetime] | None:
    row = db.session.execute(query.limit(1)).first()
    return None if row is None else (row.id, row.due)


def _next_item_id(user: User, deck: Deck | None, now: datetime, budget: _Budget) -> int | None:
    # Learning and relearning: one ordered index range per state, the earlier due wins.
    learning = [
        found
        for state in LEARNING_STATES
        if (
            found := _first(
                _candidates(user.id, deck, state, now).order_by(StudyItem.due, StudyItem.id)
            )
        )
    ]
    if learning:
        return min(learning, key=lambda found: (found[1], found[0]))[0]
    if budget.reviews_left > 0:
        # Most overdue relative to stability first, as scheduling.overdue_priority. The
        # index holds (state, due, stability): the due reviews are ranked from it alone.
        priority = (literal(_epoch_days(now)) - epoch_days(StudyItem.due)) / StudyItem.stability
        reviews = _candidates(user.id, deck, StudyState.REVIEW.value, now).order_by(
            priority.desc(), StudyItem.due, StudyItem.id
        )
        if budget.reviews_closed:
            reviews = reviews.where(StudyItem.deck_id.not_in(budget.reviews_closed))
        found = _first(reviews)
        if found is not None:
            return found[0]
    for exam, left in budget.exams:
        if left > 0:
            found_id = next_in_share(user.id, exam, exam.quota - left, now)
            if found_id is not None:
                return found_id
    if budget.new_left > 0:
        new = _candidates(user.id, deck, StudyState.NEW.value, now).order_by(
            StudyItem.due, StudyItem.id
        )
        if budget.new_closed:
            new = new.where(StudyItem.deck_id.not_in(budget.new_closed))
        found = _first(new)
        if found is not None:
            return found[0]
    return None


def next_item(user: User, *, deck: Deck | None = None, now: datetime) -> StudyItem | None:
    """The item to study next (in one deck, or in all), or None when done for now."""
    prefs = get_prefs(user)
    item_id = _next_item_id(user, deck, now, _budget(user, prefs, deck, now))
    return None if item_id is None else db.session.get(StudyItem, item_id)


@dataclass(frozen=True)
class Counts:
    """What is left to study today, and what was done."""

    new: int
    learning: int
    review: int
    done: int

    @property
    def left(self) -> int:
        return self.new + self.learning + self.review


def _capped_count(query, cap: int) -> int:
    # Counting stops at `cap`: "20 new left" never needs the 50,000 new items behind it.
    if cap <= 0:
        return 0
    return db.session.scalar(select(func.count()).select_from(query.limit(cap).subquery())) or 0


def counts(user: User, *, deck: Deck | None = None, now: datetime) -> Counts:
    """New, learning and review items left in today's study day, and reviews done today.

    Learning and review items count when due before the study day ends (4 a.m.
    local time); new ones up to what is left of the day's new-fact limit.
    """
    prefs = get_prefs(user)
    return _counts(user, deck, now, prefs, _budget(user, prefs, deck, now))


def _counts(user: User, deck: Deck | None, now: datetime, prefs: Prefs, budget: _Budget) -> Counts:
    end = scheduling.day_end(now, prefs.timezone)
    start = scheduling.day_start(now, prefs.timezone)
    learning = db.session.scalar(
        select(func.count()).select_from(
            _active(user.id, deck, StudyItem.state.in_(LEARNING_STATES), now)
            .where(StudyItem.due < end)
            .subquery()
        )
    )

    def part(state: str, due, left: int, by_deck: dict[int, int]) -> int:
        query = _active(user.id, deck, StudyItem.state == state, now).where(due)
        if deck is not None or not by_deck:
            return _capped_count(query, left)
        # In "all decks", a deck with its own limit counts up to that limit.
        total = _capped_count(query.where(StudyItem.deck_id.not_in(by_deck)), left)
        for deck_id, deck_left in by_deck.items():
            total += _capped_count(query.where(StudyItem.deck_id == deck_id), deck_left)
        return min(total, left)

    review = part(
        StudyState.REVIEW.value, StudyItem.due < end, budget.reviews_left, budget.reviews_by_deck
    )
    # What is left of today's share of facts brought forward for an exam.
    review += sum(left for _, left in budget.exams)
    new = part(StudyState.NEW.value, StudyItem.due <= now, budget.new_left, budget.new_by_deck)
    done_query = select(func.count(ReviewLog.id)).where(
        ReviewLog.user_id == user.id,
        ReviewLog.reviewed_at >= start,
        ReviewLog.undone_at.is_(None),
    )
    if deck is not None:
        done_query = done_query.where(ReviewLog.deck_id == deck.id)
    done = db.session.scalar(done_query) or 0
    return Counts(new=new, learning=learning or 0, review=review, done=done)
