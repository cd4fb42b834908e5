"""The picture of a live question, for who may see it while the question is asked.

A question made from a fact with a picture carries the picture's name in its payload
(`"image"`: the deck's image of that name, see `deck_images`). Who may load it:

- the host, for any question of their game (the projector shows it, and the report);
- a player let into the game (not removed, not waiting for approval), only for the
  question their game asks them now: in a live game the current question from its
  lead-in to the top 5 after its reveal, in homework their next question while the
  homework is open.

Nothing else of the deck (its other pictures, other decks') is reachable this way,
and every refusal is the same 404, so a game's questions can't be probed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from quizapp.domain import images as images_domain
from quizapp.extensions import db
from quizapp.models import DeckImage, User, utcnow
from quizapp.models.live import GameState, LiveGame, LivePlayer, LiveQuestion, Mode
from quizapp.services import NotFound
from quizapp.services.live.games import host_game, is_open
from quizapp.services.live.rows import player_row

# The states in which a live game's current question is on its players' screens.
_ASKING = frozenset({GameState.QUESTION.value, GameState.REVEAL.value, GameState.LEADERBOARD.value})


def _refused() -> NotFound:
    return NotFound("There is no such picture.")


def host_picture(host: User | None, game_id: int, position: int) -> DeckImage:
    """The picture of a question of the host's game.

    Raises:
        NotFound: Not the host's game, no such question, or it has no picture.
    """
    game = host_game(host, game_id)
    return _picture(game, position)


def player_picture(
    game_id: int, cookie: str | None, user: User | None, position: int, now: datetime | None = None
) -> DeckImage:
    """The picture of the question a player's game asks them now.

    Args:
        cookie: The browser's rejoin cookie (anonymous players are known by it).
        user: The logged-in user, if any (a class member plays under their account).

    Raises:
        NotFound: Not a player of this game (or removed, or waiting to be let in),
            not the question asked now, or it has no picture.
    """
    now = now or utcnow()
    row = player_row(game_id, cookie, user)
    if row is None or row.removed or row.pending:
        raise _refused()
    game = db.session.get(LiveGame, game_id)
    if game is None:
        raise _refused()
    if game.mode == Mode.HOMEWORK.value:
        player = db.session.get(LivePlayer, row.id)
        asked_now = is_open(game, now) and position == player.position
    else:
        asked_now = game.state in _ASKING and position == game.current_index
    if not asked_now:
        raise _refused()
    return _picture(game, position)


def _picture(game: LiveGame, position: int) -> DeckImage:
    payload = db.session.scalar(
        select(LiveQuestion.payload).where(
            LiveQuestion.game_id == game.id, LiveQuestion.position == position
        )
    )
    name = str((payload or {}).get("image") or "")
    if images_domain.content_type(name) is None:
        raise _refused()
    image = db.session.scalar(
        select(DeckImage).where(DeckImage.deck_id == game.deck_id, DeckImage.name == name)
    )
    if image is None:
        raise _refused()
    return image


def has_picture(payload: dict) -> bool:
    """Whether a question shows a picture (a name we make: see `domain.images`)."""
    return images_domain.content_type(str(payload.get("image") or "")) is not None
