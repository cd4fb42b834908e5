"""Study statistics for one user, over all decks or one: read-only, except that the
daily counts are made again from the log once after a change of timezone.

Days are the user's study days (4 a.m. to 4 a.m. in their timezone). Reviews are
read from the daily counts kept with them (`services.review_days`): one row a day
whatever the history. Items (states, forecast, mastery) are read once per view; the
forecast's days are put together here, in Python, which works the same on SQLite and
PostgreSQL and in every timezone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import StudyState
from quizapp.domain.study import MATURE_DAYS, streak
from quizapp.extensions import db
from quizapp.models import Deck, Fact, User
from quizapp.models.study import StudyItem
from quizapp.models.types import UTCDateTime
from quizapp.services import NotFound, review_days
from quizapp.services.study import get_prefs, sql

__all__ = [
    "FORECAST_DAYS",
    "HEATMAP_DAYS",
    "MASTERY_PER_PAGE",
    "MATURE_DAYS",
    "RETENTION_DAYS",
    "ChartNumbers",
    "DayCount",
    "MasteryPage",
    "MasteryRow",
    "Stats",
    "chart_numbers",
    "mastery_page",
    "study_stats",
]

HEATMAP_DAYS = 90
RETENTION_DAYS = 30
FORECAST_DAYS = 30
STREAK_DAYS = 365
# A fact is "known" when it is in review (not being learnt or relearnt after a miss),
# its memory lasts at least a week, and it would be recalled now with at least 90 %.
# Retrievability alone is near 1 just after any review, right or wrong: a learner who
# missed 44 of 46 saw them all "known".
KNOWN_RETRIEVABILITY = 0.9
KNOWN_STABILITY_DAYS = 7.0


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class RetentionDay:
    day: date
    reviews: int  # reviews of mature items
    passed: int  # of them, not rated Again

    @property
    def percent(self) -> float | None:
        return None if self.reviews == 0 else 100.0 * self.passed / self.reviews


@dataclass(frozen=True)
class MasteryRow:
    entity: str
    facts: int
    studied: int
    learning: int  # being learnt, or relearnt after a miss
    known: int
    average_retrievability: float | None  # over facts in review


@dataclass(frozen=True)
class Stats:
    today: date
    reviews_per_day: list[DayCount]  # the last HEATMAP_DAYS + 1 study days, oldest first
    retention: list[RetentionDay]  # the last RETENTION_DAYS study days
    forecast: list[DayCount]  # today (with everything overdue) and the next days
    states: dict[str, int]
    streak: int
    mastery: list[MasteryRow]

    @property
    def total_reviews(self) -> int:
        return sum(d.count for d in self.reviews_per_day)

    @property
    def true_retention(self) -> float | None:
        reviews = sum(d.reviews for d in self.retention)
        passed = sum(d.passed for d in self.retention)
        return None if reviews == 0 else 100.0 * passed / reviews


def _day_starts(first: date, days: int, timezone: str) -> list[datetime]:
    """UTC start of each study day from `first`, plus the end of the last one."""
    zone = ZoneInfo(timezone)
    starts = []
    for offset in range(days + 1):
        # Noon local time always lies inside its own study day (which starts at 4 a.m.).
        noon = datetime.combine(first + timedelta(days=offset), time(12), tzinfo=zone)
        starts.append(scheduling.day_start(noon.astimezone(UTC), timezone))
    return starts


def study_stats(user: User, *, deck: Deck | None = None, now: datetime) -> Stats:
    """Everything the statistics page shows, for all of the user's decks or one."""
    prefs = get_prefs(user)
    tz = prefs.timezone
    today = scheduling.study_date(now, tz)

    # Reviews: the heatmap, the retention and the streak read one range of the log.
    first = today - timedelta(days=STREAK_DAYS)
    per_day, mature, passed = _review_days(user, deck, first, tz)
    today_index = STREAK_DAYS
    reviews_per_day = [
        DayCount(first + timedelta(days=i), per_day[i])
        for i in range(today_index - HEATMAP_DAYS, today_index + 1)
    ]
    retention = [
        RetentionDay(first + timedelta(days=i), mature[i], passed[i])
        for i in range(today_index - RETENTION_DAYS + 1, today_index + 1)
    ]
    days_studied = [first + timedelta(days=i) for i, n in per_day.items() if n]

    # Items: states, forecast and mastery are counted over the user's items of the scope.
    forecast, states, mastery = _item_days(
        user, deck, _day_starts(today, FORECAST_DAYS, tz), prefs.scheduler(fuzzing=False), now
    )
    return Stats(
        today=today,
        reviews_per_day=reviews_per_day,
        retention=retention,
        forecast=[DayCount(today + timedelta(days=i), forecast[i]) for i in range(FORECAST_DAYS)],
        states=dict(states),
        streak=streak(days_studied, today),
        mastery=mastery,
    )


@dataclass(frozen=True)
class ChartNumbers:
    """What the charts draw: the page's retention, forecast and states, nothing else."""

    retention: list[RetentionDay]
    forecast: list[DayCount]
    states: dict[str, int]


def chart_numbers(user: User, *, deck: Deck | None = None, now: datetime) -> ChartNumbers:
    """The numbers of the statistics charts, as `study_stats` has them, read cheaply: a
    month of daily counts, the items counted per state and per due day (no recall)."""
    tz = get_prefs(user).timezone
    today = scheduling.study_date(now, tz)
    first = today - timedelta(days=RETENTION_DAYS - 1)
    _, mature, passed = _review_days(user, deck, first, tz)
    scope = _item_scope(user, deck)
    forecast = _forecast(scope, _day_starts(today, FORECAST_DAYS, tz))
    states: Counter[str] = Counter({s.value: 0 for s in StudyState})
    states.update(
        dict(
            db.session.execute(
                select(StudyItem.state, func.count())
                .join(Fact, Fact.id == StudyItem.fact_id)
                .where(*scope)
                .group_by(StudyItem.state)
            ).all()
        )
    )
    return ChartNumbers(
        retention=[
            RetentionDay(first + timedelta(days=i), mature[i], passed[i])
            for i in range(RETENTION_DAYS)
        ],
        forecast=[DayCount(today + timedelta(days=i), forecast[i]) for i in range(FORECAST_DAYS)],
        states=dict(states),
    )


def _review_days(
    user: User, deck: Deck | None, first: date, timezone: str
) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Per study day (days since `first`): reviews, reviews of mature items, and of
    those the ones not rated Again. Read from the daily counts, one row a day.

    Days after today (a clock set back) all count as tomorrow, as they did when these
    numbers were computed from the log (see tests/services/test_review_days.py).
    """
    per_day: Counter[int] = Counter()
    mature: Counter[int] = Counter()
    passed: Counter[int] = Counter()
    rows = review_days.daily_counts(
        user.id, deck_id=None if deck is None else deck.id, since=first, timezone=timezone
    )
    for day, reviews, mature_reviews, passed_reviews in rows:
        index = min((day - first).days, STREAK_DAYS + 1)
        per_day[index] += reviews
        mature[index] += mature_reviews
        passed[index] += passed_reviews
    return per_day, mature, passed


def _item_days(
    user: User,
    deck: Deck | None,
    forecast_starts: list[datetime],
    settings: scheduling.SchedulerSettings,
    now: datetime,
) -> tuple[Counter[int], Counter[str], list[MasteryRow]]:
    """Items due per forecast day (overdue ones today), items per state, and the mastery
    table: two aggregate queries over the learner's items, counted in the database.

    Each item's recall is fsrs's (`sql.recall`, bit for bit `scheduling.retrievability`);
    the average recall of a subject is their sum over its facts in review, divided here.
    """
    scope = _item_scope(user, deck)
    state = StudyItem.state
    in_review = state == StudyState.REVIEW.value
    studied = state != StudyState.NEW.value
    has_memory = StudyItem.stability.is_not(None) & StudyItem.last_review.is_not(None)
    recall = case(
        (
            studied & has_memory,
            sql.recall(
                StudyItem.stability, StudyItem.last_review, literal(now, UTCDateTime()), settings
            ),
        ),
        else_=0.0,
    )
    known = (
        in_review
        & (func.coalesce(StudyItem.stability, 0.0) >= KNOWN_STABILITY_DAYS)
        & (recall >= KNOWN_RETRIEVABILITY)
    )

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    per_state = [count(state == s.value) for s in StudyState]
    rows = db.session.execute(
        select(
            Fact.subject_name,
            func.count(),
            *per_state,
            count(known),
            func.sum(case((in_review, recall))),
        )
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(*scope)
        .group_by(Fact.subject_name)
    ).all()
    states: Counter[str] = Counter({s.value: 0 for s in StudyState})
    mastery = []
    for entity, facts, *by_state, known_facts, recall_sum in rows:
        numbers = dict(zip((s.value for s in StudyState), by_state, strict=True))
        states.update(numbers)
        reviewed = numbers[StudyState.REVIEW.value]
        mastery.append(
            MasteryRow(
                entity=entity,
                facts=facts,
                studied=facts - numbers[StudyState.NEW.value],
                learning=numbers[StudyState.LEARNING.value] + numbers[StudyState.RELEARNING.value],
                known=known_facts,
                average_retrievability=recall_sum / reviewed if reviewed else None,
            )
        )
    mastery.sort(key=lambda row: row.entity.casefold())
    return _forecast(scope, forecast_starts), states, mastery


def _item_scope(user: User, deck: Deck | None) -> list:
    """The user's items of the scope whose facts are not retired (joined to Fact)."""
    scope = [StudyItem.user_id == user.id, Fact.retired_at.is_(None)]
    if deck is not None:
        scope.append(StudyItem.deck_id == deck.id)
    return scope


def _forecast(scope, starts: list[datetime]) -> Counter[int]:
    """Items not new due on each forecast day: the day whose start is the last one at or
    before the due date, today for overdue ones; none after the last day."""
    day = case(
        *((StudyItem.due < start, index) for index, start in enumerate(starts[1:])),
        else_=None,
    ).label("day")
    rows = db.session.execute(
        select(day, func.count())
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(*scope, StudyItem.state != StudyState.NEW.value, StudyItem.due < starts[-1])
        .group_by(day)
    )
    return Counter({index: n for index, n in rows})


# The mastery table shows this many subjects a page: a deck of 300 subjects made the
# page 87 KB and a third of its cost.
MASTERY_PER_PAGE = 50


@dataclass(frozen=True)
class MasteryPage:
    rows: list[MasteryRow]
    page: int
    pages: int
    subjects: int  # on all pages

    @property
    def first(self) -> int:
        """The number of the page's first subject, from 1."""
        return (self.page - 1) * MASTERY_PER_PAGE + 1


def mastery_page(mastery: list[MasteryRow], page: int) -> MasteryPage:
    """One page of the mastery table (in its order, by subject).

    Raises:
        NotFound: A page past the last one.
    """
    pages = max(1, -(-len(mastery) // MASTERY_PER_PAGE))
    if page > pages:
        raise NotFound(f"There is no page {page} of subjects: they fill {pages} page(s).")
    start = (page - 1) * MASTERY_PER_PAGE
    return MasteryPage(mastery[start : start + MASTERY_PER_PAGE], page, pages, len(mastery))


def enrolled_decks(user: User) -> list[Deck]:
    """Decks the user studies (has study items in), by title."""
    deck_ids = select(StudyItem.deck_id).where(StudyItem.user_id == user.id).distinct()
    return list(db.session.scalars(select(Deck).where(Deck.id.in_(deck_ids)).order_by(Deck.title)))


def item_count(user: User) -> int:
    return db.session.scalar(select(func.count(StudyItem.id)).where(StudyItem.user_id == user.id))
