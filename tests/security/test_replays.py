"""No answer counts twice: a replayed form is a no-op, and the database enforces it.

Quiz answers (one response per question of an attempt), study reviews (one review per
user and request id) and live answers (one per player and question) each have a
unique constraint; here a second copy of a stored row is refused by the database
itself, and the same form sent by several threads at once is stored once while every
sender gets a success.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp.extensions import db
from quizapp.models import QuizResponse, utcnow
from quizapp.models.study import ReviewLog
from quizapp.services import live as live_service
from tests.conftest import count_rows
from tests.security.world import SA, build_world, log_in


@pytest.fixture
def world(app):
    return build_world(app)


def live_answer(world):
    from quizapp.models.live import LivePlayer

    game_id = world.ids["game_teacher_a"]
    player = db.session.scalar(
        sa.select(LivePlayer).where(
            LivePlayer.game_id == game_id, LivePlayer.user_id == world.users[SA].id
        )
    )
    live_service.submit_answer(game_id, player, 0, [0], utcnow())


@pytest.mark.parametrize("table", ["quiz_responses", "review_logs", "live_answers"])
def test_the_database_refuses_a_second_copy_of_an_answer(world, table):
    if table == "live_answers":
        live_answer(world)
    columns = db.metadata.tables[table]
    row = db.session.execute(sa.select(columns).limit(1)).mappings().first()
    assert row is not None
    copy = {name: value for name, value in row.items() if name != "id"}
    with pytest.raises(IntegrityError):
        db.session.execute(sa.insert(columns).values(**copy))
        db.session.flush()
    db.session.rollback()


def same_form_at_once(app, user, path, form, senders=6):
    """POST one form from `senders` clients of one user at the same moment."""
    barrier = threading.Barrier(senders)
    statuses = []
    clients = [app.test_client() for _ in range(senders)]
    for client in clients:
        log_in(client, user)

    def send(client):
        barrier.wait()
        statuses.append(client.post(path, data=form).status_code)

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()  # end the test's read transaction: see what the senders wrote
    return statuses


def test_a_quiz_answer_sent_six_times_at_once_is_stored_once(app, world):
    attempt = world.ids[f"attempt_{SA}"]
    target = next(t for t in world.targets["attempts"] if t.values["attempt_id"] == attempt)
    before = count_rows(QuizResponse)
    form = {**target.form, "answer": "Paris"}
    statuses = same_form_at_once(app, world.users[SA], f"/quiz/{attempt}/answer", form)
    assert statuses == [303] * 6
    assert count_rows(QuizResponse) == before + 1


def test_a_review_sent_six_times_at_once_is_stored_once(app, world):
    target = next(t for t in world.targets["study_items"] if "student_a" in t.label)
    before = count_rows(ReviewLog)
    form = {
        **target.form,
        "rating": "3",
        "elapsed_ms": "2000",
        "request_id": "replayed-review",
        "revealed": "1",
    }
    statuses = same_form_at_once(app, world.users[SA], "/study/rate", form)
    assert statuses == [303] * 6
    assert count_rows(ReviewLog) == before + 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(ReviewLog.request_id == "replayed-review")
        )
        == 1
    )
