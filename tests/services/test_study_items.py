"""A wrong answer outside study mode makes the fact due, without inventing a review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizapp.domain.scheduling import StudyState
from quizapp.models import Fact, StudyItem
from quizapp.services import write_transaction
from quizapp.services.study_items import mark_due_after_wrong_answers

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_wrong_answer_creates_or_moves_items(builtin_decks, make_user):
    user = make_user()
    fact_a, fact_b = Fact.query.order_by(Fact.id).limit(2).all()
    # fact_b is already in review, due in ten days.
    with write_transaction() as session:
        item = StudyItem(
            user_id=user.id,
            fact_id=fact_b.id,
            deck_id=fact_b.deck_id,
            state="review",
            step=None,
            stability=12.0,
            difficulty=5.0,
            due=NOW + timedelta(days=10),
            last_review=NOW - timedelta(days=2),
        )
        session.add(item)

    with write_transaction() as session:
        mark_due_after_wrong_answers(session, user.id, [fact_a.id, fact_b.id], NOW)

    items = {i.fact_id: i for i in StudyItem.query.filter_by(user_id=user.id)}
    assert items[fact_a.id].state == StudyState.NEW and items[fact_a.id].due == NOW
    reviewed = items[fact_b.id]
    assert reviewed.due == NOW
    assert (reviewed.stability, reviewed.difficulty) == (12.0, 5.0)  # memory untouched
    assert reviewed.last_review == NOW - timedelta(days=2)


def test_repeating_it_changes_nothing(builtin_decks, make_user):
    user = make_user()
    fact = Fact.query.first()
    for _ in range(2):
        with write_transaction() as session:
            mark_due_after_wrong_answers(session, user.id, [fact.id], NOW)
    assert StudyItem.query.filter_by(user_id=user.id).count() == 1
