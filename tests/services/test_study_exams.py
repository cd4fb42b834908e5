"""The exam-date queue at a fixed now, the exam outlook, and load balancing through the
service (a review's due day stays within fsrs's fuzz range)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.domain.scheduling import MemoryState, Rating, StudyState, balance, review
from quizapp.extensions import db
from quizapp.models import StudyItem
from quizapp.models.study import StudySettings
from quizapp.services import ServiceError, study, write_transaction
from quizapp.services.study import exams
from tests.services.test_study import DECK, answer_card

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)


@pytest.fixture
def deck(builtin_decks):
    return builtin_decks[DECK]


@pytest.fixture
def learner(make_user, deck):
    user = make_user()
    study.enroll(user, deck, NOW - timedelta(days=60))
    with write_transaction() as session:
        # No new facts today: what the queue shows is reviews and exam work only.
        session.add(StudySettings(user_id=user.id, new_per_day=0))
    return user


def set_states(user, plan):
    """Give the user's first items these (stability, days since last review, due in days)."""
    items = db.session.scalars(
        select(StudyItem).where(StudyItem.user_id == user.id).order_by(StudyItem.id)
    ).all()
    with write_transaction() as session:
        for item, (stability, since, due_in) in zip(items, plan, strict=False):
            row = session.get(StudyItem, item.id)
            row.set_memory(
                MemoryState(
                    StudyState.REVIEW,
                    None,
                    stability,
                    5.0,
                    NOW + timedelta(days=due_in),
                    NOW - timedelta(days=since),
                )
            )
    return [item.id for item in items[: len(plan)]]


PLAN = [
    (5.0, 2, 3),  # due before the exam
    (8.0, 4, 12),  # at risk
    (30.0, 1, 29),  # safe
    (4.0, 1, 20),  # most at risk
    (9.0, 0.5, 11),  # just at risk
]


def test_the_exam_queue_brings_forward_todays_share_most_at_risk_first(learner, deck):
    ids = set_states(learner, PLAN)
    assert study.next_item(learner, deck=deck, now=NOW) is None  # nothing due, no new
    exams.set_exam(learner, deck, day=date(2025, 6, 12), target=0.9, now=NOW)
    # Ten days left, three facts at risk: one a day, the most at risk first.
    assert study.next_item(learner, deck=deck, now=NOW).id == ids[3]
    assert study.counts(learner, deck=deck, now=NOW).review == 1
    answer_card(learner, study.card(learner, deck=deck, now=NOW), Rating.Good, NOW)
    # Today's share is done.
    assert study.next_item(learner, deck=deck, now=NOW + timedelta(minutes=1)) is None
    assert study.counts(learner, deck=deck, now=NOW).review == 0
    # Tomorrow: the two left, over nine days, one a day again: the next most at risk.
    tomorrow = NOW + timedelta(days=1)
    assert study.next_item(learner, deck=deck, now=tomorrow).id == ids[1]
    # All decks see the exam too; on exam day it is over.
    assert study.next_item(learner, now=tomorrow).id == ids[1]
    exam_day = datetime(2025, 6, 12, 9, tzinfo=UTC)
    assert exams.exams_today(learner, study.get_prefs(learner), exam_day) == ()


def test_an_exam_close_at_hand_takes_more_a_day(learner, deck):
    ids = set_states(learner, [(2.0, 1, 30)] * 6)
    exams.set_exam(learner, deck, day=date(2025, 6, 4), target=0.9, now=NOW)
    # Six at risk (each 2.75 days since on the exam morning, over a stability of 2), two
    # days left: three today.
    assert study.counts(learner, deck=deck, now=NOW).review == 3
    seen = []
    for minute in range(4):
        found = study.next_item(learner, deck=deck, now=NOW + timedelta(minutes=minute))
        if found is None:
            break
        seen.append(found.id)
        card = study.card(learner, deck=deck, now=NOW, item_id=found.id)
        answer_card(learner, card, Rating.Good, NOW + timedelta(minutes=minute))
    assert seen == ids[:3]


def test_the_exam_outlook_predicts_recall_on_the_exam_morning(learner, deck):
    set_states(learner, PLAN)
    exams.set_exam(learner, deck, day=date(2025, 6, 12), target=0.9, now=NOW)
    (outlook,) = exams.outlook(learner, NOW)
    assert outlook.deck.id == deck.id and outlook.facts == 19
    # Five facts in review, fourteen new (recall 0); only the one with 30 days of
    # stability is still at 90 % or more on the exam morning.
    assert outlook.at_target == 1
    assert 0 < outlook.predicted_recall < 5 / 19


@pytest.mark.parametrize(
    ("day", "target"), [(date(2025, 6, 2), 0.9), (date(2029, 1, 1), 0.9), (date(2025, 7, 1), 1.2)]
)
def test_an_exam_must_be_ahead_with_a_sensible_target(learner, deck, day, target):
    with pytest.raises(ServiceError):
        exams.set_exam(learner, deck, day=day, target=target, now=NOW)
    assert exams.exam_of(learner, deck) is None


def test_removing_an_exam(learner, deck):
    exams.set_exam(learner, deck, day=date(2025, 7, 1), target=0.85, now=NOW)
    assert exams.exam_of(learner, deck).target == 0.85
    exams.set_exam(learner, deck, day=None, target=None, now=NOW)
    assert exams.exam_of(learner, deck) is None


@pytest.mark.parametrize("seed", range(6))
def test_load_balancing_keeps_a_review_within_its_fuzz_range(learner, deck, seed):
    ids = set_states(learner, [(40.0, 40, 0)] + [(20.0, 5, 30 + seed % 3)] * 10)
    card = study.card(learner, deck=deck, now=NOW, item_id=ids[0])
    before = card.item.memory
    unfuzzed = review(
        before, Rating.Good, NOW, study.get_prefs(learner).scheduler(False), item_id=ids[0]
    )
    low, high = balance.fuzz_range((unfuzzed.due - NOW).days, 36_500)
    assert high > low
    study.answer(
        learner,
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        request_id=f"balance-{seed:04d}",
        rating=int(Rating.Good),
        response=None,
        elapsed_ms=3000,
        now=NOW,
        fuzzing=True,
    )
    db.session.expire_all()
    item = db.session.get(StudyItem, ids[0])
    assert low <= (item.due - NOW).days <= high
    assert item.stability == pytest.approx(unfuzzed.stability)
