"""Homework with speed scoring: each question timed by the server from when it was served
to that player to their answer, with the live game's points rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import ServiceError
from quizapp.services import live as live_service
from quizapp.services.assignments import gradebook as gradebook_service
from tests.factories import make_game

SECONDS = 20


@pytest.fixture
def speedy(teacher, school_class, software_deck):
    return make_game(
        teacher,
        mode="homework",
        scoring="speed",
        seconds=SECONDS,
        closes_at=utcnow() + timedelta(days=2),
        class_id=school_class.id,
        question_count=3,
    )


def right_pick(game_id: int, state: dict) -> int:
    position = state["question"]["position"]
    payload = db.session.get(LiveGame, game_id).questions[position].payload
    return state["question"]["options"].index(payload["correct"][0])


def answer(game, player, at, right=True) -> None:
    """Open the player's page (serving their next question) and answer it: `at` is
    the pair (page shown, answer received)."""
    served, answered = at
    state = live_service.homework_state(game, player, served, serve=True)
    pick = right_pick(game.id, state)
    if not right:
        pick = (pick + 1) % len(state["question"]["options"])
    position = state["question"]["position"]
    assert live_service.submit_homework_answer(game.id, player, position, [pick], None, answered)


def points_of(player_id: int) -> list[int]:
    return [
        a.points
        for a in db.session.scalars(
            db.select(LiveAnswer).where(LiveAnswer.player_id == player_id).order_by(LiveAnswer.id)
        )
    ]


@pytest.mark.parametrize("after_ms", [0, 1, 4_999, 5_000, 10_000, 19_999, 20_000, 90_000])
def test_a_right_answer_scores_by_the_time_since_its_question_was_served(teacher, speedy, after_ms):
    player = live_service.join(speedy.id, "Ann").player
    t0 = utcnow()
    answer(speedy, player, (t0, t0 + timedelta(milliseconds=after_ms)))
    (stored,) = db.session.scalars(db.select(LiveAnswer)).all()
    assert stored.elapsed_ms == after_ms
    assert stored.points == rules.speed_points(after_ms, SECONDS * 1000)
    assert 500 <= stored.points <= 1000


def test_time_away_between_questions_costs_nothing_and_a_reload_keeps_the_clock(teacher, speedy):
    player = live_service.join(speedy.id, "Ann").player
    t0 = utcnow()
    answer(speedy, player, (t0, t0 + timedelta(seconds=2)))
    # an hour away after the first answer; the next question is served on return
    back = t0 + timedelta(hours=1)
    live_service.homework_state(speedy, player, back, serve=True)
    # reloading the page ten seconds later does not restart the clock
    answer(speedy, player, (back + timedelta(seconds=10), back + timedelta(seconds=12)))
    assert points_of(player.id) == [
        rules.speed_points(2_000, 20_000),
        rules.speed_points(12_000, 20_000),
    ]


def test_a_question_answered_without_being_served_counts_as_at_the_limit(teacher, speedy):
    player = live_service.join(speedy.id, "Ann").player
    state = live_service.homework_state(speedy, player)  # a look, not a serving
    assert db.session.get(LivePlayer, player.id).served_at is None
    pick = right_pick(speedy.id, state)
    live_service.submit_homework_answer(speedy.id, player, 0, [pick], None)
    assert points_of(player.id) == [500]


def test_a_wrong_or_partly_right_answer_scores_as_in_a_live_game(teacher, speedy):
    player = live_service.join(speedy.id, "Ann").player
    t0 = utcnow()
    answer(speedy, player, (t0, t0 + timedelta(seconds=1)), right=False)
    assert points_of(player.id) == [0]
    assert db.session.get(LivePlayer, player.id).served_at is None  # the next waits


def test_accuracy_homework_ignores_the_clock_but_records_it(teacher, software_deck):
    game = make_game(
        teacher, mode="homework", closes_at=utcnow() + timedelta(days=1), seconds=SECONDS
    )
    assert game.scoring == "accuracy"  # the default for homework, as before
    player = live_service.join(game.id, "Ann").player
    t0 = utcnow()
    answer(game, player, (t0, t0 + timedelta(seconds=15)))
    (stored,) = db.session.scalars(db.select(LiveAnswer)).all()
    assert stored.points == 1000 and stored.elapsed_ms == 15_000


def test_speed_homework_lands_in_the_gradebook_by_accuracy(teacher, school_class, enrol, speedy):
    ana, bo = enrol("Ana Li"), enrol("Bo Chen")
    fast = live_service.join(speedy.id, "", ana).player
    slow = live_service.join(speedy.id, "", bo).player
    t0 = utcnow()
    for position in range(3):
        start = t0 + timedelta(minutes=position)
        answer(speedy, fast, (start, start + timedelta(seconds=1)))
        answer(speedy, slow, (start, start + timedelta(seconds=30)), right=position == 0)
    assert db.session.get(LivePlayer, fast.id).score == 3 * rules.speed_points(1000, 20_000)
    assert db.session.get(LivePlayer, slow.id).score == 500
    book = gradebook_service.class_gradebook(teacher, school_class.id, now=t0 + timedelta(days=3))
    (column,) = book.live
    assert column.result(ana.id).percent == 100
    assert round(column.result(bo.id).percent) == 33


@pytest.mark.parametrize("scoring", ["", "fast", "SPEED", "speed "])
def test_an_unknown_scoring_is_refused(teacher, software_deck, scoring):
    with pytest.raises(ServiceError, match="scoring"):
        make_game(teacher, mode="homework", scoring=scoring, closes_at=utcnow() + timedelta(days=1))
    assert db.session.scalar(db.select(db.func.count(LiveGame.id))) == 0
