"""Coming back to a live game as children do it: /play, the PIN and the same nickname."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models.live import LivePlayer
from quizapp.services import live as live_service
from tests.conftest import count_rows
from tests.factories import make_game


@pytest.fixture
def game(teacher, software_deck):
    return make_game(teacher)


def join(client, game, nickname, code=""):
    return client.post("/play", data={"pin": game.pin, "nickname": nickname, "code": code})


def code_on_screen(client, game):
    page = client.get(f"/play/{game.id}").get_data(as_text=True)
    return re.search(r'id="rejoin-code">([A-Z0-9]{6})<', page).group(1)


def test_the_same_browser_is_taken_back_by_its_cookie(app, game):
    tablet = app.test_client()
    assert join(tablet, game, "Ann").status_code == 302
    first = tablet.get_cookie("live_player", path="/play").value
    # the tab is closed; the child goes back to /play and types the PIN and "ann"
    again = join(tablet, game, "ann")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/play/{game.id}")
    assert tablet.get_cookie("live_player", path="/play").value == first
    assert count_rows(LivePlayer) == 1


def test_a_stranger_cannot_take_a_name_by_typing_it(app, game):
    assert join(app.test_client(), game, "Ann").status_code == 302
    stranger = app.test_client()
    response = join(stranger, game, "Ann")
    assert response.status_code == 400
    assert "rejoin code" in response.get_data(as_text=True)
    guess = join(stranger, game, "Ann", code="AAAAAA")
    assert guess.status_code == 403 and "not the one" in guess.get_data(as_text=True)
    assert stranger.get_cookie("live_player", path="/play") is None
    assert count_rows(LivePlayer) == 1


def test_another_device_comes_back_with_the_code_and_retires_the_old_one(app, game):
    tablet = app.test_client()
    join(tablet, game, "Ann")
    code = code_on_screen(tablet, game)
    phone = app.test_client()
    response = join(phone, game, "Ann", code=f" {code.lower()[:3]}-{code.lower()[3:]} ")
    assert response.status_code == 302
    assert phone.get(f"/play/{game.id}/state").get_json()["me"]["nickname"] == "Ann"
    # the old tablet's token is retired, and the code read off it works only once
    assert tablet.get(f"/play/{game.id}/state").status_code == 404
    assert code_on_screen(phone, game) != code
    assert join(app.test_client(), game, "Ann", code=code).status_code == 403
    assert count_rows(LivePlayer) == 1


def test_a_removed_player_cannot_come_back(app, teacher, game):
    tablet = app.test_client()
    join(tablet, game, "Ann")
    player = db.session.scalars(select(LivePlayer)).one()
    live_service.remove_player(teacher, game.id, player.id)
    response = join(tablet, game, "Ann")
    assert response.status_code == 403 and "removed" in response.get_data(as_text=True)


def test_a_lost_device_asks_the_host_who_lets_it_back_in(app, teacher, login, game):
    tablet = app.test_client()
    join(tablet, game, "Ann")
    refused = join(app.test_client(), game, "Ann")
    assert "Ask the host to let me back in" in refused.get_data(as_text=True)
    phone = app.test_client()
    asked = phone.post("/play", data={"pin": game.pin, "nickname": "Ann", "ask": "1"})
    assert asked.status_code == 302
    waiting = phone.get(f"/play/{game.id}")
    assert waiting.status_code == 200 and "Ask your teacher" in waiting.get_data(as_text=True)
    assert phone.get(f"/play/{game.id}/state").status_code == 404  # not in yet
    assert tablet.get(f"/play/{game.id}/state").status_code == 200  # still Ann
    host = app.test_client()
    login(host, teacher)
    state = host.get(f"/live/games/{game.id}/state").get_json()
    (asking,) = state["asking"]
    response = host.post(
        f"/live/games/{game.id}/players/{asking['id']}/back/1", data={"version": state["version"]}
    )
    assert response.status_code == 302
    assert phone.get(f"/play/{game.id}/state").get_json()["me"]["nickname"] == "Ann"
    assert tablet.get(f"/play/{game.id}/state").status_code == 404  # the lost device is retired
    assert host.get(f"/live/games/{game.id}/state").get_json()["asking"] == []
    assert count_rows(LivePlayer) == 1


def test_the_host_can_refuse_a_device_asking_for_a_name(app, teacher, login, game):
    join(app.test_client(), game, "Ann")
    stranger = app.test_client()
    stranger.post("/play", data={"pin": game.pin, "nickname": "Ann", "ask": "1"})
    player = db.session.scalars(select(LivePlayer)).one()
    live_service.let_back_in(teacher, game.id, player.id, agree=False)
    assert stranger.get(f"/play/{game.id}").status_code == 302  # to the join form
    assert stranger.get(f"/play/{game.id}/state").status_code == 404
