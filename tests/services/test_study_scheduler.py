"""The scheduler's per-learner parts through the service: optimising on demand and on its
own, the parameters the schedule then uses, "I was right", leeches, suspend and bury."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bench.synthetic_reviews import LEARNERS, simulate
from quizapp.domain.questions import Question as QuestionValue
from quizapp.domain.scheduling import Rating, StudyState, optimizer
from quizapp.extensions import db
from quizapp.models import Question, StudyItem
from quizapp.models.jobs import Job
from quizapp.models.study import ParameterFit, ReviewLog, StudySettings
from quizapp.services import jobs, study, write_transaction
from quizapp.services.study import parameters
from tests.conftest import count_rows
from tests.services.test_study import DECK, T0, answer_card, right_response, wrong_response


@pytest.fixture
def deck(builtin_decks):
    return builtin_decks[DECK]


@pytest.fixture
def learner(make_user, deck):
    user = make_user()
    study.enroll(user, deck, T0)
    return user


def insert_log(user, log) -> None:
    """Write a simulated review log as the user's, onto their items (ids mapped in order)."""
    items = db.session.scalars(
        select(StudyItem).where(StudyItem.user_id == user.id).order_by(StudyItem.id)
    ).all()
    by_synthetic = {n: items[(n - 1) % len(items)] for n in {r.item_id for r in log}}
    assert len(by_synthetic) <= len(items), "the deck is too small for this log"
    with write_transaction() as session:
        for review in log:
            item = by_synthetic[review.item_id]
            session.add(
                ReviewLog(
                    user_id=user.id,
                    item_id=item.id,
                    fact_id=item.fact_id,
                    deck_id=item.deck_id,
                    kind="cloze",
                    request_id=f"synthetic-{uuid.uuid4().hex}",
                    rating=review.rating,
                    reviewed_at=review.reviewed_at,
                    state_before="review",
                    stability_before=1.0,
                    difficulty_before=5.0,
                    due_before=review.reviewed_at,
                    last_review_before=review.reviewed_at,
                    reps_before=0,
                    lapses_before=0,
                    state_after="review",
                    stability_after=1.0,
                    difficulty_after=5.0,
                    due_after=review.reviewed_at,
                )
            )


@pytest.fixture
def reviewed(learner, builtin_decks):
    """A learner of every built-in deck with a year of reviews of 80 facts (enough to fit)."""
    for other in builtin_decks.values():
        study.enroll(learner, other, T0)
    insert_log(learner, simulate(LEARNERS[0], facts=80, days=365, seed=3))
    return learner


def test_too_few_reviews_keep_the_defaults_and_record_how_many(learner, deck):
    insert_log(learner, simulate(LEARNERS[1], facts=3, days=60, seed=1))
    fit = parameters.optimise(learner, T0)
    assert fit.parameters is None and fit.log_loss_after is None
    assert 0 < fit.reviews < optimizer.MIN_REVIEWS
    report = parameters.report(learner)
    assert report.missing == optimizer.MIN_REVIEWS - fit.reviews
    assert report.parameters is None and not report.adopted
    assert study.get_prefs(learner).parameters is None


def test_optimise_stores_the_fit_and_the_schedule_uses_it(reviewed, deck):
    fit = parameters.optimise(reviewed, T0)
    assert fit.reviews >= optimizer.MIN_REVIEWS
    assert fit.log_loss_after <= fit.log_loss_before
    assert fit.rmse_after is not None and fit.rmse_before is not None
    fitted = tuple(json.loads(fit.parameters))
    assert study.get_prefs(reviewed).parameters == fitted
    assert parameters.report(reviewed).adopted
    # A new fact's first Good now takes the learner's own initial stability.
    card = study.card(reviewed, deck=deck, now=T0)
    answer_card(reviewed, card, Rating.Good, T0)
    item = db.session.get(StudyItem, card.item.id)
    assert item.stability == pytest.approx(fitted[2], abs=1e-6)
    assert fitted[2] != pytest.approx(optimizer.DEFAULT_PARAMETERS[2], abs=1e-3)
    # Settings saved later keep the parameters.
    study.update_settings(
        reviewed,
        desired_retention=0.85,
        new_per_day=5,
        reviews_per_day=50,
        timezone="UTC",
        now=T0,
    )
    assert study.get_prefs(reviewed).parameters == fitted


def refit_on_its_own(user, now) -> ParameterFit | None:
    """What the end of a study session does (queue a refit if due), then what a job
    runner does; the new fit, None if none was due."""
    fits = count_rows(ParameterFit)
    if not parameters.queue_refit_if_due(user, now):
        return None
    assert count_rows(ParameterFit) == fits  # queued: not fitted in the request
    assert jobs.run_pending(lambda: now) == 1
    assert count_rows(ParameterFit) == fits + 1
    return parameters.latest_fit(user)


def test_optimising_on_its_own_waits_for_enough_new_reviews(reviewed):
    now = datetime(2026, 3, 1, tzinfo=UTC)  # after the simulated year
    assert refit_on_its_own(reviewed, now) is not None  # never fitted, enough
    first = parameters.latest_fit(reviewed)
    assert first.automatic
    # Right after, nothing new: not due.
    assert refit_on_its_own(reviewed, now + timedelta(minutes=1)) is None
    wait = optimizer.reviews_before_refit(first.reviews, fitted=True)
    later = [optimizer.LoggedReview(1, now + timedelta(seconds=n + 1), 3) for n in range(wait)]
    insert_log(reviewed, later[:-1])
    assert refit_on_its_own(reviewed, now + timedelta(days=1)) is None
    insert_log(reviewed, later[-1:])
    assert refit_on_its_own(reviewed, now + timedelta(days=1)) is not None
    assert count_rows(ParameterFit) == 2


def test_a_learner_without_reviews_is_not_optimised_on_its_own(learner):
    assert not parameters.queue_refit_if_due(learner, T0)
    assert count_rows(Job) == 0
    assert count_rows(ParameterFit) == 0


# --- "I was right" -------------------------------------------------------------------------


def typed_card(user, deck):
    """The user's first item with a typed question, shown with that question."""
    for item in db.session.scalars(
        select(StudyItem).where(StudyItem.user_id == user.id).order_by(StudyItem.id)
    ):
        for row in db.session.scalars(
            select(Question).where(Question.fact_id == item.fact_id, Question.retired_at.is_(None))
        ):
            question = QuestionValue.from_dict(row.payload)
            if not question.choices:
                card = study.card(user, deck=deck, now=T0, item_id=item.id)
                return replace(card, question_row=row, question=question), T0
    pytest.fail("no typed question in the deck")


def test_i_was_right_changes_the_proposed_rating_and_is_logged(learner, deck):
    card, now = typed_card(learner, deck)
    wrong = wrong_response(card.question)
    common = dict(
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        response=wrong,
        elapsed_ms=20_000,
        now=now,
    )
    judged = study.check(learner, **common)
    assert judged.proposed == Rating.Again and judged.can_claim
    claimed = study.check(learner, **common, claimed_right=True)
    assert claimed.proposed == Rating.Good and claimed.claimed_right
    assert not claimed.can_claim
    # Idempotent: claiming again gives the same feedback.
    assert study.check(learner, **common, claimed_right=True).proposed == Rating.Good
    result = answer_card(
        learner, card, Rating.Good, now, response=wrong, claimed_right=True, request_id="claim-0001"
    )
    assert result.log.claimed_right and result.log.correct is False
    assert result.log.rating == Rating.Good
    replay = answer_card(
        learner, card, Rating.Good, now, response=wrong, claimed_right=True, request_id="claim-0001"
    )
    assert replay.replayed and count_rows(ReviewLog) == result.log.id


def test_i_was_right_is_not_offered_on_a_right_or_a_choice_answer(learner, deck):
    card, now = typed_card(learner, deck)
    right = study.check(
        learner,
        item_id=card.item.id,
        question_id=card.question_row.id,
        version=card.item.version,
        response=right_response(card.question),
        elapsed_ms=20_000,
        now=now,
        claimed_right=True,
    )
    assert not right.claimed_right and not right.can_claim
    choice = study.card(learner, deck=deck, now=T0)
    while not choice.question.choices:
        answer_card(learner, choice, Rating.Good, T0)
        choice = study.card(learner, deck=deck, now=T0)
    picked = study.check(
        learner,
        item_id=choice.item.id,
        question_id=choice.question_row.id,
        version=choice.item.version,
        response=wrong_response(choice.question),
        elapsed_ms=3000,
        now=T0,
        claimed_right=True,
    )
    assert picked.proposed == Rating.Again and not picked.claimed_right


# --- leeches, suspend ----------------------------------------------------------------------


def lapse_ready(user, deck, lapses, item_id=None):
    """A card in review with `lapses` lapses so far, due at T0."""
    card = study.card(user, deck=deck, now=T0, item_id=item_id)
    with write_transaction() as session:
        item = session.get(StudyItem, card.item.id)
        item.state, item.step, item.stability, item.difficulty = "review", None, 3.0, 6.0
        item.last_review, item.due, item.lapses = T0 - timedelta(days=3), T0, lapses
    return study.card(user, deck=deck, now=T0, item_id=card.item.id)


@pytest.mark.parametrize("suspend", [False, True])
def test_the_eighth_lapse_makes_a_leech_suspended_if_chosen(learner, deck, suspend):
    with write_transaction() as session:
        session.add(StudySettings(user_id=learner.id, leech_suspend=suspend))
    card = lapse_ready(learner, deck, lapses=6)
    answer_card(learner, card, Rating.Again, T0)
    item = db.session.get(StudyItem, card.item.id)
    assert (item.lapses, item.leech) == (7, False)
    # Back in review, forgotten once more: the eighth lapse.
    card = lapse_ready(learner, deck, lapses=7, item_id=item.id)
    result = answer_card(learner, card, Rating.Again, T0)
    db.session.expire_all()
    item = db.session.get(StudyItem, card.item.id)
    assert (item.lapses, item.leech, item.suspended) == (8, True, suspend)
    # Relearning comes first in the queue: unless suspended, it is next.
    found = study.next_item(learner, deck=deck, now=T0 + timedelta(days=1))
    assert (found.id == item.id) is not suspend
    # Undone, the lapse that made the leech is gone, and so is the leech.
    if not suspend:
        return
    study.undo(learner, result.log.id, T0 + timedelta(minutes=5))
    db.session.expire_all()
    item = db.session.get(StudyItem, card.item.id)
    assert (item.lapses, item.leech, item.suspended) == (7, False, False)
    assert item.state == StudyState.REVIEW


def test_a_lower_threshold_is_the_learners_own(learner, deck):
    with write_transaction() as session:
        session.add(StudySettings(user_id=learner.id, leech_threshold=2))
    card = lapse_ready(learner, deck, lapses=1)
    answer_card(learner, card, Rating.Again, T0)
    assert db.session.get(StudyItem, card.item.id).leech


def test_suspended_and_buried_items_leave_the_queue(learner, deck):
    first = study.next_item(learner, deck=deck, now=T0)
    with write_transaction() as session:
        session.get(StudyItem, first.id).suspended = True
    second = study.next_item(learner, deck=deck, now=T0)
    assert second.id != first.id
    with write_transaction() as session:
        session.get(StudyItem, second.id).buried_until = T0 + timedelta(hours=3)
    third = study.next_item(learner, deck=deck, now=T0)
    assert third.id not in {first.id, second.id}
    # The burial ends; the suspension does not.
    after = study.next_item(learner, deck=deck, now=T0 + timedelta(hours=4))
    assert after.id == second.id
    counts = study.counts(learner, deck=deck, now=T0)
    assert counts.new == 19 - 2  # the deck's 19 facts but the suspended and the buried one


def test_workload_simulates_this_learners_collection(learner):
    runs, chosen = parameters.workload(learner)
    assert chosen == 0.9 and 0.9 in [w.retention for w in runs] and len(runs) == 11
    assert runs[0].total_reviews > 0
    assert datetime.now(UTC)  # no clock in the simulation: same figures twice
    assert parameters.workload(learner)[0] == runs


def test_a_reset_fact_trains_the_optimiser_only_on_reviews_after_it(reviewed):
    from quizapp.services.study import facts

    before = parameters._logged_reviews(reviewed.id)
    counted = {}
    for review in before:
        counted[review.item_id] = counted.get(review.item_id, 0) + 1
    item_id = max(counted, key=counted.get)
    facts.act(reviewed, item_id, "reset", datetime(2026, 3, 1, tzinfo=UTC))
    after = [r for r in parameters._logged_reviews(reviewed.id) if r.item_id == item_id]
    assert counted[item_id] > 0 and after == []
    assert sum(1 for _ in parameters._logged_reviews(reviewed.id)) == (
        sum(counted.values()) - counted[item_id]
    )
