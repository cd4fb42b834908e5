"""Homework mode: a game taken at each player's own pace until a deadline, in the
class's gradebook like a live game."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame
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
