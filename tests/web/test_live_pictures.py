"""A question's picture in a live game: on the host's screen and the players' devices,
and only for who may see it (the host; a player let in, for the question asked now).

The deck here is private and its pictures were uploaded in the editor, one a fact:
the deck's own image route is closed to the (anonymous) players, and each picture
has its own name, so "another picture of the deck" is a real one.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import DeckImage, utcnow
from quizapp.models.live import LiveGame, LivePlayer, LiveQuestion
from quizapp.services import live as live_service
from tests.pictures import png
from tests.web.test_editor import COUNTRIES, author, capitals  # noqa: F401 (fixtures)

COLOURS = [(200, 30, 40), (20, 90, 180), (140, 100, 0), (30, 120, 10)]


def picture_of(country: str) -> bytes:
    return png(8, 6, COLOURS[[c for c, _ in COUNTRIES].index(country)])


@pytest.fixture
def pictured(client, capitals):  # noqa: F811
    """The capitals deck with a picture for each fact, uploaded in the editor."""
    for country, capital in COUNTRIES:
        response = client.post(
            f"/decks/{capitals}/edit/facts/{country.lower()}-capital",
            data={
                "relation": "capital",
                "subject": country.lower(),
                "value_entity": capital.lower(),
                "evidence": f"{capital} is the capital of {country}.",
                "submit": "1",
                "picture": (io.BytesIO(picture_of(country)), "flag.png"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return capitals


def new_game(teacher, deck_key, **options):
    options.setdefault("kinds", ["multiple_choice"])
    options.setdefault("question_count", 4)
    return live_service.create_game(teacher, deck_key, **options)


def joined(app, game, nickname):
    """A new browser that joined the game anonymously, by nickname."""
    browser = app.test_client()
    response = browser.post("/play", data={"pin": game.pin, "nickname": nickname})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return browser


def start(teacher, game_id):
    game = db.session.get(LiveGame, game_id)
    return live_service.advance(teacher, game_id, game.version)


def question(game_id, position) -> LiveQuestion:
    return db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game_id, LiveQuestion.position == position
        )
    )


def expected_bytes(game_id, position) -> bytes:
    name = question(game_id, position).payload["image"]
    return db.session.scalar(select(DeckImage.data).where(DeckImage.name == name))


def picture_url(game_id, position):
    return f"/play/{game_id}/pictures/{position}"


def test_host_and_player_see_the_picture_of_the_question_asked_now(app, client, teacher, pictured):
    game = new_game(teacher, pictured)
    ann = joined(app, game, "Ann")
    # in the lobby nothing is asked yet
    assert ann.get(picture_url(game.id, 0)).status_code == 404
    start(teacher, game.id)

    state = ann.get(f"/play/{game.id}/state").get_json()
    assert state["question"]["picture"] is True
    assert "image" not in state["question"]  # the device needs no name, only "there is one"
    page = ann.get(f"/play/{game.id}").get_data(as_text=True)
    assert f'src="{picture_url(game.id, 0)}"' in page
    assert 'alt="The picture that goes with this question"' in page
    response = ann.get(picture_url(game.id, 0))
    assert response.status_code == 200
    assert response.data == expected_bytes(game.id, 0)
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"].startswith("inline;")

    host_page = client.get(f"/live/games/{game.id}").get_data(as_text=True)
    assert f'src="/live/games/{game.id}/pictures/0"' in host_page
    assert 'alt="The picture that goes with this question"' in host_page
    assert client.get(f"/live/games/{game.id}/pictures/0").data == expected_bytes(game.id, 0)
    # the host may look ahead (their own game); the player may not
    assert client.get(f"/live/games/{game.id}/pictures/1").status_code == 200
    assert ann.get(picture_url(game.id, 1)).status_code == 404
    # the deck's own image route stays closed to a player: the deck is private
    name = question(game.id, 0).payload["image"]
    assert ann.get(f"/decks/{pictured}/images/{name}").status_code == 404

    # through the reveal and the top 5 the question is still on the screens
    game = start(teacher, game.id)  # reveal
    assert ann.get(picture_url(game.id, 0)).status_code == 200
    page = client.get(f"/live/games/{game.id}").get_data(as_text=True)
    assert f'src="/live/games/{game.id}/pictures/0"' in page
    game = start(teacher, game.id)  # top 5
    assert ann.get(picture_url(game.id, 0)).status_code == 200
    game = start(teacher, game.id)  # the next question
    assert ann.get(picture_url(game.id, 0)).status_code == 404
    assert ann.get(picture_url(game.id, 1)).status_code == 200
    live_service.finish(teacher, game.id)
    assert ann.get(picture_url(game.id, 1)).status_code == 404


def test_only_the_game_s_players_and_host_get_its_picture(
    app, client, teacher, make_user, login, pictured
):
    game_a = new_game(teacher, pictured)
    game_b = new_game(teacher, pictured)
    ann = joined(app, game_a, "Ann")
    bob = joined(app, game_b, "Bob")
    cat = joined(app, game_a, "Cat")
    start(teacher, game_a.id)
    start(teacher, game_b.id)
    assert ann.get(picture_url(game_a.id, 0)).status_code == 200
    assert bob.get(picture_url(game_b.id, 0)).status_code == 200
    # a player of game B is nobody in game A, whichever cookie they send
    assert bob.get(picture_url(game_a.id, 0)).status_code == 404
    cookie = bob.get_cookie("live_player", path="/play").value
    ann.set_cookie("live_player", cookie, path="/play")
    assert ann.get(picture_url(game_a.id, 0)).status_code == 404
    # an outsider, a made-up cookie, a logged-in stranger
    assert app.test_client().get(picture_url(game_a.id, 0)).status_code == 404
    forger = app.test_client()
    player_id = cookie.split(".")[0]
    for forged in (f"{player_id}.nottoken", "1.x", "²." + "a" * 40, "", "." * 3000):
        forger.set_cookie("live_player", forged, path="/play")
        assert forger.get(picture_url(game_b.id, 0)).status_code == 404
    stranger = app.test_client()
    login(stranger, make_user(role="teacher"))
    assert stranger.get(picture_url(game_a.id, 0)).status_code == 404
    assert stranger.get(f"/live/games/{game_a.id}/pictures/0").status_code == 404
    # a removed player: not any more
    cat_id = db.session.scalar(
        select(LivePlayer.id).where(LivePlayer.game_id == game_a.id, LivePlayer.nickname == "Cat")
    )
    assert cat.get(picture_url(game_a.id, 0)).status_code == 200
    live_service.remove_player(teacher, game_a.id, cat_id)
    assert cat.get(picture_url(game_a.id, 0)).status_code == 404


def test_a_player_waiting_for_approval_gets_no_picture(app, teacher, pictured):
    game = new_game(teacher, pictured, approval=True)
    dan = joined(app, game, "Dan")
    eve = joined(app, game, "Eve")
    eve_id = db.session.scalar(select(LivePlayer.id).where(LivePlayer.nickname == "Eve"))
    live_service.admit(teacher, game.id, eve_id)
    start(teacher, game.id)
    assert eve.get(picture_url(game.id, 0)).status_code == 200
    assert dan.get(picture_url(game.id, 0)).status_code == 404


@pytest.mark.parametrize(
    "tail",
    ["-1", "99", "2147483648", "99999999999999999999", "0x0", "%00", "0/../../1", "abc"],
)
def test_hostile_positions_are_refused(app, teacher, pictured, tail):
    game = new_game(teacher, pictured)
    ann = joined(app, game, "Ann")
    start(teacher, game.id)
    response = ann.get(f"/play/{game.id}/pictures/{tail}")
    assert response.status_code in (400, 404)
    assert not response.mimetype.startswith("image/")


@pytest.mark.parametrize(
    "name", ["", "../secret.png", "a" * 32 + ".svg", "x.png", None, 7, ["a.png"]]
)
def test_a_question_without_a_picture_of_ours_has_none(app, client, teacher, pictured, name):
    game = new_game(teacher, pictured)
    ann = joined(app, game, "Ann")
    row = question(game.id, 0)
    row.payload = {**row.payload, "image": name}
    db.session.commit()
    start(teacher, game.id)
    assert ann.get(f"/play/{game.id}/state").get_json()["question"]["picture"] is False
    assert f'src="{picture_url(game.id, 0)}"' not in ann.get(f"/play/{game.id}").get_data(
        as_text=True
    )
    assert ann.get(picture_url(game.id, 0)).status_code == 404
    assert client.get(f"/live/games/{game.id}/pictures/0").status_code == 404


def test_a_picture_the_deck_dropped_is_not_found(app, teacher, pictured):
    game = new_game(teacher, pictured)
    ann = joined(app, game, "Ann")
    start(teacher, game.id)
    name = question(game.id, 0).payload["image"]
    db.session.execute(DeckImage.__table__.delete().where(DeckImage.name == name))
    db.session.commit()
    assert ann.get(picture_url(game.id, 0)).status_code == 404


def test_a_picture_of_another_deck_is_not_served_by_name(app, teacher, pictured, software_deck):
    """The name in a game's question is looked up in the game's own deck only."""
    game = new_game(teacher, software_deck, question_count=2)
    ann = joined(app, game, "Ann")
    other = db.session.scalar(select(DeckImage.name))
    row = question(game.id, 0)
    row.payload = {**row.payload, "image": other}
    db.session.commit()
    start(teacher, game.id)
    assert ann.get(f"/play/{game.id}/state").get_json()["question"]["picture"] is True
    assert ann.get(picture_url(game.id, 0)).status_code == 404


# --- homework -----------------------------------------------------------------------------


def test_homework_shows_the_picture_of_the_player_s_next_question_only(
    app, client, teacher, pictured
):
    game = new_game(teacher, pictured, mode="homework", closes_at=utcnow() + timedelta(days=1))
    ann = joined(app, game, "Ann")
    page = ann.get(f"/play/{game.id}").get_data(as_text=True)
    assert f'src="{picture_url(game.id, 0)}"' in page
    assert ann.get(picture_url(game.id, 0)).data == expected_bytes(game.id, 0)
    assert ann.get(picture_url(game.id, 1)).status_code == 404
    options = re.findall(r'name="pick" value="\d+" class="option">([^<]+)</button>', page)
    assert options
    assert ann.post(f"/play/{game.id}/answer", data={"position": 0, "pick": "0"}).status_code == 302
    assert ann.get(picture_url(game.id, 0)).status_code == 404
    assert ann.get(picture_url(game.id, 1)).status_code == 200
    # another player is at their own first question
    bo = joined(app, game, "Bo")
    assert bo.get(picture_url(game.id, 0)).status_code == 200
    assert bo.get(picture_url(game.id, 1)).status_code == 404
    live_service.finish(teacher, game.id)
    assert ann.get(picture_url(game.id, 1)).status_code == 404
