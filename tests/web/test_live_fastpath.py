"""Answers taken outside Flask (quizapp/live/fastpath.py) and stored in batches.

The player's page holds a key (an HMAC of the player and their rejoin token) that its
script sends with each answer; with it the answer is stored without a Flask request,
so without the session's CSRF token. These tests run with CSRF on, as in
production, to prove the key is what lets an answer through: without it (or with
someone else's) the request goes to Flask, whose CSRF check refuses it.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.domain.live import player_key
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import Forbidden
from quizapp.services import live as live_service
from quizapp.services.live import answers as live_answers
from tests.conftest import base_config, count_rows
from tests.factories import make_game, pick_index

COOKIE = "live_player"


pytestmark = pytest.mark.usefixtures("software_deck")


@pytest.fixture
def app_config(database_url):
    return {**base_config(database_url), "WTF_CSRF_ENABLED": True}


class Player:
    """A browser that joined: its cookie, and the key its play page holds."""

    def __init__(self, app, game, nickname):
        joined = live_service.join(game.id, nickname)
        self.id = joined.player.id
        self.game_id = game.id
        self.client = app.test_client()
        self.client.set_cookie(COOKIE, f"{self.id}.{joined.token}", path=f"/play/{game.id}")
        page = self.client.get(f"/play/{game.id}").get_data(as_text=True)
        self.key = re.search(r'data-player-key="([0-9a-f]+)"', page).group(1)

    def state(self):
        return self.client.get(
            f"/play/{self.game_id}/state", headers={"Accept": "application/json"}
        ).get_json()

    def answer(self, position, picks, key=None, **extra):
        return self.client.post(
            f"/play/{self.game_id}/answer",
            data={"position": position, "pick": [str(p) for p in picks], **extra},
            headers={"Accept": "application/json", "X-Live-Key": key or self.key},
        )


def start(teacher, game):
    return live_service.advance(teacher, game.id, db.session.get(LiveGame, game.id).version)


def test_the_play_page_holds_the_players_own_key(app, teacher):
    game = make_game(teacher)
    ann = Player(app, game, "Ann")
    row = db.session.get(LivePlayer, ann.id)
    assert ann.key == player_key(b"test-secret-key", row.id, row.token_hash)
    assert ann.key != Player(app, game, "Bob").key


def test_an_answer_with_the_key_is_stored_without_a_csrf_token(app, teacher):
    game = make_game(teacher, scoring="accuracy")
    ann = Player(app, game, "Ann")
    Player(app, game, "Bob")
    start(teacher, game)
    right = pick_index(ann.state(), True)
    response = ann.answer(0, [right])
    assert response.status_code == 200
    assert response.get_json() == {"received": True, "first": True}
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    replay = ann.answer(0, [pick_index(ann.state(), False)])
    assert replay.status_code == 200 and replay.get_json()["first"] is False
    stored = db.session.scalars(select(LiveAnswer)).one()
    assert stored.correct is True and stored.points == 1000
    assert db.session.get(LivePlayer, ann.id).score == 1000


def test_without_the_right_key_the_answer_meets_flasks_csrf_check(app, teacher):
    game = make_game(teacher)
    ann, bob = Player(app, game, "Ann"), Player(app, game, "Bob")
    start(teacher, game)
    for key in ["0" * 64, bob.key, ann.key[:-1]]:
        response = ann.answer(0, [0], key=key)
        assert response.status_code == 400
        assert "form has expired" in response.get_json()["error"]
    # Bob's key with Ann's cookie, and a key with no cookie at all
    stranger = app.test_client()
    response = stranger.post(
        f"/play/{game.id}/answer",
        data={"position": 0, "pick": "0"},
        headers={"Accept": "application/json", "X-Live-Key": bob.key},
    )
    assert response.status_code == 400
    assert count_rows(LiveAnswer) == 0


def test_a_rejoin_from_another_device_retires_the_old_key(app, teacher, make_user, login):
    game = make_game(teacher)
    student = make_user(name="Sam Student")
    joined = live_service.join(game.id, "", student)
    laptop = app.test_client()
    laptop.set_cookie(COOKIE, f"{joined.player.id}.{joined.token}", path=f"/play/{game.id}")
    old_key = player_key(b"test-secret-key", joined.player.id, joined.player.token_hash)
    live_service.join(game.id, "", student)  # the phone: a new token
    start(teacher, game)
    response = laptop.post(
        f"/play/{game.id}/answer",
        data={"position": 0, "pick": "0"},
        headers={"Accept": "application/json", "X-Live-Key": old_key},
    )
    assert response.status_code == 400  # to Flask: the old cookie is nobody, no CSRF token
    assert count_rows(LiveAnswer) == 0


def test_refusals_on_the_fast_path_have_words_and_store_nothing(app, teacher):
    game = make_game(teacher, seconds=5)
    ann, bob = Player(app, game, "Ann"), Player(app, game, "Bob")
    cases = [
        (ann.answer(0, [0]), 409, "question is closed"),  # not started
    ]
    live_service.advance(teacher, game.id, 1, now=utcnow() - timedelta(seconds=4))
    cases += [
        (ann.answer(1, [0]), 409, "question is closed"),
        (ann.answer(7, [0]), 400, "no such question"),
        (ann.answer(0, [9]), 400, "Pick one of the options"),
        (ann.answer(0, [0, 1]), 400, "exactly one"),
        (ann.answer(0, []), 400, "Pick an option"),
        (ann.answer("x", [0]), 400, "Pick one of the options"),
        (ann.answer(0, ["²"]), 400, "Pick one of the options"),
    ]
    game_row = db.session.get(LiveGame, game.id)
    game_row.question_deadline = utcnow() - timedelta(seconds=1)  # time is up
    db.session.commit()
    cases.append((ann.answer(0, [0]), 409, "Time is up"))
    for response, status, words in cases:
        assert response.status_code == status, (words, response.get_data(as_text=True))
        assert words in response.get_json()["error"]
        assert response.get_json()["status"] == status
    live_service.remove_player(teacher, game.id, bob.id)
    removed = bob.answer(0, [0])
    assert removed.status_code == 403 and "removed" in removed.get_json()["error"]
    assert count_rows(LiveAnswer) == 0


def test_an_oversized_answer_goes_to_flask(app, teacher):
    game = make_game(teacher)
    ann = Player(app, game, "Ann")
    Player(app, game, "Bob")
    start(teacher, game)
    response = ann.answer(0, [0], padding="x" * 2000)
    assert response.status_code == 400  # Flask's CSRF check: no token in this form
    assert count_rows(LiveAnswer) == 0


# --- many answers at once: one batch, each answer as if alone ---------------------------


def answer_together(app, game_id, players_and_picks):
    """Submit answers from as many threads at once; return each one's receipt or error."""
    barrier = threading.Barrier(len(players_and_picks))
    results = [None] * len(players_and_picks)

    def one(i, cookie, picks):
        with app.app_context():
            player = live_service.player_row(game_id, cookie, None)
            db.session.commit()  # not a connection each while they wait for each other
            barrier.wait(10)
            try:
                results[i] = live_service.submit_answer(game_id, player, 0, picks)
            except Exception as exc:  # the test looks at it
                results[i] = exc
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=one, args=(i, cookie, picks))
        for i, (cookie, picks) in enumerate(players_and_picks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.rollback()  # the test's own reads start after the answers
    return results


def test_answers_sent_together_are_each_stored_once_and_reveal_once(app, teacher):
    game = make_game(teacher, scoring="accuracy", kinds=["true_false"])
    cookies = []
    for n in range(24):
        joined = live_service.join(game.id, f"P{n}")
        cookies.append(f"{joined.player.id}.{joined.token}")
    asked_version = start(teacher, game).version
    game_id = game.id
    # each player twice at the same instant (a double submit from two tabs)
    results = answer_together(app, game_id, [(c, [n % 2]) for n, c in enumerate(cookies * 2)])
    assert [r for r in results if not isinstance(r, live_service.AnswerReceipt)] == []
    assert sum(r.created for r in results) == 24
    assert len({r.answer_id for r in results}) == 24
    assert count_rows(LiveAnswer) == 24
    db.session.expire_all()
    game_now = db.session.get(LiveGame, game.id)
    assert game_now.state == "reveal" and game_now.version == asked_version + 1
    right = sum(a.correct for a in db.session.scalars(select(LiveAnswer)))
    total = sum(p.score for p in db.session.scalars(select(LivePlayer)))
    assert total == 1000 * right


def test_a_late_or_removed_answer_in_a_batch_fails_alone(app, teacher):
    game = make_game(teacher, kinds=["true_false"])
    cookies, ids = [], []
    for n in range(6):
        joined = live_service.join(game.id, f"P{n}")
        cookies.append(f"{joined.player.id}.{joined.token}")
        ids.append(joined.player.id)
    start(teacher, game)
    game_id = game.id  # plain values only in threads: ORM objects belong to one session
    with app.app_context():
        removed = live_service.player_row(game_id, cookies[0], None)
    live_service.remove_player(teacher, game_id, ids[0])
    # player 0 was read before the removal (its answer was judged meanwhile)
    results = [None]

    def removed_answers():
        with app.app_context():
            try:
                results[0] = live_service.submit_answer(game_id, removed, 0, [0])
            except Exception as exc:
                results[0] = exc

    thread = threading.Thread(target=removed_answers)
    thread.start()
    others = answer_together(app, game_id, [(c, [0]) for c in cookies[1:]])
    thread.join(30)
    db.session.rollback()
    assert isinstance(results[0], Forbidden)
    assert all(isinstance(r, live_service.AnswerReceipt) for r in others)
    assert count_rows(LiveAnswer) == 5
    assert db.session.get(LivePlayer, ids[0]).score == 0


def test_a_replay_that_reaches_its_batch_after_the_reveal_is_already_answered(app, teacher):
    """The replay's read saw no answer (the first was still in flight); by the time it
    is written the first is stored and the question revealed: it must say "already
    answered", not "too late", or the player would think their answer did not count."""
    game = make_game(teacher, kinds=["true_false"])
    ann = live_service.join(game.id, "Ann")
    live_service.join(game.id, "Bob")
    start(teacher, game)
    first = live_service.submit_answer(
        game.id, live_service.player_row(game.id, f"{ann.player.id}.{ann.token}", None), 0, [0]
    )
    question_id = db.session.get(LiveAnswer, first.answer_id).live_question_id
    version = db.session.get(LiveGame, game.id).version
    live_service.advance(teacher, game.id, version)  # the reveal
    replay = live_answers._PreparedAnswer(
        position=0,
        user_id=None,
        fact_id=0,
        row={
            "game_id": game.id,
            "player_id": ann.player.id,
            "live_question_id": question_id,
            "choices": ["x"],
            "correct": False,
            "credit": 0.0,
            "points": 0,
            "elapsed_ms": 1,
            "answered_at": utcnow(),
        },
        points={},
    )
    receipt = live_answers._ANSWERS.submit(replay)
    assert receipt == live_service.AnswerReceipt(first.answer_id, created=False)
    bob_late = dataclasses.replace(replay, row={**replay.row, "player_id": ann.player.id + 1})
    with pytest.raises(live_service.TooLate, match="question is closed"):
        live_answers._ANSWERS.submit(bob_late)  # Bob never answered: too late it is
    assert count_rows(LiveAnswer) == 1
