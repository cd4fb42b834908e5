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

from sqlalchemy import bindparam, case, func, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import StudyState
from quizapp.domain.study import MATURE_DAYS, streak
from quizapp.extensions import db
from quizapp.models import Deck, Fact, User
from quizapp.models.study import StudyItem
from quizapp.models.types import UTCDateTime
from quizapp.services import NotFound, review_days
from quizapp.services.study import Prefs, get_prefs, sql

__all__ = [
    "CHART_PARTS",
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


def study_stats(
    user: User, *, deck: Deck | None = None, now: datetime, prefs: Prefs | None = None
) -> Stats:
    """Everything the statistics page shows, for all of the user's decks or one.

    `prefs`: the user's (`get_prefs`), when the caller has them already.
    """
    prefs = prefs or get_prefs(user)
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
    """What the charts draw: the page's retention, forecast and states, nothing else
    (None: a part not asked for)."""

    retention: list[RetentionDay] | None
    forecast: list[DayCount] | None
    states: dict[str, int] | None


CHART_PARTS = ("retention", "forecast", "states")


def chart_numbers(
    user: User, *, deck: Deck | None = None, now: datetime, parts=CHART_PARTS
) -> ChartNumbers:
    """The numbers of the statistics charts, as `study_stats` has them, read cheaply: a
    month of daily counts, the items counted per state and per due day (no recall).

    `parts`: those of CHART_PARTS to read, the others are None (a chart's data version
    needs only its own: a 304 reads one of the three).
    """
    tz = get_prefs(user).timezone
    today = scheduling.study_date(now, tz)
    retention = forecast = states = None
    if "retention" in parts:
        first = today - timedelta(days=RETENTION_DAYS - 1)
        _, mature, passed = _review_days(user, deck, first, tz)
        retention = [
            RetentionDay(first + timedelta(days=i), mature[i], passed[i])
            for i in range(RETENTION_DAYS)
        ]
    if "forecast" in parts:
        due = _forecast(user, deck, _day_starts(today, FORECAST_DAYS, tz))
        forecast = [DayCount(today + timedelta(days=i), due[i]) for i in range(FORECAST_DAYS)]
    if "states" in parts:
        counts = _STATE_COUNTS[deck is not None].execute(**_scope_values(user, deck))
        states = {**dict.fromkeys(_STATES, 0), **dict(counts.all())}
    return ChartNumbers(retention, forecast, states)


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

    Each item's recall is fsrs's (`sql.curve`, bit for bit `scheduling.retrievability`);
    the average recall of a subject is their sum over its facts in review, divided here.
    """
    rows = _MASTERY[deck is not None].execute(
        **_scope_values(user, deck), now=now, **sql.curve_values(settings)
    )
    totals = [0] * len(_STATES)
    mastery = []
    for entity, facts, new, learning, review, relearning, known_facts, recall_sum in rows:
        for index, n in enumerate((new, learning, review, relearning)):
            totals[index] += n
        mastery.append(
            MasteryRow(
                entity=entity,
                facts=facts,
                studied=facts - new,
                learning=learning + relearning,
                known=known_facts,
                average_retrievability=recall_sum / review if review else None,
            )
        )
    states = Counter(dict(zip(_STATES, totals, strict=True)))
    mastery.sort(key=lambda row: row.entity.casefold())
    return _forecast(user, deck, forecast_starts), states, mastery


_STATES = tuple(s.value for s in StudyState)
assert _STATES == ("new", "learning", "review", "relearning"), _STATES  # as unpacked


def _item_scope(one_deck: bool) -> list:
    """The user's items of the scope whose facts are not retired (joined to Fact), with
    the values of `_scope_values` bound by name."""
    scope = [StudyItem.user_id == bindparam("user_id"), Fact.retired_at.is_(None)]
    if one_deck:
        scope.append(StudyItem.deck_id == bindparam("deck_id"))
    return scope


def _scope_values(user: User, deck: Deck | None) -> dict[str, int | None]:
    return {"user_id": user.id, "deck_id": None if deck is None else deck.id}


def _mastery(one_deck: bool):
    """Per subject: its facts, their count per state, the known ones and the sum of the
    recall of those in review. Each item's recall is computed once, in a subquery."""
    state = StudyItem.state
    has_memory = StudyItem.stability.is_not(None) & StudyItem.last_review.is_not(None)
    recall = case(
        (
            (state != StudyState.NEW.value) & has_memory,
            sql.curve(
                StudyItem.stability,
                StudyItem.last_review,
                bindparam("now", type_=UTCDateTime()),
                sql.FACTOR,
                sql.DECAY,
            ),
        ),
        else_=0.0,
    )
    items = (
        select(
            Fact.subject_name.label("subject"),
            state.label("state"),
            StudyItem.stability.label("stability"),
            recall.label("recall"),
        )
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(*_item_scope(one_deck))
        # A LIMIT keeps the database from merging this into the grouping query, which
        # would compute the recall at each of its two uses there.
        .limit(sql.NO_LIMIT)
        .subquery()
    )
    in_review = items.c.state == StudyState.REVIEW.value
    known = (
        in_review
        & (func.coalesce(items.c.stability, 0.0) >= KNOWN_STABILITY_DAYS)
        & (items.c.recall >= KNOWN_RETRIEVABILITY)
    )

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    return select(
        items.c.subject,
        func.count(),
        *(count(items.c.state == value) for value in _STATES),
        count(known),
        func.sum(case((in_review, items.c.recall))),
    ).group_by(items.c.subject)


def _forecast_query(one_deck: bool):
    """Items not new due on each forecast day: the day whose start is the last one at or
    before the due date, today for overdue ones; none after the last day. The days'
    starts are bound as `start0` (today's) to `startN` (the end of the last day)."""
    starts = [bindparam(f"start{index}", type_=UTCDateTime()) for index in range(FORECAST_DAYS + 1)]
    day = case(
        *((StudyItem.due < start, index) for index, start in enumerate(starts[1:])),
        else_=None,
    ).label("day")
    return (
        select(day, func.count())
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(
            *_item_scope(one_deck),
            StudyItem.state != StudyState.NEW.value,
            StudyItem.due < starts[-1],
        )
        .group_by(day)
    )


def _prepared(build) -> dict[bool, sql.Prepared]:
    """One statement for all decks (False) and one for a deck (True)."""
    return {
        one_deck: sql.Prepared(lambda one_deck=one_deck: build(one_deck))
        for one_deck in (False, True)
    }


_MASTERY = _prepared(_mastery)
_FORECAST = _prepared(_forecast_query)


def _states_query(one_deck: bool):
    return (
        select(StudyItem.state, func.count())
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(*_item_scope(one_deck))
        .group_by(StudyItem.state)
    )


_STATE_COUNTS = _prepared(_states_query)


def _forecast(user: User, deck: Deck | None, starts: list[datetime]) -> Counter[int]:
    """Items due per forecast day (see `_forecast_query`); `starts`: FORECAST_DAYS + 1."""
    assert len(starts) == FORECAST_DAYS + 1, len(starts)
    values = {f"start{index}": start for index, start in enumerate(starts)}
    rows = _FORECAST[deck is not None].execute(**_scope_values(user, deck), **values)
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
