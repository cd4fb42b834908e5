"""Homework mode: a game taken at each player's own pace until a deadline, in the
class's gradebook like a live game."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer
from quizapp.services import ServiceError
from quizapp.services import live as live_service
from quizapp.services.assignments import gradebook as gradebook_service
from tests.conftest import count_rows
from tests.factories import make_game


@pytest.fixture
def homework(teacher, school_class, software_deck):
    return make_game(
        teacher,
        mode="homework",
        closes_at=utcnow() + timedelta(days=2),
        class_id=school_class.id,
        question_count=2,
    )


def right_pick(game, position, options):
    payload = db.session.get(LiveGame, game.id).questions[position].payload
    return options.index(payload["correct"][0])


def take(client, game, right: bool):
    """Answer every question through the plain pages, as a browser without JS."""
    for position in range(2):
        state = client.get(f"/play/{game.id}").get_data(as_text=True)
        assert f"{position + 1}. " in state
        options = _options(client, game)
        pick = right_pick(game, position, options)
        if not right:
            pick = (pick + 1) % len(options)
        response = client.post(
            f"/play/{game.id}/answer", data={"position": position, "pick": str(pick)}
        )
        assert response.status_code == 302


def _options(client, game):
    page = client.get(f"/play/{game.id}").get_data(as_text=True)
    return re.findall(r'name="pick" value="\d+" class="option">([^<]+)</button>', page)


def test_two_students_at_different_times_land_in_the_gradebook(
    app, teacher, school_class, enrol, as_user, homework
):
    assert db.session.get(LiveGame, homework.id).state == "homework"
    ana, bo = enrol("Ana Li"), enrol("Bo Chen")
    monday, tuesday = as_user(ana), as_user(bo)
    assert monday.post("/play", data={"pin": homework.pin, "nickname": ""}).status_code == 302
    take(monday, homework, right=True)
    assert "Done!" in monday.get(f"/play/{homework.id}").get_data(as_text=True)
    # not in the gradebook while the homework is open
    now = utcnow()
    book = gradebook_service.class_gradebook(teacher, school_class.id, now=now)
    assert book.live == []
    assert tuesday.post("/play", data={"pin": homework.pin, "nickname": ""}).status_code == 302
    take(tuesday, homework, right=False)
    after_deadline = now + timedelta(days=3)
    book = gradebook_service.class_gradebook(teacher, school_class.id, now=after_deadline)
    (column,) = book.live
    assert column.asked == 2
    assert column.result(ana.id).percent == 100 and column.result(bo.id).percent == 0


def test_an_answer_after_the_deadline_or_out_of_order_is_refused(app, teacher, homework):
    joined = live_service.join(homework.id, "Ann")
    with pytest.raises(ServiceError, match="in order"):
        live_service.submit_homework_answer(homework.id, joined.player, 1, [0], None)
    late = utcnow() + timedelta(days=3)
    with pytest.raises(live_service.TooLate):
        live_service.submit_homework_answer(homework.id, joined.player, 0, [0], None, late)
    assert count_rows(LiveAnswer) == 0
    # a repeat of an answer given changes nothing
    assert live_service.submit_homework_answer(homework.id, joined.player, 0, [0], None)
    assert not live_service.submit_homework_answer(homework.id, joined.player, 0, [1], None)
    assert count_rows(LiveAnswer) == 1


def test_a_closed_homework_cannot_be_joined(app, teacher, homework):
    pin = homework.pin
    live_service.finish(teacher, homework.id)
    response = app.test_client().post("/play", data={"pin": pin, "nickname": "Late"})
    assert response.status_code == 404


@pytest.mark.parametrize("days", [0, -1, 61])
def test_a_deadline_out_of_range_is_refused(teacher, software_deck, days):
    with pytest.raises(ServiceError):
        make_game(teacher, mode="homework", closes_at=utcnow() + timedelta(days=days))


# --- scoring chosen by the host ---------------------------------------------------------

GAME_FORM = {"kinds": ["multiple_choice"], "question_count": 2, "seconds": 15}


@pytest.fixture
def host(app, teacher, login, software_deck):
    client = app.test_client()
    login(client, teacher)
    return client


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({"mode": "homework"}, "accuracy"),  # as before: homework scores accuracy
        ({"mode": "homework", "homework_scoring": "accuracy"}, "accuracy"),
        ({"mode": "homework", "homework_scoring": "speed"}, "speed"),
        # the live game's own choice is not homework's, and the other way round
        ({"mode": "homework", "scoring": "speed"}, "accuracy"),
        ({"mode": "live", "scoring": "accuracy", "homework_scoring": "speed"}, "accuracy"),
        ({"mode": "live", "scoring": "speed", "homework_scoring": "accuracy"}, "speed"),
    ],
)
def test_the_host_chooses_how_homework_is_scored(host, sent, kept):
    response = host.post(
        "/live/new?deck=software-companies", data={**GAME_FORM, "scoring": "speed", **sent}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    game = db.session.scalars(db.select(LiveGame)).one()
    assert game.scoring == kept
    page = host.get(f"/live/games/{game.id}").get_data(as_text=True)
    if game.mode == "homework":
        words = "accuracy and speed" if kept == "speed" else "accuracy"
        assert f"scored by {words}</p>" in page


@pytest.mark.parametrize("bad", ["fast", "", "speed\x00", "x" * 5000, "1"])
def test_a_bad_homework_scoring_is_refused_and_creates_nothing(host, bad):
    data = {**GAME_FORM, "scoring": "speed", "mode": "homework", "homework_scoring": bad}
    response = host.post("/live/new?deck=software-companies", data=data)
    assert response.status_code == 400
    assert count_rows(LiveGame) == 0


def test_the_speed_homework_page_says_the_clock_runs_and_starts_it_once(
    app, teacher, software_deck
):
    game = make_game(
        teacher,
        mode="homework",
        scoring="speed",
        seconds=15,
        closes_at=utcnow() + timedelta(days=2),
        question_count=2,
    )
    player = app.test_client()
    assert player.post("/play", data={"pin": game.pin, "nickname": "Ann"}).status_code == 302
    page = player.get(f"/play/{game.id}").get_data(as_text=True)
    assert "Speed counts" in page and "after 15&nbsp;s" in page
    served = db.session.scalars(db.select(LivePlayer.served_at)).one()
    assert served is not None
    player.get(f"/play/{game.id}")  # a reload
    db.session.expire_all()
    assert db.session.scalars(db.select(LivePlayer.served_at)).one() == served
    response = player.post(f"/play/{game.id}/answer", data={"position": 0, "pick": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    answer = db.session.scalars(db.select(LiveAnswer)).one()
    assert 500 <= answer.points <= 1000 or answer.points == 0
    # the next question's clock waits for its page
    assert db.session.scalars(db.select(LivePlayer.served_at)).one() is None
    player.get(f"/play/{game.id}")
    db.session.expire_all()
    assert db.session.scalars(db.select(LivePlayer.served_at)).one() is not None
