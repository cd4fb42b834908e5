"""The host's control of the lobby: lock, approval, a cap, a join rate limit, rude names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.domain.live import is_rude_nickname
from quizapp.extensions import db
from quizapp.models.live import LiveGame, LivePlayer
from tests.conftest import count_rows
from tests.factories import make_game


@pytest.fixture
def host(app, teacher, login, software_deck):
    client = app.test_client()
    login(client, teacher)
    return client


def join(client, game, nickname):
    return client.post("/play", data={"pin": game.pin, "nickname": nickname})


def act(host, game, path):
    version = db.session.get(LiveGame, game.id).version
    response = host.post(f"/live/games/{game.id}/{path}", data={"version": version})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_a_locked_lobby_refuses_newcomers_but_takes_a_player_back(app, host, teacher):
    game = make_game(teacher)
    tablet = app.test_client()
    assert join(tablet, game, "Ann").status_code == 302
    act(host, game, "lock/1")
    response = join(app.test_client(), game, "Bob")
    assert response.status_code == 409 and "locked" in response.get_data(as_text=True)
    assert join(tablet, game, "Ann").status_code == 302  # coming back is not joining
    act(host, game, "lock/0")
    assert join(app.test_client(), game, "Bob").status_code == 302
    assert count_rows(LivePlayer) == 2


def test_with_approval_a_player_waits_until_the_host_lets_them_in(app, host, teacher):
    game = make_game(teacher, approval=True)
    phone = app.test_client()
    join(phone, game, "Ann")
    join(app.test_client(), game, "Bob")
    assert phone.get(f"/play/{game.id}/state").get_json()["state"] == "waiting"
    state = host.get(f"/live/games/{game.id}/state").get_json()
    assert [p["nickname"] for p in state["pending"]] == ["Ann", "Bob"]
    assert state["player_count"] == 0
    # nobody is in yet: the game can't start
    act(host, game, "next")
    assert db.session.get(LiveGame, game.id).state == "lobby"
    ann = db.session.scalar(select(LivePlayer).where(LivePlayer.nickname == "Ann"))
    act(host, game, f"players/{ann.id}/admit")
    assert phone.get(f"/play/{game.id}/state").get_json()["state"] == "lobby"
    state = host.get(f"/live/games/{game.id}/state").get_json()
    assert state["player_count"] == 1 and [p["nickname"] for p in state["pending"]] == ["Bob"]
    act(host, game, "approval/0")  # let everyone in
    assert host.get(f"/live/games/{game.id}/state").get_json()["player_count"] == 2


def test_the_player_cap_counts_those_waiting_too(app, teacher, software_deck):
    game = make_game(teacher, max_players=2, approval=True)
    assert join(app.test_client(), game, "Ann").status_code == 302
    assert join(app.test_client(), game, "Bob").status_code == 302
    response = join(app.test_client(), game, "Cy")
    assert response.status_code == 409 and "full" in response.get_data(as_text=True)
    assert count_rows(LivePlayer) == 2


def test_a_cap_out_of_range_is_refused_in_words(host):
    response = host.post(
        "/live/new?deck=software-companies",
        data={
            "kinds": ["multiple_choice"],
            "question_count": 3,
            "seconds": 20,
            "scoring": "speed",
            "max_players": 0,
        },
    )
    assert response.status_code == 400 and count_rows(LiveGame) == 0


@pytest.mark.parametrize("name", ["fuck", "sh1t", "a s s"])
def test_rude_nicknames_are_refused(app, teacher, software_deck, name):
    game = make_game(teacher)
    response = join(app.test_client(), game, name)
    assert response.status_code == 400 and "friendlier" in response.get_data(as_text=True)
    assert count_rows(LivePlayer) == 0


@pytest.mark.parametrize("name", ["Ann", "Scunthorpe", "Cass", "Dickens", "Hancock"])
def test_ordinary_names_pass_the_filter(name):
    assert not is_rude_nickname(name)


@pytest.fixture
def limited(app_config):
    """Turn the limiter on for this test's app (requested before anything builds the app)."""
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")


def test_joins_per_game_are_rate_limited(limited, app, teacher, software_deck):
    game = make_game(teacher)
    # sent from many addresses (a bot farm): the limit is the game's, not an address's
    statuses = [
        app.test_client()
        .post(
            "/play",
            data={"pin": game.pin, "nickname": f"Bot {n}"},
            environ_base={"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"},
        )
        .status_code
        for n in range(61)
    ]
    assert statuses[:60] == [302] * 60 and statuses[60] == 429
    assert count_rows(LivePlayer) == 60
