"""Daily review counts: the statistics read from them give the numbers the whole log gave.

`reference_review_numbers` is the computation the statistics page made before the
counts existed (every review of the last year read from the log and put into study
days with bisect), kept here as the reference the new one must match exactly.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import Rating, StudyState
from quizapp.domain.study import MATURE_DAYS, streak
from quizapp.extensions import db
from quizapp.models import Deck, ReviewDay, ReviewDayZone, ReviewLog, StudyItem, User
from quizapp.services import accounts, review_days, study, write_transaction
from quizapp.services.study_stats import (
    CHART_PARTS,
    HEATMAP_DAYS,
    RETENTION_DAYS,
    STREAK_DAYS,
    _day_starts,
    chart_numbers,
    study_stats,
)
from tests.conftest import PASSWORD, count_rows, database_template

START = datetime(2024, 9, 20, 12, tzinfo=UTC)  # the history spans two DST changes each way
DAYS = 420
HISTORIAN = "historian@example.com"


def reference_review_numbers(user, deck, now):
    """(reviews per day, retention days, streak) as computed from the log before."""
    tz = study.get_prefs(user).timezone
    today = scheduling.study_date(now, tz)
    first = today - timedelta(days=STREAK_DAYS)
    starts = _day_starts(first, STREAK_DAYS + 1, tz)
    logs = select(
        ReviewLog.reviewed_at, ReviewLog.state_before, ReviewLog.stability_before, ReviewLog.rating
    ).where(
        ReviewLog.user_id == user.id,
        ReviewLog.reviewed_at >= starts[0],
        ReviewLog.undone_at.is_(None),
    )
    if deck is not None:
        logs = logs.where(ReviewLog.deck_id == deck.id)
    per_day, mature, passed = Counter(), Counter(), Counter()
    for reviewed_at, state_before, stability_before, rating in db.session.execute(logs):
        index = bisect.bisect_right(starts, reviewed_at) - 1
        if index < 0:
            continue
        per_day[index] += 1
        if (
            state_before == StudyState.REVIEW.value
            and stability_before is not None
            and stability_before >= MATURE_DAYS
        ):
            mature[index] += 1
            if rating != Rating.Again:
                passed[index] += 1
    today_index = STREAK_DAYS
    reviews_per_day = [
        (first + timedelta(days=i), per_day[i])
        for i in range(today_index - HEATMAP_DAYS, today_index + 1)
    ]
    retention = [
        (first + timedelta(days=i), mature[i], passed[i])
        for i in range(today_index - RETENTION_DAYS + 1, today_index + 1)
    ]
    days_studied = [first + timedelta(days=i) for i, n in per_day.items() if n]
    return reviews_per_day, retention, streak(days_studied, today)


def review_numbers(stats):
    return (
        [(d.day, d.count) for d in stats.reviews_per_day],
        [(d.day, d.reviews, d.passed) for d in stats.retention],
        stats.streak,
    )


def assert_same_numbers(user, decks, moments):
    for deck in (None, *decks):
        for now in moments:
            old = reference_review_numbers(user, deck, now)
            assert sum(n for _, n in old[0]) > 0, "the history must be on the page"
            stats = study_stats(user, deck=deck, now=now)
            assert review_numbers(stats) == old
            drawn = chart_numbers(user, deck=deck, now=now)
            assert (drawn.retention, drawn.forecast, drawn.states) == (
                stats.retention,
                stats.forecast,
                stats.states,
            )
            for part in CHART_PARTS:  # what one chart reads for its data version
                alone = chart_numbers(user, deck=deck, now=now, parts=(part,))
                assert getattr(alone, part) == getattr(drawn, part)
                assert all(getattr(alone, p) is None for p in CHART_PARTS if p != part)


def set_timezone(user, name):
    with write_transaction():
        db.session.get(User, user.id).timezone = name


def answered_history(user, decks, rng, *, start=START, days=DAYS):
    """A learner's history written through the study service: reviews at random hours
    (many around the 4 a.m. rollover), ratings of every kind, some undone."""
    items = list(db.session.scalars(select(StudyItem.id).where(StudyItem.user_id == user.id)))
    for day in range(days):
        if rng.random() < 0.2:
            continue  # a day off: streaks break
        # UTC hours, in order (undo takes back the latest): 4 a.m. in New York is 8 or 9
        hours = sorted(rng.sample((1, 3, 7, 8, 9, 10, 14, 20, 22, 23), rng.choice((1, 2, 4))))
        for hour in hours:
            now = start + timedelta(days=day, hours=hour - 12, minutes=rng.randrange(60))
            deck = rng.choice(decks)
            card = study.card(user, deck=deck, now=now)
            if card is None:
                card = study.card(user, now=now, item_id=rng.choice(items))
            result = study.answer(
                user,
                item_id=card.item.id,
                question_id=card.question_row.id,
                version=card.item.version,
                request_id=f"history-{day}-{rng.getrandbits(48):012x}",
                rating=rng.choice((1, 2, 3, 3, 3, 4)),
                response=None,
                elapsed_ms=4000,
                now=now,
                fuzzing=False,
            )
            if rng.random() < 0.05:
                study.undo(user, result.log.id, now + timedelta(seconds=5))
    return start + timedelta(days=days)


@pytest.fixture
def decks(builtin_decks):
    return [builtin_decks["software-companies"], builtin_decks["chinese-ai-startups"]]


@pytest.fixture
def learner(make_user, decks):
    user = make_user()
    set_timezone(user, "America/New_York")
    for deck in decks:
        study.enroll(user, deck, START - timedelta(days=1))
    return user


@database_template
def history_rows() -> None:
    """The learner `HISTORIAN` (New York) with a 420-day history over two built-in decks:
    written once a run, it serves the tests that only read it."""
    user = accounts.register(HISTORIAN, "Historian", PASSWORD, "student")
    set_timezone(user, "America/New_York")
    decks = [
        db.session.scalar(select(Deck).where(Deck.key == key))
        for key in ("software-companies", "chinese-ai-startups")
    ]
    for deck in decks:
        study.enroll(user, deck, START - timedelta(days=1))
    answered_history(user, decks, random.Random(21))


@pytest.fixture
def historian(decks, history_rows) -> User:
    return db.session.scalar(select(User).where(User.email == HISTORIAN))


def test_counts_kept_with_the_reviews_give_the_numbers_of_the_log(historian, decks):
    learner, end = historian, START + timedelta(days=DAYS)
    mature = db.session.scalar(select(db.func.sum(ReviewDay.mature)))
    undone = db.session.scalar(select(db.func.count()).where(ReviewLog.undone_at.is_not(None)))
    assert mature > 20 and undone > 5  # the history exercises retention and undo
    moments = [end, end - timedelta(days=60, hours=7), end + timedelta(days=3)]
    assert_same_numbers(learner, decks, moments)


def test_a_new_timezone_counts_the_log_again(historian, decks):
    learner, end = historian, START + timedelta(days=DAYS)
    for name in ("Asia/Kathmandu", "Pacific/Auckland", "UTC"):  # +5:45, southern DST
        set_timezone(learner, name)
        assert_same_numbers(learner, decks, [end, end - timedelta(days=100, hours=3)])
        assert db.session.get(ReviewDayZone, learner.id).timezone == name


def test_reviews_written_after_a_change_of_timezone_count_in_the_old_one_until_read(learner, decks):
    end = answered_history(learner, decks, random.Random(8), days=40)
    study_stats(learner, now=end)  # counted in New York
    set_timezone(learner, "Asia/Tokyo")
    # written before any read
    more = answered_history(learner, decks, random.Random(9), start=end, days=40)
    assert db.session.get(ReviewDayZone, learner.id).timezone == "America/New_York"
    assert_same_numbers(learner, decks, [more])


@pytest.mark.parametrize("first", ["read", "review"])
def test_reviews_stored_without_counts_are_counted_at_first_read_or_review(learner, decks, first):
    """Reviews stored without counts (imported, or a benchmark's bulk insert) and a
    learner without a zone: the first read, or the first review, counts the whole log."""
    end = answered_history(learner, decks, random.Random(3), days=60)
    with write_transaction() as session:
        session.execute(db.delete(ReviewDay))
        session.execute(db.delete(ReviewDayZone))
    if first == "review":
        end = answered_history(learner, decks, random.Random(4), start=end, days=1)
        assert count_rows(ReviewDayZone) == 1  # made by the review, before any read
    assert_same_numbers(learner, decks, [end])
    assert count_rows(ReviewDayZone) == 1


def test_the_migration_counts_existing_reviews(app, learner, decks):
    from flask_migrate import downgrade, upgrade

    end = answered_history(learner, decks, random.Random(13), days=60)
    user_id, deck_ids = learner.id, [deck.id for deck in decks]
    days_with_reviews = select(ReviewDay.__table__).where(ReviewDay.reviews > 0)
    written = set(db.session.execute(days_with_reviews).all())
    db.session.remove()
    downgrade(revision="0014_scheduler")
    upgrade()
    assert set(db.session.execute(days_with_reviews).all()) == written
    decks = [db.session.get(Deck, deck_id) for deck_id in deck_ids]
    assert_same_numbers(db.session.get(User, user_id), decks, [end])


def test_a_failed_review_write_changes_no_count(learner, decks):
    """The review's log row is inserted after its count (at the flush): when that insert
    fails, the transaction is rolled back, the count with it."""
    now = START + timedelta(hours=1)
    card = study.card(learner, deck=decks[0], now=now)
    answer = dict(
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        rating=3,
        response=None,
        elapsed_ms=4000,
        now=now,
        fuzzing=False,
    )
    study.answer(learner, request_id="first-review", **answer)
    before = db.session.execute(select(ReviewDay.__table__)).all()
    card = study.card(learner, deck=decks[0], now=now)
    answer |= {"item_id": card.item.id, "question_id": card.question_row.id}
    answer["version"] = card.item.version

    def refuse_review_logs(conn, cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT INTO REVIEW_LOGS"):
            raise RuntimeError("the database refused the review")

    event.listen(db.engine, "before_cursor_execute", refuse_review_logs)
    try:
        with pytest.raises(RuntimeError, match="refused the review"):
            study.answer(learner, request_id="second-review", **answer)
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_review_logs)
    db.session.rollback()
    assert db.session.execute(select(ReviewDay.__table__)).all() == before
    assert count_rows(ReviewLog) == 1


def test_undo_takes_the_review_out_of_its_day(learner, decks):
    now = START + timedelta(hours=2)
    card = study.card(learner, deck=decks[0], now=now)
    log = study.answer(
        learner,
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        request_id="undone-review",
        rating=3,
        response=None,
        elapsed_ms=4000,
        now=now,
        fuzzing=False,
    ).log
    day = scheduling.study_date(now, "America/New_York")
    key = (learner.id, decks[0].id, day)
    assert db.session.get(ReviewDay, key).reviews == 1
    study.undo(learner, log.id, now)
    study.undo(learner, log.id, now)  # a double click changes nothing more
    db.session.expire_all()
    assert db.session.get(ReviewDay, key).reviews == 0


def test_daily_counts_read_one_row_a_day(learner, decks):
    end = answered_history(learner, decks, random.Random(1), days=60)
    since = scheduling.study_date(end, "America/New_York") - timedelta(days=STREAK_DAYS)
    rows = review_days.daily_counts(
        learner.id, deck_id=None, since=since, timezone="America/New_York"
    )
    assert len(rows) == len({row[0] for row in rows}) <= STREAK_DAYS + 1
