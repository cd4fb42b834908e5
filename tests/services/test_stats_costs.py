"""The statistics page's costs cut without changing a number: the recall of past reviews
computed in the database (right answers by kind), the items' recall without an fsrs.Card
each (mastery), and the mastery table in pages.

Each test keeps the computation the page made before as the reference, and compares it
with the new one on a generated history (SQLite and PostgreSQL, whichever the suite runs).
"""

from __future__ import annotations

import bisect
import json
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from sqlalchemy import insert, select, update

from quizapp.domain import scheduling
from quizapp.domain.scheduling import MemoryState, Rating, StudyState, calibration
from quizapp.extensions import db
from quizapp.models import Fact, ReviewLog, StudyItem, StudySettings
from quizapp.services import NotFound, study, study_stats, write_transaction
from quizapp.services.study import calibration as study_calibration
from quizapp.services.study import sql

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
KINDS = ("cloze", "multiple_choice", "typed", "true_false")
FITTED = (*fsrs.scheduler.DEFAULT_PARAMETERS[:20], 0.35)  # another decay, another curve


@pytest.fixture
def decks(builtin_decks):
    return [builtin_decks["software-companies"], builtin_decks["chinese-ai-startups"]]


@pytest.fixture
def learner(make_user, decks):
    user = make_user()
    for deck in decks:
        study.enroll(user, deck, NOW - timedelta(days=400))
    return user


def use_parameters(user, parameters) -> None:
    with write_transaction() as session:
        session.merge(
            StudySettings(
                user_id=user.id,
                fsrs_parameters=None if parameters is None else json.dumps(parameters),
                updated_at=NOW,
            )
        )


def elapsed_cases(rng: random.Random) -> timedelta:
    """Time between a review and the one before it: whole days exactly, a microsecond
    either side of one, under a day, none, negative (a clock set back), or anything."""
    days = rng.randrange(0, 400)
    return rng.choice(
        (
            timedelta(days=days),
            timedelta(days=days, microseconds=-1),
            timedelta(days=days, microseconds=1),
            timedelta(days=days, seconds=rng.randrange(86_400)),
            timedelta(seconds=rng.randrange(1, 86_400)),
            timedelta(0),
            -timedelta(seconds=rng.randrange(1, 3 * 86_400)),
            timedelta(seconds=rng.uniform(0, 400 * 86_400)),
        )
    )


def write_log(user, rng: random.Random, reviews: int) -> None:
    """Reviews of the user's items with every shape the table meets: four kinds, every
    rating, learnt or not before, undone, no stability or no last review, times with and
    without microseconds, several reviews at one moment."""
    items = db.session.execute(
        select(StudyItem.id, StudyItem.fact_id, StudyItem.deck_id).where(
            StudyItem.user_id == user.id
        )
    ).all()
    moment = NOW - timedelta(days=300)
    with write_transaction() as session:
        for n in range(reviews):
            if rng.random() < 0.1:  # a moment a hair before a whole second (SQLite rounds)
                moment = moment.replace(microsecond=rng.choice((999_999, 999_500, 500)))
            elif rng.random() > 0.1:  # a tenth share the moment of the review before
                moment += timedelta(
                    seconds=rng.randrange(1, 4000),
                    microseconds=rng.choice((0, rng.randrange(10**6))),
                )
            item_id, fact_id, deck_id = rng.choice(items)
            last = moment - elapsed_cases(rng)
            session.add(
                ReviewLog(
                    user_id=user.id,
                    item_id=item_id,
                    fact_id=fact_id,
                    deck_id=deck_id,
                    kind=rng.choice(KINDS),
                    request_id=f"costs-{n}-{uuid.uuid4().hex}",
                    rating=rng.choice(list(Rating)),
                    reviewed_at=moment,
                    undone_at=moment + timedelta(seconds=5) if rng.random() < 0.05 else None,
                    state_before=rng.choice(("review",) * 6 + ("learning", "relearning")),
                    stability_before=None if rng.random() < 0.02 else rng.uniform(0.01, 3000),
                    difficulty_before=5.0,
                    due_before=moment,
                    last_review_before=None if rng.random() < 0.02 else last,
                    reps_before=3,
                    lapses_before=0,
                    state_after="review",
                    stability_after=3.0,
                    difficulty_after=5.0,
                    due_after=moment + timedelta(days=3),
                )
            )


def reference_kind_accuracy(user, deck):
    """What the page computed before: the log's rows read one by one in Python."""
    settings = study.get_prefs(user).scheduler(fuzzing=False)
    recall = scheduling.recall_curve(settings)
    query = (
        select(
            ReviewLog.kind,
            ReviewLog.rating,
            ReviewLog.stability_before,
            ReviewLog.last_review_before,
            ReviewLog.reviewed_at,
        )
        .where(
            ReviewLog.user_id == user.id,
            ReviewLog.undone_at.is_(None),
            ReviewLog.state_before == StudyState.REVIEW.value,
        )
        .order_by(ReviewLog.reviewed_at.desc(), ReviewLog.id.desc())
        .limit(study_calibration.MAX_REVIEWS)
    )
    if deck is not None:
        query = query.where(ReviewLog.deck_id == deck.id)
    rows = db.session.execute(query)
    return calibration.by_kind(
        (kind, recall(stability, last, at), rating != Rating.Again)
        for kind, rating, stability, last, at in rows
        if stability is not None and last is not None
    )


def assert_same_table(new, old) -> None:
    assert new.keys() == old.keys()
    for kind in old:
        for new_cell, old_cell in zip(new[kind], old[kind], strict=True):
            assert (new_cell.reviews, new_cell.right) == (old_cell.reviews, old_cell.right)
            # The same recalls, added in another order: equal to the last bits or so.
            assert new_cell.predicted == pytest.approx(old_cell.predicted, rel=1e-12, abs=1e-15)
            assert f"{new_cell.predicted * 100:.0f}" == f"{old_cell.predicted * 100:.0f}"


@pytest.mark.parametrize("parameters", [None, FITTED], ids=["default", "fitted"])
def test_each_review_has_the_recall_fsrs_gives_it(learner, parameters):
    write_log(learner, random.Random(5), 600)
    use_parameters(learner, parameters)
    settings = study.get_prefs(learner).scheduler(fuzzing=False)
    curve = scheduling.recall_curve(settings)
    rows = db.session.execute(
        select(
            ReviewLog.stability_before,
            ReviewLog.last_review_before,
            ReviewLog.reviewed_at,
            sql.whole_days(ReviewLog.last_review_before, ReviewLog.reviewed_at),
            sql.recall(
                ReviewLog.stability_before,
                ReviewLog.last_review_before,
                ReviewLog.reviewed_at,
                settings,
            ),
        ).where(
            ReviewLog.user_id == learner.id,
            ReviewLog.stability_before.is_not(None),
            ReviewLog.last_review_before.is_not(None),
        )
    ).all()
    assert len(rows) > 500
    for stability, last, at, days, recall in rows:
        assert days == max(0, (at - last).days), (last, at)
        assert recall == curve(stability, last, at), (stability, last, at)


def stored_elapsed_days(user):
    return db.session.execute(
        select(ReviewLog.elapsed_days, ReviewLog.last_review_before, ReviewLog.reviewed_at)
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.id)
    ).all()


def test_each_review_keeps_its_elapsed_days_from_insert_and_from_the_migration(app, learner):
    from flask_migrate import downgrade, upgrade

    write_log(learner, random.Random(6), 300)  # through the ORM
    rows = [  # and a bulk insert, as imports and the benchmark write
        {
            **{c: getattr(log, c) for c in ("item_id", "fact_id", "deck_id", "kind", "rating")},
            "user_id": learner.id,
            "request_id": f"bulk-{log.id}",
            "reviewed_at": log.reviewed_at + timedelta(days=1, microseconds=1),
            "state_before": "review",
            "due_before": log.due_before,
            "last_review_before": log.last_review_before,
            "stability_before": log.stability_before,
            "reps_before": 1,
            "lapses_before": 0,
            "state_after": "review",
            "stability_after": 1.0,
            "difficulty_after": 5.0,
            "due_after": log.due_after,
        }
        for log in db.session.scalars(select(ReviewLog).where(ReviewLog.user_id == learner.id))
    ]
    with write_transaction() as session:
        session.execute(insert(ReviewLog), rows)
    stored = stored_elapsed_days(learner)
    assert len(stored) == 600
    for days, last, at in stored:
        assert days == (None if last is None else max(0, (at - last).days)), (last, at)
    assert {days for days, _, _ in stored} >= {0, None} and max(d or 0 for d, _, _ in stored) > 300
    db.session.remove()
    downgrade(revision="0017_quiz_kinds")
    upgrade()
    assert stored_elapsed_days(learner) == stored


@pytest.mark.parametrize("parameters", [None, FITTED], ids=["default", "fitted"])
def test_right_answers_by_kind_are_those_of_the_reviews_read_one_by_one(
    learner, decks, parameters, monkeypatch
):
    write_log(learner, random.Random(11), 900)
    use_parameters(learner, parameters)
    for window in (study_calibration.MAX_REVIEWS, 250):  # all of them, and the latest only
        monkeypatch.setattr(study_calibration, "MAX_REVIEWS", window)
        for deck in (None, *decks):
            new = study_calibration.kind_accuracy(learner, deck=deck)
            assert_same_table(new, reference_kind_accuracy(learner, deck))
            assert sum(c.reviews for cells in new.values() for c in cells) > 50


@dataclass(frozen=True)
class OldMemory:
    in_review: bool
    stability: float | None
    recall: float

    @property
    def known(self) -> bool:
        return (
            self.in_review
            and (self.stability or 0.0) >= study_stats.KNOWN_STABILITY_DAYS
            and self.recall >= study_stats.KNOWN_RETRIEVABILITY
        )


def reference_items(user, deck, now):
    """What the page computed before: each item read, `scheduling.retrievability` of its
    state (an fsrs.Card each), its due day found with bisect. Returns (mastery rows,
    states, forecast)."""
    prefs = study.get_prefs(user)
    settings = prefs.scheduler(fuzzing=False)
    today = scheduling.study_date(now, prefs.timezone)
    starts = study_stats._day_starts(today, study_stats.FORECAST_DAYS, prefs.timezone)
    query = (
        select(StudyItem, Fact.subject_name)
        .join(Fact, Fact.id == StudyItem.fact_id)
        .where(StudyItem.user_id == user.id, Fact.retired_at.is_(None))
    )
    if deck is not None:
        query = query.where(StudyItem.deck_id == deck.id)
    by_entity = defaultdict(list)
    states = Counter({s.value: 0 for s in StudyState})
    forecast = Counter()
    for item, entity in db.session.execute(query):
        states[item.state] += 1
        if item.state == StudyState.NEW.value:
            by_entity[entity].append(None)
            continue
        if item.due < starts[-1]:  # its day by bisect, today if overdue
            forecast[max(bisect.bisect_right(starts, item.due) - 1, 0)] += 1
        memory = MemoryState(
            StudyState(item.state),
            item.step,
            item.stability,
            item.difficulty,
            item.due,
            item.last_review,
        )
        recall = scheduling.retrievability(memory, now, settings)
        by_entity[entity].append(
            OldMemory(item.state == StudyState.REVIEW.value, item.stability, recall)
        )
    mastery = []
    for entity in sorted(by_entity, key=str.casefold):
        values = by_entity[entity]
        studied = [m for m in values if m is not None]
        reviewed = [m.recall for m in studied if m.in_review]
        mastery.append(
            study_stats.MasteryRow(
                entity=entity,
                facts=len(values),
                studied=len(studied),
                learning=sum(not m.in_review for m in studied),
                known=sum(m.known for m in studied),
                average_retrievability=sum(reviewed) / len(reviewed) if reviewed else None,
            )
        )
    forecast_days = [forecast[i] for i in range(study_stats.FORECAST_DAYS)]
    return mastery, dict(states), forecast_days


def assert_same_mastery(new, old) -> None:
    assert len(new) == len(old)
    for new_row, old_row in zip(new, old, strict=True):
        assert replace(new_row, average_retrievability=None) == replace(
            old_row, average_retrievability=None
        )
        if old_row.average_retrievability is None:
            assert new_row.average_retrievability is None
            continue
        # The same recalls (bit for bit, see above), added in another order.
        assert new_row.average_retrievability == pytest.approx(
            old_row.average_retrievability, rel=1e-12
        )
        for shown in ("{:.3f}", "{:.0f}"):  # the meter's value, the percent
            scale = 1 if shown == "{:.3f}" else 100
            assert shown.format(new_row.average_retrievability * scale) == shown.format(
                old_row.average_retrievability * scale
            )


def scatter_items(user, rng: random.Random) -> None:
    """Items in every state, with memories of every age, some of them just learnt."""
    items = list(db.session.scalars(select(StudyItem.id).where(StudyItem.user_id == user.id)))
    with write_transaction() as session:
        for item_id in items:
            state = rng.choice(("new", "learning", "review", "review", "relearning"))
            if state == "new":
                continue
            last = NOW - elapsed_cases(rng)
            session.execute(
                update(StudyItem)
                .where(StudyItem.id == item_id)
                .values(
                    state=state,
                    step=0 if state != "review" else None,
                    stability=rng.uniform(0.05, 400),
                    difficulty=rng.uniform(1, 10),
                    last_review=last,
                    due=last + timedelta(days=rng.uniform(0, 60)),
                )
            )


@pytest.mark.parametrize("parameters", [None, FITTED], ids=["default", "fitted"])
def test_items_counted_in_the_database_give_the_numbers_of_each_item_read(
    learner, decks, parameters
):
    scatter_items(learner, random.Random(3))
    use_parameters(learner, parameters)
    for deck in (None, *decks):
        for now in (NOW, NOW + timedelta(days=1, microseconds=1), NOW + timedelta(days=90)):
            stats = study_stats.study_stats(learner, deck=deck, now=now)
            mastery, states, forecast = reference_items(learner, deck, now)
            assert_same_mastery(stats.mastery, mastery)
            assert stats.states == states
            assert [d.count for d in stats.forecast] == forecast
            assert any(row.known for row in stats.mastery)
            assert any(row.learning for row in stats.mastery)
            assert sum(forecast) > 0


def test_the_mastery_table_comes_in_pages_of_fifty():
    rows = [study_stats.MasteryRow(f"s{n:03}", 1, 1, 0, 1, 0.9) for n in range(120)]
    pages = [study_stats.mastery_page(rows, n) for n in (1, 2, 3)]
    assert [p.rows for p in pages] == [rows[:50], rows[50:100], rows[100:]]
    assert {(p.pages, p.subjects) for p in pages} == {(3, 120)}
    assert [p.first for p in pages] == [1, 51, 101]
    assert study_stats.mastery_page([], 1).pages == 1
    with pytest.raises(NotFound):
        study_stats.mastery_page(rows, 4)
