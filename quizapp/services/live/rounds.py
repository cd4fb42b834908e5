"""The host drives a live game: asking the next question, revealing, finishing.

Each host action carries the version it was made at, so a stale or repeated click
changes nothing. Finishing is what puts a class game in the class's gradebook.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select

from quizapp.domain import live as rules
from quizapp.models import User, utcnow
from quizapp.models.live import (
    GameState,
    LiveGame,
    LivePlayer,
    LiveQuestion,
)
from quizapp.services import ServiceError, write_transaction
from quizapp.services.live.games import host_game
from quizapp.services.live.rows import _answers, _players


def _set_state(game: LiveGame, state: GameState) -> None:
    game.state = state.value
    game.version += 1


def _ask(session, game: LiveGame, position: int, now: datetime) -> None:
    question = session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game.id, LiveQuestion.position == position
        )
    )
    question.asked_at = now
    game.current_index = position
    game.question_started_at = now
    lead_in = 0
    if current_app.config.get("LIVE_LEAD_IN", True):
        lead_in = rules.lead_in_ms(poll_ms(_active_players(session, game.id)))
    game.options_at = now + timedelta(milliseconds=lead_in)
    game.question_deadline = game.options_at + timedelta(seconds=game.seconds)
    _set_state(game, GameState.QUESTION)


def advance(host: User, game_id: int, seen_version: int, now: datetime | None = None) -> LiveGame:
    """The host's "next": lobby -> question -> reveal -> top 5 -> next question ... -> podium.

    Args:
        host: The acting user (must host the game).
        game_id: The game.
        seen_version: The version the host's screen showed; if the game has moved
            since (a double click, a second tab, the timer and a click together),
            nothing happens.
        now: The server's clock (tests pass it).

    Raises:
        NotFound: Not the host's game.
        ServiceError: Starting with nobody in the game.
    """
    host_game(host, game_id)
    now = now or utcnow()
    with write_transaction() as session:
        game = _locked_game(session, game_id)
        if game.version != seen_version:
            return game
        state = GameState(game.state)
        if state == GameState.LOBBY:
            if _active_players(session, game.id) == 0:
                raise ServiceError("Wait until at least one player has joined.")
            _ask(session, game, 0, now)
        elif state == GameState.QUESTION:
            _set_state(game, GameState.REVEAL)
        elif state == GameState.REVEAL:
            _set_state(game, GameState.LEADERBOARD)
        elif state == GameState.LEADERBOARD:
            if game.current_index + 1 < game.question_count:
                _ask(session, game, game.current_index + 1, now)
            else:
                _finish(game, now)
    return game


def finish(host: User, game_id: int, now: datetime | None = None) -> LiveGame:
    """End the game now (from any phase): the podium shows, the PIN is freed.

    Raises:
        NotFound: Not the host's game.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = _locked_game(session, game_id)
        if game.state != GameState.FINISHED.value:
            _finish(game, now or utcnow())
    return game


def _finish(game: LiveGame, now: datetime) -> None:
    game.pin = None
    game.finished_at = now
    _set_state(game, GameState.FINISHED)
    # A class game's results need no copy here: once finished, its players and answers
    # never change (answers wait for the game row and find it closed), so the class
    # gradebook reads them as they are (services/assignments/gradebook.py, `_live_columns`).


def poll_ms(players: int) -> int:
    """How often clients should poll: every second for a class, slower for a crowd.

    Each poll is a cheap 304 when nothing changed, but 2,000 players polling every
    second would still be 2,000 requests a second; this keeps the rate near 1,000/s.
    The fastest interval is the `LIVE_POLL_MS` setting (1 s unless an operator changes
    it); the host's screen, one client, polls at that.
    """
    return min(3000, max(current_app.config.get("LIVE_POLL_MS", 1000), players))


def _locked_game(session, game_id: int) -> LiveGame:
    # FOR UPDATE on PostgreSQL waits for answers in flight (they hold FOR SHARE), so a
    # reveal never misses an answer that was accepted; SQLite's BEGIN IMMEDIATE
    # already serialises every write.
    return session.scalar(
        select(LiveGame)
        .where(LiveGame.id == game_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _active_players(session, game_id: int) -> int:
    return session.scalar(
        select(func.count(LivePlayer.id)).where(
            LivePlayer.game_id == game_id, LivePlayer.removed.is_(False)
        )
    )


def _everyone_answered(conn, game_id: int, question_id: int) -> bool:
    """Whether every active player has answered the question (then it reveals itself).

    Asked as "is there an active player without an answer?", which stops at the first
    one: while a question is open that is found after a few index probes, where
    counting would visit every player and every answer, under the write lock, on each
    answer.
    """
    params = {"game_id": game_id, "question_id": question_id}
    return conn.execute(_SOMEONE_UNANSWERED, params).first() is None


_SOMEONE_UNANSWERED = (
    select(_players.c.id)
    .where(
        _players.c.game_id == bindparam("game_id"),
        _players.c.removed.is_(False),
        ~select(_answers.c.id)
        .where(
            _answers.c.player_id == _players.c.id,
            _answers.c.live_question_id == bindparam("question_id"),
        )
        .exists(),
    )
    .limit(1)
)
