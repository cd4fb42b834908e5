"""A live game of the kinds made for facts: a poll, estimates, orders and typed answers."""

from __future__ import annotations

from quizapp.extensions import db
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import live as live_service
from tests.conftest import count_rows
from tests.factories import current_question, make_game


def joined(app, game, nickname):
    client = app.test_client()
    assert client.post("/play", data={"pin": game.pin, "nickname": nickname}).status_code == 302
    return client


def state_of(client, game_id):
    return client.get(f"/play/{game_id}/state").get_json()


def send(client, game_id, position, picks=(), text=None):
    data = {"position": position, "pick": [str(p) for p in picks]}
    if text is not None:
        data["answer"] = text
    return client.post(f"/play/{game_id}/answer", data=data, headers={"Accept": "application/json"})


def advance(teacher, game_id):
    live_service.advance(teacher, game_id, db.session.get(LiveGame, game_id).version)


def right_answer(state, payload):
    """What a player who knows sends: (picks, text)."""
    kind = payload["kind"]
    if kind == "estimate":
        return (), str(int(payload["value"])) if payload["unit"] == "year" else str(
            payload["value"]
        )
    if kind == "typed":
        return (), payload["answer"]
    options = state["question"]["options"]
    if kind == "order":
        return [options.index(item) for item in payload["correct"]], None
    return [0], None


def test_a_game_of_every_fact_kind_with_a_warm_up_poll(app, teacher, software_deck):
    game = make_game(
        teacher,
        kinds=["estimate", "order", "typed"],
        question_count=live_service.MAX_QUESTIONS,  # every one the deck gives
        scoring="accuracy",
        streak_bonus=False,
        poll=("Who has used Linux?", ["Me", "Not yet"]),
    )
    kinds = [q.kind for q in db.session.get(LiveGame, game.id).questions]
    assert kinds[0] == "poll" and set(kinds) == {"poll", "estimate", "order", "typed"}
    ann, bob = joined(app, game, "Ann"), joined(app, game, "Bob")
    for position, kind in enumerate(kinds):
        advance(teacher, game.id)
        payload = current_question(game.id).payload
        state = state_of(ann, game.id)
        assert state["question"]["kind"] == kind
        picks, text = right_answer(state, payload)
        assert send(ann, game.id, position, picks, text).status_code == 200
        # Bob answers wrongly: the first option for a poll, a far guess, a wrong order
        if kind == "estimate":
            assert send(bob, game.id, position, text="1").status_code == 200
        elif kind == "order":
            options = state_of(bob, game.id)["question"]["options"]
            wrong = [options.index(item) for item in reversed(payload["correct"])]
            assert send(bob, game.id, position, wrong).status_code == 200
        elif kind == "typed":
            assert send(bob, game.id, position, text="no idea").status_code == 200
        else:
            assert send(bob, game.id, position, [1]).status_code == 200
        # both answered: the reveal came by itself
        reveal = state_of(ann, game.id)["reveal"]
        assert reveal["scored"] is (kind != "poll")
        assert reveal["mine"]["correct"] is (kind != "poll")
        advance(teacher, game.id)  # top 5
    scores = {p.nickname: p.score for p in db.session.query(LivePlayer)}
    assert scores["Ann"] == 1000 * (len(kinds) - 1)  # the poll gives no points
    assert scores["Bob"] < scores["Ann"]
    assert count_rows(LiveAnswer) == 2 * len(kinds)


def test_the_host_sees_the_true_value_and_the_closest_guesses(app, teacher, login, software_deck):
    game = make_game(teacher, kinds=["estimate"], question_count=1)
    ann, bob = joined(app, game, "Ann"), joined(app, game, "Bob")
    advance(teacher, game.id)
    value = current_question(game.id).payload["value"]
    send(ann, game.id, 0, text=str(int(value)))
    send(bob, game.id, 0, text=str(int(value) + 5))
    host = app.test_client()
    login(host, teacher)
    state = host.get(f"/live/games/{game.id}/state").get_json()
    summary = state["reveal"]["summary"]
    assert summary["answered"] == 2
    assert [g["nickname"] for g in summary["guesses"]] == ["Ann", "Bob"]
    page = host.get(f"/live/games/{game.id}").get_data(as_text=True)
    assert "True value" in page and str(int(value) + 5) in page


def test_answers_of_the_wrong_shape_are_refused_in_words(app, teacher, software_deck):
    game = make_game(teacher, kinds=["order"], question_count=1)
    ann = joined(app, game, "Ann")
    advance(teacher, game.id)
    response = send(ann, game.id, 0, [0])
    assert response.status_code == 400 and "every item" in response.get_json()["error"]
    game2 = make_game(teacher, kinds=["estimate"], question_count=1)
    bob = joined(app, game2, "Bob")
    advance(teacher, game2.id)
    response = send(bob, game2.id, 0)
    assert response.status_code == 400 and "Type your answer" in response.get_json()["error"]
    assert count_rows(LiveAnswer) == 0


def test_the_report_and_the_results_of_a_game_of_fact_kinds(app, teacher, login, software_deck):
    game = make_game(
        teacher,
        kinds=["estimate", "order", "typed"],
        question_count=3,
        poll=("Ready?", ["Yes", "No"]),
    )
    ann = joined(app, game, "Ann")
    advance(teacher, game.id)
    send(ann, game.id, 0, [0])
    live_service.finish(teacher, game.id)
    host = app.test_client()
    login(host, teacher)
    report = host.get(f"/live/games/{game.id}/report")
    assert report.status_code == 200 and "Ready?" in report.get_data(as_text=True)
    results = host.get(f"/live/games/{game.id}/results.csv").get_data(as_text=True)
    assert results.count("\n") == 1 + 4  # the header and one row per question
