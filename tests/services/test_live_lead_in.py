"""The lead-in: a question is shown first, its options open at an announced server time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame
from quizapp.services import live as live_service
from tests.factories import make_game

START = utcnow().replace(microsecond=0)


@pytest.fixture
def lead_in(app):
    # Production's settings: the lead-in on, screens polling every second.
    app.config.update(LIVE_LEAD_IN=True, LIVE_POLL_MS=1000)
    yield
    app.config["LIVE_LEAD_IN"] = False


def test_the_lead_in_is_three_poll_intervals_and_a_second():
    assert rules.lead_in_ms(1000) == 4000
    assert rules.lead_in_ms(2000) == 7000
    assert rules.lead_in_ms(100) == rules.LEAD_IN_MIN_MS


def asked(teacher, players=2):
    game = make_game(teacher, scoring="speed", streak_bonus=False)
    joined = [live_service.join(game.id, f"P{i}") for i in range(players)]
    live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version, now=START)
    return db.session.get(LiveGame, game.id), joined


def test_options_open_one_lead_in_after_the_question_and_the_limit_counts_from_there(
    lead_in, teacher, software_deck
):
    game, joined = asked(teacher)
    assert game.question_started_at == START
    assert game.options_at == START + timedelta(milliseconds=4000)
    assert game.question_deadline == game.options_at + timedelta(seconds=game.seconds)
    state = live_service.player_state(game, joined[0].player, now=START + timedelta(seconds=0.5))
    # the options come with the question (so every device can show them at the opening)
    assert state["question"]["opens_in_ms"] == 3500 and len(state["question"]["options"]) >= 2
    assert sorted(state["question"]["tiles"]) == list(range(len(state["question"]["options"])))


def test_an_answer_before_the_opening_is_refused_and_speed_counts_from_it(
    lead_in, teacher, software_deck
):
    game, joined = asked(teacher)
    ann, bob = (j.player for j in joined)
    with pytest.raises(live_service.TooLate, match="not open yet"):
        live_service.submit_answer(game.id, ann, 0, [0], received=START + timedelta(seconds=3.9))
    db.session.rollback()
    at_opening = game.options_at
    live_service.submit_answer(game.id, ann, 0, [0], received=at_opening)
    live_service.submit_answer(game.id, bob, 0, [1], received=at_opening + timedelta(seconds=1))
    elapsed = {a.player_id: a.elapsed_ms for a in db.session.scalars(select(LiveAnswer))}
    assert elapsed == {ann.id: 0, bob.id: 1000}


def test_every_poll_carries_the_servers_clock_and_the_state_the_opening(
    lead_in, app, teacher, software_deck
):
    game = make_game(teacher)
    client = app.test_client()
    client.post("/play", data={"pin": game.pin, "nickname": "Ann"})
    live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
    response = client.get(f"/play/{game.id}/state")
    before = int(utcnow().timestamp() * 1000)
    assert abs(int(response.headers["X-Server-Time"]) - before) < 60_000
    question = response.get_json()["question"]
    opening = db.session.get(LiveGame, game.id).options_at
    assert question["options_at_ms"] == int(opening.timestamp() * 1000)
    again = client.get(
        f"/play/{game.id}/state", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and "X-Server-Time" in again.headers
