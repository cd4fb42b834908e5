"""Team mode: players are put in teams as they join; a team scores its members' average."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models.live import LiveGame, LivePlayer
from quizapp.services import ServiceError
from quizapp.services import live as live_service
from tests.factories import make_game, pick_index


def test_team_scores_are_averages_ranked_with_ties():
    ranked = rules.team_scores([(0, 1000), (0, 0), (1, 500), (2, 700), (2, 300)], 4)
    assert [(t.name, t.score, t.rank, t.members) for t in ranked] == [
        ("Red", 500, 1, 2),
        ("Blue", 500, 1, 1),
        ("Yellow", 500, 1, 2),
    ]  # Green has nobody: left out
    assert rules.team_scores([(0, 1), (0, 0)], 2)[0].score == 1  # 0.5 rounds half up


def test_a_newcomer_joins_one_of_the_smallest_teams():
    rng = random.Random(3)
    assert rules.team_for_newcomer([2, 1, 2], rng) == 1
    assert {rules.team_for_newcomer([1, 1, 0, 0], rng) for _ in range(20)} == {2, 3}


@pytest.fixture
def team_game(teacher, software_deck):
    game = make_game(teacher, team_count=2, scoring="accuracy", streak_bonus=False)
    players = [live_service.join(game.id, name).player for name in ("Ann", "Bob", "Cy", "Dee")]
    return game, players


def test_players_are_balanced_over_the_teams_and_the_host_can_move_one(teacher, team_game):
    game, players = team_game
    teams = Counter(db.session.get(LivePlayer, p.id).team for p in players)
    assert teams == {0: 2, 1: 2}
    other = 1 - players[0].team
    live_service.set_team(teacher, game.id, players[0].id, other)
    db.session.expire_all()
    assert db.session.get(LivePlayer, players[0].id).team == other
    with pytest.raises(ServiceError, match="no such team"):
        live_service.set_team(teacher, game.id, players[0].id, 2)


def test_the_reveal_and_the_podium_show_team_averages(app, teacher, login, team_game):
    game, players = team_game
    live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
    red = [p for p in players if p.team == 0]
    # one red player right, everyone else wrong: Red averages 500, Blue 0
    for player in players:
        state = live_service.player_state(db.session.get(LiveGame, game.id), player)
        right = player is red[0]
        live_service.submit_answer(game.id, player, 0, [pick_index(state, right)])
    db.session.expire_all()
    host = app.test_client()
    login(host, teacher)
    state = host.get(f"/live/games/{game.id}/state").get_json()
    assert state["state"] == "reveal"
    assert [(t["name"], t["score"]) for t in state["teams"]] == [("Red", 500), ("Blue", 0)]
    me = db.session.scalar(select(LivePlayer).where(LivePlayer.id == red[0].id))
    mine = live_service.player_state(db.session.get(LiveGame, game.id), me)
    assert mine["me"]["team"] == "Red" and mine["teams"][0]["name"] == "Red"
    live_service.finish(teacher, game.id)
    page = host.get(f"/live/games/{game.id}").get_data(as_text=True)
    assert "Team Red" in page and "500 points" in page
