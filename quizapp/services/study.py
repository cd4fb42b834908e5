"""Studying with spaced repetition: the queue, answering, undo, settings.

A study item is one (user, fact) with one FSRS memory state; each review asks
the fact with one of its questions, rotating kinds (see `domain.study`).

The queue follows `scheduling.queue_order` (the reference) with one query per
part, each an index range over rows that are due: learning items by due, then
REVIEW items by how overdue they are relative to their stability, then NEW
items, within the day's limits. Only the next item is read, never the queue.

Answering is two steps. `check` grades an answer on the server and proposes a
rating, writing nothing; `answer` records the review with the rating the
learner confirmed (grading again: the browser is never trusted with the
verdict). A review is written once: the form carries a request id, unique per
user in the log, and the item version it was shown at, so a replayed form is a
no-op and an answer from a stale tab is refused. `undo` puts the item back
exactly as the log's "before" columns say and marks the log row undone.

Time is always an argument (`now`); views pass `utcnow()`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Float

from quizapp.domain import grading, scheduling
from quizapp.domain import questions as questions_domain
from quizapp.domain.scheduling import (
    MAX_DESIRED_RETENTION,
    MIN_DESIRED_RETENTION,
    DailyLimits,
    Rating,
    SchedulerSettings,
    StudyState,
)
from quizapp.domain.study import choose_question
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Question, User
from quizapp.models.study import DeckStudyLimits, ReviewLog, StudyItem, StudySettings
from quizapp.services import NotFound, ServiceError, is_request_id, write_transaction
from quizapp.services.study_items import get_or_create_items

__all__ = [
    "CHOICE_KINDS",
    "MAX_DAILY_LIMIT",
    "AnswerResult",
    "Card",
    "Counts",
    "Feedback",
    "Prefs",
    "StaleAnswer",
    "answer",
    "card",
    "check",
    "counts",
    "deck_limits",
    "enroll",
    "get_prefs",
    "last_review",
    "next_item",
    "page",
    "set_browser_timezone",
    "timezone_names",
    "undo",
    "update_deck_limits",
    "update_settings",
    "valid_timezone",
]

MAX_DAILY_LIMIT = 9999
MAX_ANSWER_LENGTH = 500
# Longer than this is a learner who walked away: the time is capped, not trusted.
MAX_ELAPSED_MS = 10 * 60 * 1000
QUESTION_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
TIMEZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")
LEARNING_STATES = (StudyState.LEARNING.value, StudyState.RELEARNING.value)
CHOICE_KINDS = frozenset({"multiple_choice", "true_false", "multiple_select"})


class StaleAnswer(ServiceError):
    """The item moved on since the page was shown (another tab, a double submit)."""

    status = 409


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefs:
    """A user's study settings, with the defaults filled in."""

    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    timezone: str
    timezone_chosen: bool

    @property
    def limits(self) -> DailyLimits:
        return DailyLimits(self.new_per_day, self.reviews_per_day)

    def scheduler(self, fuzzing: bool) -> SchedulerSettings:
        return SchedulerSettings(desired_retention=self.desired_retention, enable_fuzzing=fuzzing)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_timezone(name: str | None) -> bool:
    """Whether `name` is an IANA timezone this machine knows ("Europe/Berlin")."""
    if not isinstance(name, str) or not TIMEZONE_NAME.fullmatch(name) or ".." in name:
        return False
    known = _timezones()
    if known:
        return name in known
    try:  # no zone list on this machine: ask zoneinfo about this one name
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def timezone_names() -> list[str]:
    return sorted(_timezones())


def get_prefs(user: User) -> Prefs:
    row = db.session.get(StudySettings, user.id)
    timezone = user.timezone if valid_timezone(user.timezone) else "UTC"
    if row is None:
        return Prefs(
            scheduling.DEFAULT_DESIRED_RETENTION,
            scheduling.DEFAULT_NEW_PER_DAY,
            scheduling.DEFAULT_REVIEWS_PER_DAY,
            timezone,
            False,
        )
    return Prefs(
        row.desired_retention, row.new_per_day, row.reviews_per_day, timezone, row.timezone_chosen
    )


def _check_limit(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAILY_LIMIT:
        raise ServiceError(f"{name} must be a whole number from 0 to {MAX_DAILY_LIMIT}.")
    return value


def update_settings(
    user: User,
    *,
    desired_retention: float,
    new_per_day: int,
    reviews_per_day: int,
    timezone: str,
    now: datetime,
) -> Prefs:
    """Save a user's study settings.

    Raises:
        ServiceError: A value is out of range or the timezone is unknown.
    """
    if (
        isinstance(desired_retention, bool)
        or not isinstance(desired_retention, int | float)
        or not MIN_DESIRED_RETENTION <= desired_retention <= MAX_DESIRED_RETENTION
    ):
        raise ServiceError(
            f"Desired retention must be between {MIN_DESIRED_RETENTION:.2f} "
            f"and {MAX_DESIRED_RETENTION:.2f}."
        )
    _check_limit("New facts per day", new_per_day)
    _check_limit("Reviews per day", reviews_per_day)
    if not valid_timezone(timezone):
        raise ServiceError(f"Unknown timezone {timezone!r}: use a name like Europe/Berlin.")
    with write_transaction() as session:
        row = session.get(StudySettings, user.id) or StudySettings(user_id=user.id)
        session.add(row)
        row.desired_retention = float(desired_retention)
        row.new_per_day = new_per_day
        row.reviews_per_day = reviews_per_day
        row.timezone_chosen = True
        row.updated_at = now
        session.get(User, user.id).timezone = timezone
    return get_prefs(user)


def set_browser_timezone(user: User, timezone: str | None, now: datetime) -> bool:
    """Take the browser's timezone as the user's, unless they chose one themselves.

    Returns:
        Whether the timezone changed. An unknown name is ignored (it is only a guess).
    """
    if not valid_timezone(timezone) or timezone == user.timezone:
        return False
    row = db.session.get(StudySettings, user.id)
    if row is not None and row.timezone_chosen:
        return False
    with write_transaction() as session:
        session.get(User, user.id).timezone = timezone
    return True


def deck_limits(user: User, deck: Deck) -> DailyLimits | None:
    row = db.session.scalar(
        select(DeckStudyLimits).where(
            DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
        )
    )
    return None if row is None else DailyLimits(row.new_per_day, row.reviews_per_day)


def update_deck_limits(
    user: User, deck: Deck, *, new_per_day: int | None, reviews_per_day: int | None, now: datetime
) -> DailyLimits | None:
    """Set the user's daily limits for one deck; both None removes them.

    Raises:
        ServiceError: A limit is out of range, or only one of the two is given.
    """
    if new_per_day is None and reviews_per_day is None:
        with write_transaction() as session:
            row = session.scalar(
                select(DeckStudyLimits).where(
                    DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
                )
            )
            if row is not None:
                session.delete(row)
        return None
    if new_per_day is None or reviews_per_day is None:
        raise ServiceError("Give both deck limits, or neither to use your overall limits.")
    _check_limit("New facts per day", new_per_day)
    _check_limit("Reviews per day", reviews_per_day)
    with write_transaction() as session:
        row = session.scalar(
            select(DeckStudyLimits).where(
                DeckStudyLimits.user_id == user.id, DeckStudyLimits.deck_id == deck.id
            )
        )
        if row is None:
            row = DeckStudyLimits(user_id=user.id, deck_id=deck.id)
            session.add(row)
        row.new_per_day = new_per_day
        row.reviews_per_day = reviews_per_day
        row.updated_at = now
    return DailyLimits(new_per_day, reviews_per_day)


# --- enrolling --------------------------------------------------------------------------------


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


# --- the queue --------------------------------------------------------------------------------


class epoch_days(FunctionElement):
    """Days since 1970-01-01 UTC of a timestamp column, as a float, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element, compiler, **kw):
    # UTCDateTime stores naive UTC text on SQLite; julianday() reads it.
    return f"(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5)"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element, compiler, **kw):
    return f"(extract(epoch from {compiler.process(element.clauses, **kw)}) / 86400.0)"


def _epoch_days(moment: datetime) -> float:
    return moment.timestamp() / 86_400.0


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


def _done_today(user_id: int, since: datetime, deck_id: int | None = None) -> dict:
    """New facts introduced and REVIEW items reviewed since `since`, by deck."""
    is_new = case((ReviewLog.state_before == StudyState.NEW.value, 1), else_=0)
    is_review = case((ReviewLog.state_before == StudyState.REVIEW.value, 1), else_=0)
    query = (
        select(ReviewLog.deck_id, func.sum(is_new), func.sum(is_review))
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.reviewed_at >= since,
            ReviewLog.undone_at.is_(None),
        )
        .group_by(ReviewLog.deck_id)
    )
    if deck_id is not None:
        query = query.where(ReviewLog.deck_id == deck_id)
    return {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in db.session.execute(query)}


def _budget(user: User, prefs: Prefs, deck: Deck | None, now: datetime) -> _Budget:
    since = scheduling.day_start(now, prefs.timezone)
    done = _done_today(user.id, since)
    new_done = sum(n for n, _ in done.values())
    reviews_done = sum(r for _, r in done.values())
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
        deck_new, deck_reviews = done.get(deck_id, (0, 0))
        new_by_deck[deck_id] = max(new_limit - deck_new, 0)
        reviews_by_deck[deck_id] = max(review_limit - deck_reviews, 0)
    if deck is not None:
        return _Budget(
            min(new_left, new_by_deck.get(deck.id, new_left)),
            min(reviews_left, reviews_by_deck.get(deck.id, reviews_left)),
        )
    return _Budget(
        new_left,
        reviews_left,
        frozenset(d for d, left in new_by_deck.items() if left == 0),
        frozenset(d for d, left in reviews_by_deck.items() if left == 0),
        new_by_deck,
        reviews_by_deck,
    )


def _active(user_id: int, deck: Deck | None, state_condition):
    """This user's items (in one deck or all) whose fact is not retired, by state."""
    retired = select(Fact.id).where(Fact.retired_at.is_not(None))
    query = select(StudyItem.id, StudyItem.due).where(
        StudyItem.user_id == user_id, state_condition, StudyItem.fact_id.not_in(retired)
    )
    if deck is not None:
        query = query.where(StudyItem.deck_id == deck.id)
    return query


def _candidates(user_id: int, deck: Deck | None, state: str, now: datetime):
    """Due items in one state. Only columns of the queue index are read."""
    return _active(user_id, deck, StudyItem.state == state).where(StudyItem.due <= now)


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
            _active(user.id, deck, StudyItem.state.in_(LEARNING_STATES))
            .where(StudyItem.due < end)
            .subquery()
        )
    )

    def part(state: str, due, left: int, by_deck: dict[int, int]) -> int:
        query = _active(user.id, deck, StudyItem.state == state).where(due)
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


# --- showing an item --------------------------------------------------------------------------


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
    return Card(
        item=item,
        fact=db.session.get(Fact, item.fact_id),
        deck=db.session.get(Deck, item.deck_id),
        question_row=question_row,
        question=questions_domain.Question.from_dict(question_row.payload),
        intervals=_intervals(item, prefs, now),
    )


# --- answering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer, before the learner confirms a rating."""

    card: Card
    response: str | tuple[str, ...] | None
    judgement: grading.Judgement | None  # None: the learner only revealed the answer
    proposed: Rating | None
    elapsed_ms: int

    @property
    def revealed(self) -> bool:
        return self.judgement is None


def _clean_response(
    question: questions_domain.Question, response: str | Sequence[str] | None
) -> str | tuple[str, ...] | None:
    """Validate what the learner sent; None means "show me the answer" (no attempt)."""
    if response is None:
        return None
    if question.kind == "multiple_select":
        picks = (response,) if isinstance(response, str) else tuple(response)
        picks = tuple(p for p in picks if p)
        if not picks:
            return None
        if any(p not in question.choices for p in picks) or len(set(picks)) != len(picks):
            raise ServiceError("That is not one of the options. Reload the page.")
        return picks
    if not isinstance(response, str):
        raise ServiceError("This question takes one answer.")
    response = response.strip()
    if not response:
        return None
    if "\x00" in response:
        raise ServiceError("An answer cannot contain a NUL character.")
    if len(response) > MAX_ANSWER_LENGTH:
        raise ServiceError(f"An answer can be at most {MAX_ANSWER_LENGTH} characters.")
    if question.choices and response not in question.choices:
        raise ServiceError("That is not one of the options. Reload the page.")
    return response


def _clean_elapsed(elapsed_ms: object) -> int:
    if isinstance(elapsed_ms, bool) or not isinstance(elapsed_ms, int):
        raise ServiceError("The answer time must be a whole number of milliseconds.")
    return min(max(elapsed_ms, 0), MAX_ELAPSED_MS)


def _judge(
    question: questions_domain.Question, response: str | tuple[str, ...] | None, elapsed_ms: int
) -> tuple[grading.Judgement | None, Rating | None]:
    if response is None:
        return None, None
    judgement = grading.judge(question, response)
    proposed = scheduling.propose_rating(judgement.correct, elapsed_ms / 1000, question.kind)
    return judgement, proposed


def _shown_card(user: User, item_id: object, question_id: object, version: object, now):
    item = _own_item(user, item_id)
    if version != item.version:
        raise StaleAnswer("You already answered this fact (in another tab?). Here is the next one.")
    question_row = _active_question(item, question_id)
    prefs = get_prefs(user)
    return Card(
        item=item,
        fact=db.session.get(Fact, item.fact_id),
        deck=db.session.get(Deck, item.deck_id),
        question_row=question_row,
        question=questions_domain.Question.from_dict(question_row.payload),
        intervals=_intervals(item, prefs, now),
    )


def check(
    user: User,
    *,
    item_id: int,
    question_id: str,
    version: int,
    response: str | Sequence[str] | None,
    elapsed_ms: int,
    now: datetime,
) -> Feedback:
    """Grade an answer and propose a rating. Writes nothing.

    Raises:
        NotFound: Not one of the user's items.
        StaleAnswer: The item was answered since the page was made.
        ServiceError: The question is not this fact's, or the answer is malformed.
    """
    shown = _shown_card(user, item_id, question_id, version, now)
    cleaned = _clean_response(shown.question, response)
    elapsed = _clean_elapsed(elapsed_ms)
    judgement, proposed = _judge(shown.question, cleaned, elapsed)
    return Feedback(shown, cleaned, judgement, proposed, elapsed)


@dataclass(frozen=True)
class AnswerResult:
    """The stored review; `replayed` when the request had been recorded before."""

    log: ReviewLog
    replayed: bool


def _existing(user_id: int, request_id: str) -> ReviewLog | None:
    return db.session.scalar(
        select(ReviewLog).where(ReviewLog.user_id == user_id, ReviewLog.request_id == request_id)
    )


def _rating(value: object) -> Rating:
    if isinstance(value, bool) or not isinstance(value, int) or value not in range(1, 5):
        raise ServiceError("A rating is 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    return Rating(value)


def answer(
    user: User,
    *,
    item_id: int,
    question_id: str,
    version: int,
    request_id: str,
    rating: int,
    response: str | Sequence[str] | None,
    elapsed_ms: int,
    now: datetime,
    fuzzing: bool = True,
) -> AnswerResult:
    """Record a review rated `rating` and reschedule the item.

    Args:
        user: The learner.
        item_id: Their study item.
        question_id: The question that was shown (one of the fact's active ones).
        version: The item's version when the question was shown.
        request_id: The form's id; the same id again records nothing more.
        rating: 1-4, as the learner confirmed it.
        response: What they answered (graded again here), None if they only revealed it.
        elapsed_ms: How long they took.
        now: When the review happens.
        fuzzing: Whether fsrs may spread the interval a little (off in tests).

    Returns:
        The review, and whether it had been recorded already.

    Raises:
        NotFound: Not one of the user's items.
        StaleAnswer: The item was answered since the page was made (another tab).
        ServiceError: Bad rating, request id, question or answer.
    """
    rating = _rating(rating)
    if not is_request_id(request_id):
        raise ServiceError("The form is missing its request id. Reload the page.")
    elapsed = _clean_elapsed(elapsed_ms)
    prefs = get_prefs(user)
    settings = prefs.scheduler(fuzzing)
    try:
        with write_transaction() as session:
            # Lock the item first: on PostgreSQL a second tab waits here, then sees the
            # new version; SQLite's BEGIN IMMEDIATE already serialises writers.
            item = (
                session.scalar(
                    select(StudyItem)
                    .where(StudyItem.id == item_id, StudyItem.user_id == user.id)
                    .with_for_update()
                )
                if isinstance(item_id, int) and not isinstance(item_id, bool)
                else None
            )
            if item is None:
                raise NotFound("There is no such study item.")
            existing = _existing(user.id, request_id)
            if existing is not None:
                if existing.item_id != item.id:
                    raise ServiceError("This form was already used for another fact.")
                return AnswerResult(existing, replayed=True)
            if version != item.version:
                raise StaleAnswer(
                    "You already answered this fact (in another tab?). Here is the next one."
                )
            question_row = _active_question(item, question_id)
            question = questions_domain.Question.from_dict(question_row.payload)
            cleaned = _clean_response(question, response)
            judgement, _ = _judge(question, cleaned, elapsed)
            before = item.memory
            after = scheduling.review(before, rating, now, settings, item_id=item.id)
            log = ReviewLog(
                user_id=user.id,
                item_id=item.id,
                fact_id=item.fact_id,
                deck_id=item.deck_id,
                question_id=question_row.id,
                kind=question_row.kind,
                request_id=request_id,
                rating=int(rating),
                answer=None if cleaned is None else _answer_text(cleaned),
                correct=None if judgement is None else judgement.correct,
                elapsed_ms=elapsed,
                reviewed_at=now,
                state_before=before.state.value,
                step_before=before.step,
                stability_before=before.stability,
                difficulty_before=before.difficulty,
                due_before=before.due,
                last_review_before=before.last_review,
                reps_before=item.reps,
                lapses_before=item.lapses,
                last_kind_before=item.last_kind,
                state_after=after.state.value,
                step_after=after.step,
                stability_after=after.stability,
                difficulty_after=after.difficulty,
                due_after=after.due,
            )
            session.add(log)
            item.set_memory(after)
            item.reps += 1
            if before.state is StudyState.REVIEW and rating == Rating.Again:
                item.lapses += 1
            item.last_kind = question_row.kind
            item.version += 1
            session.flush()
            return AnswerResult(log, replayed=False)
    except IntegrityError:
        # Two requests with one request id raced; the other one won and was committed.
        existing = _existing(user.id, request_id)
        if existing is None:
            raise
        return AnswerResult(existing, replayed=True)


def _answer_text(response: str | tuple[str, ...]) -> str:
    return response if isinstance(response, str) else "\n".join(response)


# --- undo -------------------------------------------------------------------------------------


def _latest(user_id: int) -> ReviewLog | None:
    return db.session.scalar(
        select(ReviewLog)
        .where(ReviewLog.user_id == user_id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(1)
    )


def last_review(user: User) -> ReviewLog | None:
    """The user's most recent review that has not been undone (what Undo takes back)."""
    return _latest(user.id)


def undo(user: User, review_id: int, now: datetime) -> ReviewLog:
    """Take back a review: the item gets exactly its state from before it.

    Only the user's most recent review can be undone; then the one before it, and
    so on. Undoing the same review twice (a double click) changes nothing more.

    Raises:
        NotFound: Not one of the user's reviews.
        StaleAnswer: It is not the most recent review any more.
    """
    with write_transaction() as session:
        log = None
        if isinstance(review_id, int) and not isinstance(review_id, bool):
            log = session.scalar(
                select(ReviewLog).where(ReviewLog.id == review_id, ReviewLog.user_id == user.id)
            )
        if log is None:
            raise NotFound("There is no such answer to undo.")
        if log.undone_at is not None:
            return log
        latest = _latest(user.id)
        if latest is None or latest.id != log.id:
            raise StaleAnswer("Only your most recent answer can be undone.")
        item = session.scalar(
            select(StudyItem).where(StudyItem.id == log.item_id).with_for_update()
        )
        item.set_memory(log.memory_before)
        item.reps = log.reps_before
        item.lapses = log.lapses_before
        item.last_kind = log.last_kind_before
        item.version += 1
        log.undone_at = now
    return log
