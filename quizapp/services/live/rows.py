"""Plain-data reads for the hot paths (polls and answers): the Core tables, and a game
or a player row read in one Core query without building ORM objects.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.live import (
    LiveAnswer,
    LiveGame,
    LivePlayer,
    LiveQuestion,
)


@dataclass(frozen=True)
class QuestionView:
    """A game question as plain data (what the per-version cache keeps)."""

    id: int
    position: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class GameView:
    """A game row as plain data: what a player's poll needs, read in one Core query."""

    id: int
    version: int
    state: str
    title: str
    question_count: int
    current_index: int
    seconds: int
    options_at: datetime | None
    question_deadline: datetime | None
    created_at: datetime
    team_count: int


# The hottest paths (polls and answers) run Core statements on the session's
# connection, built once with bound parameters, against the tables rather than the
# mapped classes: an ORM-enabled statement costs several times more Python per
# execution (an ORM insert or update with session synchronisation ~0.3 ms, the same
# statement in Core ~0.03 ms), and building a select costs more than SQLite takes to
# run it. Measured with bench/bench_live.py; see the README's "Live game".
_games = LiveGame.__table__
_players = LivePlayer.__table__
_questions = LiveQuestion.__table__
_answers = LiveAnswer.__table__


def _connection():
    return db.session.connection()


_GAME_VIEW = select(*[_games.c[name] for name in GameView.__dataclass_fields__]).where(
    _games.c.id == bindparam("game_id")
)


def game_view(game_id: int, conn=None) -> GameView | None:
    """The game for a player's poll, without building an ORM object.

    Args:
        conn: A connection to read on, instead of the session's.
    """
    row = (conn or _connection()).execute(_GAME_VIEW, {"game_id": game_id}).first()
    return GameView(*row) if row is not None else None


_PLAYER_ROW_COLUMNS = [
    _players.c.id,
    _players.c.game_id,
    _players.c.token_hash,
    _players.c.nickname,
    _players.c.score,
    _players.c.removed,
    _players.c.pending,
    _players.c.team,
    _players.c.shuffle_seed,
    _players.c.user_id,
    _players.c.streak,
    _players.c.streak_position,
]
_PLAYER_BY_ID = select(*_PLAYER_ROW_COLUMNS).where(_players.c.id == bindparam("player_id"))
_PLAYER_BY_ACCOUNT = select(*_PLAYER_ROW_COLUMNS).where(
    _players.c.game_id == bindparam("game_id"), _players.c.user_id == bindparam("user_id")
)


def _cookie_id(text: str) -> bool:
    """Whether the id part of a rejoin cookie can be a player's id.

    The cookie is the browser's to change: "²" passed isdigit() into int(), and a
    20-digit id overflowed the database (500s on every /play page).
    """
    return text.isascii() and text.isdigit() and len(text) <= 9


def player_row(game_id: int, cookie: str | None, user: User | None, conn=None):
    """The player behind a poll or an answer (by rejoin cookie, else account) as a
    plain row, or None.

    What `player_state` and `submit_answer` read of a player, in one Core query with
    no ORM object built: polls and answers are the most frequent requests.
    """
    if cookie and "." in cookie:
        player_id, _, token = cookie.partition(".")
        if _cookie_id(player_id) and token:
            params = {"player_id": int(player_id)}
            row = (conn or _connection()).execute(_PLAYER_BY_ID, params).first()
            if (
                row is not None
                and row.game_id == game_id
                and hmac.compare_digest(row.token_hash, _hash_token(token))
            ):
                return row
    if user is None or not user.is_authenticated:
        return None
    params = {"game_id": game_id, "user_id": user.id}
    return (conn or _connection()).execute(_PLAYER_BY_ACCOUNT, params).first()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
