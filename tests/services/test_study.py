"""The study service: queue, limits, study day, answering, undo, idempotency, ownership.

Golden values were computed from fsrs 6.3.2 with fuzzing off (as tests/domain).
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.domain.scheduling import (
    DailyLimits,
    MemoryState,
    Rating,
    StudyState,
    queue_order,
)
from quizapp.extensions import db
from quizapp.models import Fact, Question, StudyItem, User
from quizapp.models.study import ReviewLog, StudySettings
from quizapp.services import NotFound, ServiceError, study, write_transaction
from tests.conftest import count_rows

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
DECK = "software-companies"


@pytest.fixture
def deck(builtin_decks):
    return builtin_decks[DECK]


@pytest.fixture
def learner(make_user, deck):
    user = make_user()
    study.enroll(user, deck, T0)
    return user


def right_response(question):
    if question.kind == "multiple_select":
        return list(question.correct)
    if question.choices:
        return question.correct[0]
    return question.answer


def wrong_response(question):
    if question.kind == "multiple_select":
        return [c for c in question.choices if c not in question.correct][:1]
    if question.choices:
        return next(c for c in question.choices if c not in question.correct)
    return "certainly not this"


counter = iter(range(10**6))


def answer_card(user, card, rating, now, *, response=None, request_id=None, **kw):
    return study.answer(
        user,
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        request_id=request_id or f"req-{next(counter):08d}",
        rating=int(rating),
        response=response,
        elapsed_ms=kw.pop("elapsed_ms", 4000),
        now=now,
        fuzzing=False,
        **kw,
    )


def snapshot(item_id):
    db.session.expire_all()
    item = db.session.get(StudyItem, item_id)
    columns = [c.key for c in StudyItem.__table__.columns if c.key != "version"]
    return {c: getattr(item, c) for c in columns}


# --- scheduling through the service -----------------------------------------------------------


def test_golden_schedule_through_the_service(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    item_id = card.item.id
    assert card.item.state == StudyState.NEW
    assert card.intervals == {
        Rating.Again: "1m",
        Rating.Hard: "6m",
        Rating.Good: "10m",
        Rating.Easy: "8d",
    }
    steps = [
        (Rating.Good, "learning", 1, 2.3065, datetime(2025, 3, 1, 12, 10, tzinfo=UTC)),
        (Rating.Good, "review", None, 2.3065, datetime(2025, 3, 3, 12, 10, tzinfo=UTC)),
        (
            Rating.Good,
            "review",
            None,
            10.971048263078135,
            datetime(2025, 3, 14, 12, 10, tzinfo=UTC),
        ),
        (
            Rating.Again,
            "relearning",
            0,
            1.53901253028147,
            datetime(2025, 3, 14, 12, 20, tzinfo=UTC),
        ),
        (
            Rating.Good,
            "review",
            None,
            1.5718415897918614,
            datetime(2025, 3, 16, 12, 20, tzinfo=UTC),
        ),
    ]
    now = T0
    for rating, state, step, stability, due in steps:
        card = study.card(learner, deck=deck, now=now, item_id=item_id)
        result = answer_card(learner, card, rating, now)
        item = db.session.get(StudyItem, item_id)
        assert (item.state, item.step, item.due) == (state, step, due)
        assert item.stability == pytest.approx(stability)
        assert result.log.due_after == due
        now = due
    item = db.session.get(StudyItem, item_id)
    assert (item.reps, item.lapses) == (5, 1)
    assert count_rows(ReviewLog) == 5


def test_kinds_rotate_between_reviews_of_a_fact(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    kinds = []
    now = T0
    for _ in range(4):
        card = study.card(learner, deck=deck, now=now, item_id=card.item.id)
        kinds.append(card.question.kind)
        answer_card(learner, card, Rating.Good, now)
        now += timedelta(days=30)
    assert all(a != b for a, b in itertools.pairwise(kinds)), kinds


def test_proposed_rating_follows_correctness_and_speed(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    common = {
        "item_id": card.item.id,
        "question_id": card.question_row.id,
        "version": card.item.version,
        "now": T0,
    }
    q = card.question
    wrong = study.check(learner, response=wrong_response(q), elapsed_ms=2000, **common)
    assert wrong.judgement.correct is False and wrong.proposed == Rating.Again
    fast = study.check(learner, response=right_response(q), elapsed_ms=1000, **common)
    assert fast.judgement.correct is True and fast.proposed == Rating.Easy
    slow = study.check(learner, response=right_response(q), elapsed_ms=60_000, **common)
    assert slow.proposed == Rating.Good
    shown = study.check(learner, response=None, elapsed_ms=1000, **common)
    assert shown.judgement is None and shown.proposed is None
    assert count_rows(ReviewLog) == 0  # checking writes nothing


def test_the_log_keeps_the_graded_answer_not_the_clients_word(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    result = answer_card(learner, card, Rating.Easy, T0, response=wrong_response(card.question))
    assert result.log.correct is False
    assert result.log.rating == Rating.Easy  # the learner may overrule the proposal


# --- the queue -----------------------------------------------------------------------------------


def _random_items(user, facts, rng, now):
    items = {}
    with write_transaction() as session:
        for fact in facts:
            state = rng.choice(list(StudyState))
            due = now + timedelta(hours=rng.uniform(-24 * 20, 24 * 3))
            if state is StudyState.NEW:
                memory = MemoryState.new(due)
            else:
                memory = MemoryState(
                    state=state,
                    step=None if state is StudyState.REVIEW else rng.randrange(2),
                    stability=rng.uniform(0.5, 60),
                    difficulty=rng.uniform(1, 10),
                    due=due,
                    last_review=due - timedelta(days=3),
                )
            item = StudyItem(user_id=user.id, fact_id=fact.id, deck_id=fact.deck_id)
            item.set_memory(memory)
            session.add(item)
            items[fact] = item
        session.flush()
        return {item.id: item.memory for item in items.values()}


@pytest.mark.parametrize("seed", range(4))
def test_next_item_matches_the_reference_queue(builtin_decks, make_user, seed):
    rng = random.Random(seed)
    user = make_user()
    facts = Fact.query.order_by(Fact.id).all()
    states = _random_items(user, rng.sample(facts, 60), rng, T0)
    limits = DailyLimits(new_per_day=rng.randrange(0, 4), reviews_per_day=rng.randrange(0, 4))
    with write_transaction() as session:
        session.add(
            StudySettings(
                user_id=user.id,
                desired_retention=0.9,
                new_per_day=limits.new_per_day,
                reviews_per_day=limits.reviews_per_day,
                timezone_chosen=False,
            )
        )
    for hours in (-48, 0, 30):
        now = T0 + timedelta(hours=hours)
        expected = queue_order(states.items(), now, limits=limits)
        found = study.next_item(user, now=now)
        assert (found.id if found else None) == (expected[0] if expected else None)


def test_queue_walks_learning_then_reviews_then_new(builtin_decks, make_user):
    user = make_user()
    facts = Fact.query.order_by(Fact.id).limit(5).all()
    specs = [
        MemoryState.new(T0 - timedelta(days=1)),
        MemoryState(StudyState.REVIEW, None, 10.0, 5.0, T0 - timedelta(days=1), T0 - timedelta(11)),
        MemoryState(StudyState.REVIEW, None, 2.0, 5.0, T0 - timedelta(days=1), T0 - timedelta(3)),
        MemoryState(StudyState.LEARNING, 1, 2.0, 5.0, T0 - timedelta(minutes=5), T0),
        MemoryState(StudyState.REVIEW, None, 2.0, 5.0, T0 + timedelta(days=1), T0),  # not due
    ]
    ids = []
    with write_transaction() as session:
        for fact, memory in zip(facts, specs, strict=True):
            item = StudyItem(user_id=user.id, fact_id=fact.id, deck_id=fact.deck_id)
            item.set_memory(memory)
            session.add(item)
            session.flush()
            ids.append(item.id)
    seen = []
    for _ in range(4):
        card = study.card(user, now=T0)
        seen.append(card.item.id)
        answer_card(user, card, Rating.Easy, T0)
    # learning, then the more overdue review (stability 2), then the other, then the new one
    assert seen == [ids[3], ids[2], ids[1], ids[0]]
    assert study.card(user, now=T0) is None


# --- daily limits and the study day --------------------------------------------------------------


def _set_limits(user, new, reviews, timezone="UTC"):
    study.update_settings(
        user,
        desired_retention=0.9,
        new_per_day=new,
        reviews_per_day=reviews,
        timezone=timezone,
        now=T0,
    )


def _learn_new(user, deck, now, n):
    for _ in range(n):
        card = study.card(user, deck=deck, now=now)
        assert card is not None and card.item.state == StudyState.NEW
        answer_card(user, card, Rating.Easy, now)


def test_new_fact_limit(learner, deck):
    _set_limits(learner, new=3, reviews=100)
    assert study.counts(learner, deck=deck, now=T0).new == 3
    _learn_new(learner, deck, T0, 3)
    assert study.card(learner, deck=deck, now=T0) is None
    counts = study.counts(learner, deck=deck, now=T0)
    assert (counts.new, counts.done) == (0, 3)


def test_deck_limit_applies_in_all_decks_too(learner, deck, builtin_decks):
    other = builtin_decks["chinese-ai-startups"]
    study.enroll(learner, other, T0)
    study.update_deck_limits(learner, deck, new_per_day=1, reviews_per_day=5, now=T0)
    _learn_new(learner, deck, T0, 1)
    assert study.card(learner, deck=deck, now=T0) is None
    # All decks: the limited deck is closed for new facts, the other one is not.
    card = study.card(learner, now=T0)
    assert card.item.deck_id == other.id
    counts = study.counts(learner, now=T0)
    assert counts.new == 19  # 20 a day overall, 1 used
    study.update_deck_limits(learner, deck, new_per_day=None, reviews_per_day=None, now=T0)
    assert study.deck_limits(learner, deck) is None


def test_review_limit(builtin_decks, make_user):
    user = make_user()
    facts = Fact.query.order_by(Fact.id).limit(4).all()
    with write_transaction() as session:
        for fact in facts:
            item = StudyItem(user_id=user.id, fact_id=fact.id, deck_id=fact.deck_id)
            item.set_memory(
                MemoryState(
                    StudyState.REVIEW, None, 5.0, 5.0, T0 - timedelta(hours=1), T0 - timedelta(5)
                )
            )
            session.add(item)
    _set_limits(user, new=10, reviews=2)
    assert study.counts(user, now=T0).review == 2
    for _ in range(2):
        answer_card(user, study.card(user, now=T0), Rating.Good, T0)
    assert study.card(user, now=T0) is None
    assert study.counts(user, now=T0).review == 0


@pytest.mark.parametrize(
    ("timezone", "before_rollover", "after_rollover"),
    [
        # 4 a.m. in Berlin (UTC+1 in March) is 03:00 UTC.
        (
            "Europe/Berlin",
            datetime(2025, 3, 2, 2, 59, tzinfo=UTC),
            datetime(2025, 3, 2, 3, 0, tzinfo=UTC),
        ),
        # 4 a.m. in New York (UTC-5 before 9 March) is 09:00 UTC.
        (
            "America/New_York",
            datetime(2025, 3, 2, 8, 59, tzinfo=UTC),
            datetime(2025, 3, 2, 9, 0, tzinfo=UTC),
        ),
    ],
)
def test_the_study_day_ends_at_4am_local_time(
    learner, deck, timezone, before_rollover, after_rollover
):
    _set_limits(learner, new=2, reviews=100, timezone=timezone)
    day = before_rollover - timedelta(hours=5)  # the same study day, earlier
    _learn_new(learner, deck, day, 2)
    assert study.counts(learner, deck=deck, now=before_rollover).new == 0
    assert study.card(learner, deck=deck, now=before_rollover) is None
    # One minute later a new study day begins: two more new facts.
    counts = study.counts(learner, deck=deck, now=after_rollover)
    assert (counts.new, counts.done) == (2, 0)
    assert study.card(learner, deck=deck, now=after_rollover).item.state == StudyState.NEW


# --- undo ----------------------------------------------------------------------------------------


def test_undo_restores_the_item_exactly(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    answer_card(learner, card, Rating.Good, T0)
    card = study.card(learner, deck=deck, now=T0 + timedelta(minutes=10), item_id=card.item.id)
    before = snapshot(card.item.id)
    version = card.item.version
    result = answer_card(learner, card, Rating.Again, T0 + timedelta(minutes=10))
    assert snapshot(card.item.id) != before

    study.undo(learner, result.log.id, T0 + timedelta(minutes=11))
    assert snapshot(card.item.id) == before
    item = db.session.get(StudyItem, card.item.id)
    assert item.version > version  # a page shown before the undo is stale now
    assert db.session.get(ReviewLog, result.log.id).undone_at is not None
    assert study.counts(learner, deck=deck, now=T0 + timedelta(minutes=11)).done == 1

    # Undo again (double click): nothing more happens.
    study.undo(learner, result.log.id, T0 + timedelta(minutes=12))
    assert snapshot(card.item.id) == before


def test_only_the_latest_answer_can_be_undone(learner, deck):
    first = answer_card(learner, study.card(learner, deck=deck, now=T0), Rating.Good, T0)
    answer_card(learner, study.card(learner, deck=deck, now=T0), Rating.Good, T0)
    with pytest.raises(study.StaleAnswer):
        study.undo(learner, first.log.id, T0)


# --- one answer, one review ----------------------------------------------------------------------


def test_the_same_request_twice_records_one_review(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    first = answer_card(learner, card, Rating.Good, T0, request_id="same-request-1")
    state = snapshot(card.item.id)
    again = answer_card(learner, card, Rating.Good, T0, request_id="same-request-1")
    assert again.replayed and again.log.id == first.log.id
    assert count_rows(ReviewLog) == 1
    assert snapshot(card.item.id) == state


def test_two_tabs_answering_one_item_record_one_review(learner, deck):
    tab_a = study.card(learner, deck=deck, now=T0)
    tab_b = study.card(learner, deck=deck, now=T0)
    assert tab_a.item.id == tab_b.item.id
    answer_card(learner, tab_a, Rating.Good, T0, request_id="tab-a-request")
    state = snapshot(tab_a.item.id)
    with pytest.raises(study.StaleAnswer):
        study.answer(
            learner,
            item_id=tab_b.item.id,
            question_id=tab_b.question_row.id,
            version=0,  # the version tab B was shown
            request_id="tab-b-request",
            rating=4,
            response=None,
            elapsed_ms=1000,
            now=T0,
            fuzzing=False,
        )
    assert count_rows(ReviewLog) == 1
    assert snapshot(tab_a.item.id) == state


# --- other people's items, bad input -------------------------------------------------------------


def test_a_user_never_sees_or_changes_another_users_items(learner, deck, make_user):
    intruder = make_user()
    card = study.card(learner, deck=deck, now=T0)
    mine = answer_card(learner, card, Rating.Good, T0)
    state = snapshot(card.item.id)
    with pytest.raises(NotFound):
        study.card(intruder, now=T0, item_id=card.item.id)
    with pytest.raises(NotFound):
        study.check(
            intruder,
            item_id=card.item.id,
            question_id=card.question_row.id,
            version=1,
            response=None,
            elapsed_ms=0,
            now=T0,
        )
    with pytest.raises(NotFound):
        study.answer(
            intruder,
            item_id=card.item.id,
            question_id=card.question_row.id,
            version=1,
            request_id="intruder-request",
            rating=1,
            response=None,
            elapsed_ms=0,
            now=T0,
        )
    with pytest.raises(NotFound):
        study.undo(intruder, mine.log.id, T0)
    assert study.card(intruder, now=T0) is None  # nothing of the learner's in their queue
    assert snapshot(card.item.id) == state
    assert count_rows(ReviewLog) == 1


def _bad_answers(card, other_question):
    good = {
        "item_id": card.item.id,
        "question_id": card.question_row.id,
        "version": card.item.version,
        "request_id": "bad-input-request",
        "rating": 3,
        "response": None,
        "elapsed_ms": 1000,
    }
    yield NotFound, {**good, "item_id": 999_999}
    yield ServiceError, {**good, "question_id": other_question.id}  # another fact's question
    yield ServiceError, {**good, "question_id": "nope"}
    for rating in (0, 5, True, "3"):
        yield ServiceError, {**good, "rating": rating}
    yield ServiceError, {**good, "request_id": "x"}
    yield ServiceError, {**good, "request_id": "spaces are not allowed"}
    yield ServiceError, {**good, "elapsed_ms": "soon"}
    if card.question.choices:
        yield ServiceError, {**good, "response": "not an option"}
    yield ServiceError, {**good, "response": "x" * 501}


def test_bad_answers_are_refused_and_change_nothing(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    other_question = db.session.scalar(
        select(Question).where(Question.fact_id != card.item.fact_id).limit(1)
    )
    state = snapshot(card.item.id)
    for error, kwargs in _bad_answers(card, other_question):
        with pytest.raises(error):
            study.answer(learner, now=T0, fuzzing=False, **kwargs)
        assert count_rows(ReviewLog) == 0, kwargs
        assert snapshot(card.item.id) == state


@pytest.mark.parametrize(
    "change",
    [
        {"desired_retention": 0.5},
        {"desired_retention": 0.98},
        {"desired_retention": True},
        {"new_per_day": -1},
        {"reviews_per_day": 10_000},
        {"new_per_day": 2.5},
        {"timezone": "Mars/Olympus"},
        {"timezone": "../../etc/passwd"},
    ],
)
def test_bad_settings_are_refused_and_change_nothing(make_user, change):
    user = make_user()
    values = {
        "desired_retention": 0.9,
        "new_per_day": 20,
        "reviews_per_day": 200,
        "timezone": "Europe/Berlin",
        **change,
    }
    with pytest.raises(ServiceError):
        study.update_settings(user, now=T0, **values)
    assert count_rows(StudySettings) == 0
    assert db.session.get(User, user.id).timezone == "UTC"


def test_browser_timezone_is_a_default_not_an_override(make_user):
    user = make_user()
    assert study.set_browser_timezone(user, "Asia/Tokyo", T0)
    assert study.set_browser_timezone(user, "Not/AZone", T0) is False
    assert study.get_prefs(user).timezone == "Asia/Tokyo"
    _set_limits(user, 20, 200, timezone="Europe/Paris")
    assert study.set_browser_timezone(user, "Asia/Tokyo", T0) is False
    assert study.get_prefs(user).timezone == "Europe/Paris"


def test_retired_facts_leave_the_queue(learner, deck):
    card = study.card(learner, deck=deck, now=T0)
    with write_transaction() as session:
        session.get(Fact, card.item.fact_id).retired_at = T0
    assert study.card(learner, deck=deck, now=T0).item.id != card.item.id


# --- statistics that tell the truth -----------------------------------------------------------


def test_facts_missed_minutes_ago_are_learning_not_known(learner, deck):
    from quizapp.services.study_stats import study_stats

    now = T0
    for _ in range(6):
        card = study.card(learner, deck=deck, now=now)
        answer_card(learner, card, Rating.Again, now, response=wrong_response(card.question))
        now += timedelta(seconds=30)
    stats = study_stats(learner, deck=deck, now=now + timedelta(minutes=2))
    studied = sum(row.studied for row in stats.mastery)
    assert studied >= 1
    assert sum(row.known for row in stats.mastery) == 0
    assert sum(row.learning for row in stats.mastery) == studied
    assert all(row.average_retrievability is None for row in stats.mastery if row.studied)


def test_a_fact_in_review_with_a_week_of_memory_is_known(learner, deck):
    from quizapp.services.study_stats import study_stats

    card = study.card(learner, deck=deck, now=T0)
    answer_card(learner, card, Rating.Easy, T0, response=right_response(card.question))
    stats = study_stats(learner, deck=deck, now=T0 + timedelta(minutes=5))
    assert sum(row.known for row in stats.mastery) == 1
    assert sum(row.learning for row in stats.mastery) == 0
