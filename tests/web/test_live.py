"""Live games through the web: hosting, joining, answering, rejoining, fairness, results."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import StudyItem, utcnow
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import live as live_service
from tests.conftest import count_rows
from tests.factories import current_question, make_game, pick_index

DECK_FILE = Path(__file__).resolve().parents[2] / "questions" / "software_companies.toml"
DECK = "software-companies"


@pytest.fixture
def host(app, teacher, login, software_deck):
    client = app.test_client()
    login(client, teacher)
    return client


def join(app, game, nickname):
    client = app.test_client()
    response = client.post("/play", data={"pin": game.pin, "nickname": nickname})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return client


def state_of(client, game_id):
    response = client.get(f"/play/{game_id}/state", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_json()


def advance(host_client, game_id):
    version = db.session.get(LiveGame, game_id).version
    response = host_client.post(f"/live/games/{game_id}/next", data={"version": version})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return db.session.get(LiveGame, game_id)


def answer(client, game_id, position, picks, json_=False):
    headers = {"Accept": "application/json"} if json_ else {}
    return client.post(
        f"/play/{game_id}/answer",
        data={"position": position, "pick": [str(p) for p in picks]},
        headers=headers,
    )


# --- creating ----------------------------------------------------------------------------


def test_teacher_creates_a_game_with_a_pin_and_snapshotted_questions(host, teacher):
    page = host.get(f"/live/new?deck={DECK}")
    assert page.status_code == 200
    response = host.post(
        f"/live/new?deck={DECK}",
        data={
            "kinds": ["multiple_choice", "true_false"],
            "question_count": 4,
            "seconds": 15,
            "scoring": "accuracy",
            "streak_bonus": "y",
        },
    )
    assert response.status_code == 302
    game = db.session.scalars(select(LiveGame)).one()
    assert response.headers["Location"].endswith(f"/live/games/{game.id}")
    assert len(game.pin) == 6 and game.pin.isdigit()
    assert (game.seconds, game.scoring, game.streak_bonus, game.state) == (
        15,
        "accuracy",
        True,
        "lobby",
    )
    assert game.class_id is None
    assert len(game.questions) == 4
    assert {q.kind for q in game.questions} <= {"multiple_choice", "true_false"}
    assert all(q.payload["choices"] for q in game.questions)
    # a different fact for each question while there are enough
    assert len({q.fact_id for q in game.questions}) == 4
    lobby = host.get(f"/live/games/{game.id}")
    html = lobby.get_data(as_text=True)
    assert lobby.status_code == 200
    assert game.pin in html and "<svg" in html and "style=" not in html.split("<main")[1]


@pytest.mark.parametrize(
    "data",
    [
        {"kinds": ["multiple_choice"], "question_count": 0, "seconds": 20, "scoring": "speed"},
        {"kinds": ["multiple_choice"], "question_count": 5, "seconds": 1, "scoring": "speed"},
        {"kinds": [], "question_count": 5, "seconds": 20, "scoring": "speed"},
        {"kinds": ["cloze"], "question_count": 5, "seconds": 20, "scoring": "speed"},
        {"kinds": ["multiple_choice"], "question_count": 5, "seconds": 20, "scoring": "luck"},
        {
            "kinds": ["multiple_choice"],
            "question_count": 5,
            "seconds": 20,
            "scoring": "speed",
            "entities": ["no-such-entity"],
        },
    ],
)
def test_bad_game_options_are_refused_and_create_nothing(host, data):
    response = host.post(f"/live/new?deck={DECK}", data=data)
    assert response.status_code == 400
    assert count_rows(LiveGame) == 0


def test_only_teachers_host(app, make_user, login, software_deck, client):
    assert client.get(f"/live/new?deck={DECK}").status_code == 302  # log in first
    student = make_user()
    login(client, student)
    response = client.post(
        f"/live/new?deck={DECK}",
        data={"kinds": ["multiple_choice"], "question_count": 3, "seconds": 20, "scoring": "speed"},
    )
    assert response.status_code == 403
    assert count_rows(LiveGame) == 0
    # a student's /live/ is the join page
    assert "Join a live game" in client.get("/live/").get_data(as_text=True)
    assert client.get("/live/new?deck=nope").status_code == 403


def test_unknown_deck_is_404(host):
    assert host.get("/live/new?deck=no-such-deck").status_code == 404


# --- joining ----------------------------------------------------------------------------


def test_join_with_pin_and_nickname_sets_a_rejoin_cookie(app, teacher, software_deck):
    game = make_game(teacher)
    client = app.test_client()
    form = client.get(f"/play?pin={game.pin}")
    assert form.status_code == 200 and game.pin in form.get_data(as_text=True)
    response = client.post("/play", data={"pin": game.pin, "nickname": "  Ann  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/play/{game.id}")
    cookie = response.headers["Set-Cookie"]
    assert "Path=/play;" in cookie and "HttpOnly" in cookie
    player = db.session.scalars(select(LivePlayer)).one()
    assert player.nickname == "Ann"
    token = cookie.split("=", 1)[1].split(";")[0].split(".", 1)[1]
    assert token not in player.token_hash and len(player.token_hash) == 64
    page = client.get(f"/play/{game.id}")
    assert page.status_code == 200 and "You're in!" in page.get_data(as_text=True)
    assert db.session.get(LiveGame, game.id).roster_version == 1


@pytest.mark.parametrize(
    ("nickname", "message"),
    [
        ("", "Choose a nickname"),
        ("x" * 21, "at most 20"),
        ("bad\x07bell", "control"),
        ("rtl\u202eevil", "control"),
        ("ANN", "taken"),
        ("a.n.n", "taken"),
    ],
)
def test_bad_or_taken_nicknames_are_refused(app, teacher, software_deck, nickname, message):
    game = make_game(teacher)
    join(app, game, "Ann")
    client = app.test_client()
    response = client.post("/play", data={"pin": game.pin, "nickname": nickname})
    assert response.status_code in (400, 409)
    assert message in response.get_data(as_text=True)
    assert count_rows(LivePlayer) == 1


@pytest.mark.parametrize("pin", ["000000", "12345", "abcdef", ""])
def test_a_wrong_pin_changes_nothing(app, teacher, software_deck, pin):
    make_game(teacher)
    response = app.test_client().post("/play", data={"pin": pin, "nickname": "Ann"})
    assert response.status_code in (400, 404)
    assert count_rows(LivePlayer) == 0


def test_a_finished_game_cannot_be_joined_and_frees_its_pin(app, teacher, software_deck):
    game = make_game(teacher)
    pin = game.pin
    live_service.finish(teacher, game.id)
    assert db.session.get(LiveGame, game.id).pin is None
    response = app.test_client().post("/play", data={"pin": pin, "nickname": "Late"})
    assert response.status_code == 404
    assert count_rows(LivePlayer) == 0


def test_play_page_without_a_cookie_goes_to_the_join_form(app, teacher, software_deck):
    game = make_game(teacher)
    response = app.test_client().get(f"/play/{game.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/play"
    # The PIN is the key to the game: an id (sequential) must not reveal it.
    assert game.pin not in response.headers["Location"]
    assert app.test_client().get(f"/play/{game.id}/state").status_code == 404
    assert app.test_client().get("/play/999999/state").status_code == 404


# --- host-only controls -----------------------------------------------------------------


def test_host_controls_are_the_hosts_alone(app, teacher, make_user, login, software_deck):
    game = make_game(teacher)
    player = join(app, game, "Ann")
    other_teacher = app.test_client()
    login(other_teacher, make_user(role="teacher"))
    student = app.test_client()
    login(student, make_user())
    ann = db.session.scalars(select(LivePlayer)).one()
    for client in (other_teacher, student):
        for url in ("", "/state", "/report", "/results.csv"):
            assert client.get(f"/live/games/{game.id}{url}").status_code == 404
        for url in ("/next", "/end", f"/players/{ann.id}/remove"):
            response = client.post(f"/live/games/{game.id}{url}", data={"version": game.version})
            assert response.status_code == 404
    # a player (not logged in) is sent to log in, and can't drive the game either
    assert player.post(f"/live/games/{game.id}/next", data={"version": 1}).status_code == 302
    after = db.session.get(LiveGame, game.id)
    assert (after.state, after.version, after.pin) == ("lobby", game.version, game.pin)
    assert not db.session.get(LivePlayer, ann.id).removed


def test_a_stale_host_click_changes_nothing(app, host, teacher):
    game = make_game(teacher)
    join(app, game, "Ann")
    version = game.version
    host.post(f"/live/games/{game.id}/next", data={"version": version})
    host.post(f"/live/games/{game.id}/next", data={"version": version})  # double click
    after = db.session.get(LiveGame, game.id)
    assert (after.state, after.current_index) == ("question", 0)


def test_starting_needs_a_player(host, teacher):
    game = make_game(teacher)
    response = host.post(f"/live/games/{game.id}/next", data={"version": game.version})
    assert response.status_code == 302
    assert db.session.get(LiveGame, game.id).state == "lobby"
    assert "at least one player" in host.get(f"/live/games/{game.id}").get_data(as_text=True)


# --- answering --------------------------------------------------------------------------


def test_the_answer_key_is_not_on_player_pages_before_the_reveal(app, host, teacher):
    game = make_game(teacher, question_count=3, kinds=["multiple_choice", "multiple_select"])
    player = join(app, game, "Ann")
    join(app, game, "Bob")
    advance(host, game.id)
    question = current_question(game.id)
    state = state_of(player, game.id)
    text = json.dumps(state)
    for key in ('"correct"', '"answer"', '"evidence"', '"reveal"', '"accepted"'):
        assert key not in text
    assert question.payload["evidence"] not in text
    assert sorted(state["question"]["options"]) == sorted(question.payload["choices"])
    html = player.get(f"/play/{game.id}").get_data(as_text=True)
    assert question.payload["evidence"] not in html
    assert "correct" not in html.split("<main")[1].lower()
    # answering does not tell either
    ack = answer(player, game.id, 0, [pick_index(state, right=True)], json_=True)
    assert ack.status_code == 200 and ack.get_json() == {"received": True, "first": True}
    after = state_of(player, game.id)
    assert "correct" not in json.dumps(after)
    assert after["me"]["score"] == 0  # the points show at the reveal, not before
    # the reveal does
    advance(host, game.id)
    revealed = state_of(player, game.id)
    assert revealed["reveal"]["mine"]["correct"] is True
    assert revealed["reveal"]["evidence"] == question.payload["evidence"]


def test_everyone_answered_reveals_at_once(app, host, teacher):
    game = make_game(teacher)
    ann, bob = join(app, game, "Ann"), join(app, game, "Bob")
    advance(host, game.id)
    answer(ann, game.id, 0, [0])
    assert db.session.get(LiveGame, game.id).state == "question"
    answer(bob, game.id, 0, [1])
    assert db.session.get(LiveGame, game.id).state == "reveal"
    host_state = host.get(f"/live/games/{game.id}/state").get_json()
    assert sum(bar["count"] for bar in host_state["reveal"]["bars"]) == 2
    assert host_state["reveal"]["evidence"]


def test_one_answer_per_player_per_question(app, host, teacher):
    game = make_game(teacher, scoring="accuracy")
    ann = join(app, game, "Ann")
    join(app, game, "Bob")
    advance(host, game.id)
    state = state_of(ann, game.id)
    right, wrong = pick_index(state, True), pick_index(state, False)
    first = answer(ann, game.id, 0, [wrong])
    assert first.status_code == 302
    again = answer(ann, game.id, 0, [right])  # a second try, with the right option
    assert again.status_code == 302
    replay = answer(ann, game.id, 0, [right], json_=True)
    assert replay.status_code == 200 and replay.get_json()["first"] is False
    assert count_rows(LiveAnswer) == 1
    stored = db.session.scalars(select(LiveAnswer)).one()
    assert stored.correct is False and stored.points == 0
    assert (
        db.session.scalars(select(LivePlayer).where(LivePlayer.nickname == "Ann")).one().score == 0
    )
    assert "already answered" in ann.get(f"/play/{game.id}").get_data(as_text=True)


def test_an_answer_after_the_deadline_is_refused(app, teacher, software_deck):
    game = make_game(teacher, seconds=5)
    ann = join(app, game, "Ann")
    live_service.advance(teacher, game.id, game.version, now=utcnow() - timedelta(seconds=6))
    response = answer(ann, game.id, 0, [0])
    assert response.status_code == 409
    assert "Time is up" in response.get_data(as_text=True)
    json_response = answer(ann, game.id, 0, [0], json_=True)
    assert json_response.status_code == 409 and "Time is up" in json_response.get_json()["error"]
    assert count_rows(LiveAnswer) == 0
    assert "Time's up" in ann.get(f"/play/{game.id}").get_data(as_text=True)


def test_an_answer_to_another_question_or_with_bad_picks_is_refused(app, host, teacher):
    game = make_game(teacher)
    ann = join(app, game, "Ann")
    join(app, game, "Bob")
    assert answer(ann, game.id, 0, [0]).status_code == 409  # not started
    advance(host, game.id)
    assert answer(ann, game.id, 1, [0]).status_code == 409  # not the current one
    assert answer(ann, game.id, 7, [0]).status_code == 400
    assert answer(ann, game.id, 0, [9]).status_code == 400
    assert answer(ann, game.id, 0, [0, 1]).status_code == 400  # one option only
    assert answer(ann, game.id, 0, []).status_code == 400
    bad = ann.post(f"/play/{game.id}/answer", data={"position": "x", "pick": "0"})
    assert bad.status_code == 400
    assert count_rows(LiveAnswer) == 0


def test_each_player_gets_their_own_stable_order(app, host, teacher):
    game = make_game(teacher, question_count=1)
    clients = [join(app, game, f"P{i}") for i in range(12)]
    advance(host, game.id)
    orders = [tuple(state_of(c, game.id)["question"]["options"]) for c in clients]
    assert len(set(orders)) > 3
    assert all(
        tuple(state_of(c, game.id)["question"]["options"]) == o
        for c, o in zip(clients, orders, strict=True)
    )
    # a pick is a position in the player's own order: every player picking the right
    # one at their own position is judged right
    for client in clients:
        state = state_of(client, game.id)
        answer(client, game.id, 0, [pick_index(state, right=True)])
    assert all(a.correct for a in db.session.scalars(select(LiveAnswer)))


def test_state_polls_are_304_until_the_game_moves(app, host, teacher):
    game = make_game(teacher)
    ann = join(app, game, "Ann")
    first = ann.get(f"/play/{game.id}/state")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    same = ann.get(f"/play/{game.id}/state", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    join(app, game, "Bob")  # joins don't disturb the players' polls
    assert ann.get(f"/play/{game.id}/state", headers={"If-None-Match": etag}).status_code == 304
    advance(host, game.id)
    moved = ann.get(f"/play/{game.id}/state", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["state"] == "question"
    host_first = host.get(f"/live/games/{game.id}/state")
    host_etag = host_first.headers["ETag"]
    assert (
        host.get(f"/live/games/{game.id}/state", headers={"If-None-Match": host_etag}).status_code
        == 304
    )
    answer(ann, game.id, 0, [0])  # the host's count of answers moves
    assert (
        host.get(f"/live/games/{game.id}/state", headers={"If-None-Match": host_etag}).status_code
        == 200
    )


def test_players_get_their_rank_with_the_reveal_and_no_new_state_for_the_top_5(app, host, teacher):
    game = make_game(teacher, scoring="accuracy")
    ann, bob = join(app, game, "Ann"), join(app, game, "Bob")
    advance(host, game.id)
    answer(ann, game.id, 0, [pick_index(state_of(ann, game.id), True)])
    answer(bob, game.id, 0, [pick_index(state_of(bob, game.id), False)])  # all in: revealed
    reveal = ann.get(f"/play/{game.id}/state")
    state = reveal.get_json()
    assert state["state"] == "reveal" and state["rank"] == 1
    assert [row["nickname"] for row in state["top"]] == ["Ann", "Bob"]
    assert state_of(bob, game.id)["rank"] == 2
    etag = reveal.headers["ETag"]
    advance(host, game.id)  # the top 5, on the host's screen
    assert db.session.get(LiveGame, game.id).state == "leaderboard"
    same = ann.get(f"/play/{game.id}/state", headers={"If-None-Match": etag})
    assert same.status_code == 304
    fresh = state_of(ann, game.id)  # a player who missed the reveal gets it all
    assert fresh["state"] == "leaderboard" and fresh["rank"] == 1 and fresh["reveal"]
    assert f'"{fresh["version"]}"' == etag
    advance(host, game.id)  # the next question: a new state for everyone
    moved = ann.get(f"/play/{game.id}/state", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["state"] == "question"


# --- rejoining --------------------------------------------------------------------------


def test_a_player_rejoins_with_the_token_and_keeps_the_score(app, host, teacher):
    game = make_game(teacher, scoring="accuracy")
    ann = join(app, game, "Ann")
    join(app, game, "Bob")
    advance(host, game.id)
    answer(ann, game.id, 0, [pick_index(state_of(ann, game.id), True)])
    cookie = ann.get_cookie("live_player", path="/play")
    # another device (or a reloaded browser) with the same token is the same player
    other = app.test_client()
    other.set_cookie("live_player", cookie.value, path="/play")
    state = state_of(other, game.id)
    assert state["me"]["nickname"] == "Ann" and state["answered"] is True
    assert answer(other, game.id, 0, [0], json_=True).get_json()["first"] is False
    advance(host, game.id)  # the reveal
    third = app.test_client()
    third.set_cookie("live_player", cookie.value, path="/play")
    assert state_of(third, game.id)["me"] == {
        "nickname": "Ann",
        "score": 1000,
        "removed": False,
        "team": None,
    }
    assert count_rows(LivePlayer) == 2 and count_rows(LiveAnswer) == 1
    # a forged token is nobody
    forged = app.test_client()
    player_id = cookie.value.split(".")[0]
    forged.set_cookie("live_player", f"{player_id}.forged", path="/play")
    assert forged.get(f"/play/{game.id}/state").status_code == 404
    assert answer(forged, game.id, 0, [0]).status_code == 404


def test_a_logged_in_student_rejoins_by_account(app, teacher, make_user, login, software_deck):
    game = make_game(teacher)
    student = make_user(name="Sam Student")
    laptop = app.test_client()
    login(laptop, student)
    assert laptop.post("/play", data={"pin": game.pin, "nickname": ""}).status_code == 302
    phone = app.test_client()
    login(phone, student)
    # no cookie on this device, but the account is in the game
    assert state_of(phone, game.id)["me"]["nickname"] == "Sam Student"
    assert phone.post("/play", data={"pin": game.pin, "nickname": "Other"}).status_code == 302
    players = db.session.scalars(select(LivePlayer)).all()
    assert len(players) == 1 and players[0].user_id == student.id


def test_removed_players_are_out(app, host, teacher):
    game = make_game(teacher)
    ann = join(app, game, "Ann")
    join(app, game, "Bob")
    ann_id = db.session.scalar(select(LivePlayer.id).where(LivePlayer.nickname == "Ann"))
    response = host.post(f"/live/games/{game.id}/players/{ann_id}/remove", data={"version": 1})
    assert response.status_code == 302
    assert state_of(ann, game.id)["state"] == "removed"
    advance(host, game.id)
    assert answer(ann, game.id, 0, [0]).status_code == 403
    assert count_rows(LiveAnswer) == 0
    assert "Ann" not in host.get(f"/live/games/{game.id}").get_data(as_text=True)


# --- a whole game -----------------------------------------------------------------------


def test_a_whole_game_scores_streaks_ranks_and_exports(app, host, teacher, make_user, login):
    game = make_game(teacher, question_count=3, seconds=20)
    student = make_user()
    ann = app.test_client()
    login(ann, student)
    ann.post("/play", data={"pin": game.pin, "nickname": "Ann"})
    bob = join(app, game, "Bob")
    cy = join(app, game, "=cmd()")
    players = {
        p.nickname: p for p in db.session.scalars(select(LivePlayer).order_by(LivePlayer.id))
    }
    start = utcnow()
    for position in range(3):
        live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version, now=start)
        db.session.expire_all()
        question = current_question(game.id)
        for name, client, right, seconds in (
            ("Ann", ann, True, 0),
            ("Bob", bob, position != 1, 10),
        ):
            state = state_of(client, game.id)
            live_service.submit_answer(
                game.id,
                players[name],
                position,
                [pick_index(state, right)],
                received=start + timedelta(seconds=seconds),
            )
        # =cmd() misses every question: it scores nothing
        assert db.session.get(LiveGame, game.id).state == "question"
        live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
        assert host.get(f"/live/games/{game.id}").status_code == 200  # reveal screen
        live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
        assert host.get(f"/live/games/{game.id}").status_code == 200  # top 5
        assert question.position == position
    db.session.expire_all()
    # Ann: 1000, 1000 + 100, 1000 + 200; Bob: 750, wrong, 750 (streak restarted)
    scores = {p.nickname: p.score for p in db.session.scalars(select(LivePlayer))}
    assert scores == {"Ann": 3300, "Bob": 1500, "=cmd()": 0}
    assert state_of(bob, game.id)["rank"] == 2
    live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)
    final = state_of(cy, game.id)
    assert final["state"] == "finished" and final["rank"] == 3
    assert [row["nickname"] for row in final["top"]] == ["Ann", "Bob", "=cmd()"]
    podium = host.get(f"/live/games/{game.id}").get_data(as_text=True)
    assert podium.index("Ann") < podium.index("Bob")
    # the logged-in player's wrong answers feed the study queue; Ann was never wrong
    assert count_rows(StudyItem) == 0
    # CSV: one row per player per question, missed questions included
    response = host.get(f"/live/games/{game.id}/results.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 9
    assert {r["player"] for r in rows} == {"Ann", "Bob", "'=cmd()"}
    assert sum(1 for r in rows if r["correct"] == "no answer") == 3
    assert {r["account"] for r in rows if r["player"] == "Ann"} == {student.display_name}
    report = host.get(f"/live/games/{game.id}/report").get_data(as_text=True)
    assert "Most-chosen wrong option" in report


def test_wrong_answers_of_logged_in_players_make_the_fact_due(app, host, teacher, make_user, login):
    game = make_game(teacher)
    student = make_user()
    client = app.test_client()
    login(client, student)
    client.post("/play", data={"pin": game.pin, "nickname": ""})
    join(app, game, "Anon")
    advance(host, game.id)
    answer(client, game.id, 0, [pick_index(state_of(client, game.id), right=False)])
    items = db.session.scalars(select(StudyItem)).all()
    assert [(i.user_id, i.fact_id) for i in items] == [
        (student.id, current_question(game.id).fact_id)
    ]
    assert items[0].due <= utcnow()


def test_host_pages_render_in_every_phase_and_player_pages_too(app, host, teacher):
    game = make_game(teacher, question_count=1, kinds=["multiple_select"])
    ann = join(app, game, "Ann")
    seen = []
    for _ in range(5):
        page = host.get(f"/live/games/{game.id}")
        assert page.status_code == 200
        assert ann.get(f"/play/{game.id}").status_code == 200
        seen.append(db.session.get(LiveGame, game.id).state)
        if seen[-1] == "finished":
            break
        advance(host, game.id)
    assert seen == ["lobby", "question", "reveal", "leaderboard", "finished"]
    index = host.get("/live/").get_data(as_text=True)
    assert "Your games" in index and "finished" in index
