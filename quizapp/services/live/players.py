"""Players of a live game: joining (by nickname, or logged in under one's name in the
game's class), finding a player again by token or account, and the host removing one.
"""

from __future__ import annotations

import hmac
import random
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models import ClassMembership, User
from quizapp.models.live import (
    GameState,
    LiveGame,
    LivePlayer,
    LiveQuestion,
)
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction
from quizapp.services.live.games import host_game
from quizapp.services.live.rounds import _everyone_answered, _set_state
from quizapp.services.live.rows import _cookie_id, _hash_token


@dataclass(frozen=True)
class Joined:
    player: LivePlayer
    token: str
    rejoined: bool
    # Waiting for the host to let this device back in as `player`.
    asking: bool = False


def join(
    game_id: int,
    nickname: str,
    user: User | None = None,
    *,
    cookie: str | None = None,
    code: str = "",
    ask: bool = False,
) -> Joined:
    """Join a game as a new player, or come back as the same one.

    A logged-in user is one player per game: joining again (from any device) returns
    that player with a fresh rejoin token. An anonymous player who types the nickname
    they already play under comes back as that player, as children do it (back to
    /play, the PIN, their name), when either

    - this browser holds the player's rejoin cookie (`cookie`): the same token goes on;
    - or they typed the rejoin code their old screen showed (`code`, see
      `rules.rejoin_code`): a new token, which retires the old device;
    - or (`ask`) they ask the host to let them back in (their old device is lost):
      `Joined.asking`, and the token becomes the player's once the host agrees
      (`lobby.let_back_in`).

    Anyone else typing a taken name is refused: a stranger can't take over a name. A
    member of the game's class plays under their name in the class, whatever they
    typed (see `_account_nickname`); anyone else, members who are not logged in
    included, plays under the nickname they typed, as a guest of the class.

    Raises:
        NotFound: No such game, or it is finished.
        Forbidden: A wrong rejoin code (status 403: it counts as a guess), or the
            player was removed.
        ServiceError: The nickname is invalid or taken.
    """
    account = user if user is not None and user.is_authenticated else None
    if account is None:
        try:
            nickname = rules.clean_nickname(nickname)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        if rules.is_rude_nickname(nickname):
            raise ServiceError("Please choose a friendlier nickname.")
    token = secrets.token_urlsafe(24)
    for attempt in range(3):
        try:
            return _join_once(game_id, nickname, account, token, cookie, code, ask)
        except IntegrityError:
            # Someone took the same nickname at the same instant (PostgreSQL). Someone
            # logged in tries again: it was their own other request (a double click),
            # found now, or a name picked for them, and the next free one is taken.
            if account is None or attempt == 2:
                raise ServiceError(
                    "That nickname was just taken in this game; pick another."
                ) from None
    raise AssertionError("unreachable")


def _join_once(
    game_id: int,
    nickname: str,
    account: User | None,
    token: str,
    cookie: str | None = None,
    code: str = "",
    ask: bool = False,
) -> Joined:
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        if game is None or game.state == GameState.FINISHED.value:
            raise NotFound("This game is over or does not exist.")
        if account is not None:
            existing = session.scalar(
                select(LivePlayer).where(
                    LivePlayer.game_id == game.id, LivePlayer.user_id == account.id
                )
            )
            if existing is not None:
                if existing.removed:
                    raise Forbidden("The host removed you from this game.")
                existing.token_hash = _hash_token(token)
                return Joined(existing, token, rejoined=True)
            nickname = _account_nickname(session, game, account, nickname)
        key = rules.nickname_key(nickname)
        taken = session.scalar(
            select(LivePlayer).where(LivePlayer.game_id == game.id, LivePlayer.nickname_key == key)
        )
        if taken is not None:
            if account is not None:
                raise ServiceError(f"The nickname “{nickname}” is taken in this game.")
            if ask and _token_of(taken, cookie) is None and not code.strip():
                if taken.removed and not taken.pending:
                    raise Forbidden("The host removed you from this game.")
                taken.claim_hash = _hash_token(token)
                game.roster_version += 1
                return Joined(taken, token, rejoined=False, asking=True)
            return _come_back(taken, token, cookie, code)
        _check_lobby_open(session, game)
        waiting = game.approval
        player = LivePlayer(
            game_id=game.id,
            nickname=nickname,
            nickname_key=key,
            user_id=account.id if account is not None else None,
            token_hash=_hash_token(token),
            shuffle_seed=secrets.randbelow(2**31),
            # A player waiting for approval is not in play yet (see LivePlayer.removed).
            removed=waiting,
            pending=waiting,
            team=_team_for_newcomer(session, game),
            score=0,
            streak=0,
            streak_position=-1,
            correct_count=0,
        )
        session.add(player)
        game.roster_version += 1
        session.flush()
    return Joined(player, token, rejoined=False)


def _come_back(player: LivePlayer, token: str, cookie: str | None, code: str) -> Joined:
    """The player under a taken nickname, if this browser or this code proves it's them."""
    kept = _token_of(player, cookie)
    if kept is None and code.strip():
        expected = rules.rejoin_code(current_app.secret_key, player.id, player.token_hash)
        if not rules.same_rejoin_code(code, expected):
            raise Forbidden(
                f"That rejoin code is not the one of “{player.nickname}”. "
                "It is shown under the name on the player's old screen."
            )
        player.token_hash = _hash_token(token)
        kept = token
    if kept is None:
        raise NameTaken(
            f"The nickname “{player.nickname}” is taken in this game. If it is you, type "
            "the rejoin code shown on your old screen, or ask the host to let you back in; "
            "if not, pick another name."
        )
    if player.removed and not player.pending:
        raise Forbidden("The host removed you from this game.")
    return Joined(player, kept, rejoined=True)


def _token_of(player: LivePlayer, cookie: str | None) -> str | None:
    """The token of `cookie` if it is this player's rejoin cookie, else None."""
    player_id, _, token = (cookie or "").partition(".")
    if not token or not _cookie_id(player_id) or int(player_id) != player.id:
        return None
    return token if hmac.compare_digest(player.token_hash, _hash_token(token)) else None


class NameTaken(ServiceError):
    """Someone plays under this nickname, and nothing shows that it is this browser."""


class LobbyClosed(ServiceError):
    status = 409


def _check_lobby_open(session, game: LiveGame) -> None:
    """Refuse a new player when the host locked the lobby or the game is full.

    (A player coming back under their own name is not new: they get in.)
    """
    if game.locked:
        raise LobbyClosed("The host has locked this game: nobody new can join now.")
    if game.max_players is not None:
        seats = session.scalar(
            select(func.count(LivePlayer.id)).where(
                LivePlayer.game_id == game.id,
                or_(LivePlayer.removed.is_(False), LivePlayer.pending.is_(True)),
            )
        )
        if seats >= game.max_players:
            raise LobbyClosed(f"This game is full ({game.max_players} players).")


def _team_for_newcomer(session, game: LiveGame) -> int | None:
    if not game.team_count:
        return None
    sizes = [0] * game.team_count
    rows = session.execute(
        select(LivePlayer.team, func.count(LivePlayer.id))
        .where(
            LivePlayer.game_id == game.id,
            or_(LivePlayer.removed.is_(False), LivePlayer.pending.is_(True)),
            LivePlayer.team.is_not(None),
        )
        .group_by(LivePlayer.team)
    )
    for team, count in rows:
        if 0 <= team < game.team_count:
            sizes[team] = count
    return rules.team_for_newcomer(sizes, random.SystemRandom())


def _account_nickname(session, game: LiveGame, user: User, wanted: str) -> str:
    """A logged-in player's name in a game.

    A member of the game's class appears as the class knows them (their display
    name), whatever they typed: the host must recognise their students on the
    screen, and the gradebook finds them by account anyway. Anyone else plays under
    the nickname they typed, else their display name. A name the player did not type
    is made unique in the game in a readable way ("Ana Li (2)"), since nicknames are
    unique per game and there is nothing for the player to pick.

    Raises:
        ServiceError: Fifty players of the game already have this name.
    """
    member = (
        game.class_id is not None
        and session.scalar(
            select(ClassMembership.id).where(
                ClassMembership.class_id == game.class_id,
                ClassMembership.student_id == user.id,
            )
        )
        is not None
    )
    if not member:
        try:
            typed = rules.clean_nickname(wanted)
            if not rules.is_rude_nickname(typed):
                return typed
        except ValueError:
            pass
    try:
        base = rules.clean_nickname(user.display_name[: rules.NICKNAME_MAX])
    except ValueError:
        base = f"Player {user.id}"[: rules.NICKNAME_MAX]
    keys = [rules.nickname_key(variant) for variant in rules.nickname_variants(base)]
    taken = set(
        session.scalars(
            select(LivePlayer.nickname_key).where(
                LivePlayer.game_id == game.id, LivePlayer.nickname_key.in_(keys)
            )
        )
    )
    try:
        return rules.unique_nickname(base, taken)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None


def player_by_token(game_id: int, cookie: str | None) -> LivePlayer | None:
    """The player a rejoin cookie ("<player id>.<token>") stands for, or None."""
    if not cookie or "." not in cookie:
        return None
    player_id, _, token = cookie.partition(".")
    if not _cookie_id(player_id) or not token:
        return None
    player = db.session.get(LivePlayer, int(player_id))
    if player is None or player.game_id != game_id:
        return None
    if not hmac.compare_digest(player.token_hash, _hash_token(token)):
        return None
    return player


def asking_player(game_id: int, cookie: str | None) -> LivePlayer | None:
    """The player this browser asked the host to be let back in as, while it waits."""
    player_id, _, token = (cookie or "").partition(".")
    if not token or not _cookie_id(player_id):
        return None
    player = db.session.get(LivePlayer, int(player_id))
    if player is None or player.game_id != game_id or player.claim_hash is None:
        return None
    return player if hmac.compare_digest(player.claim_hash, _hash_token(token)) else None


def player_by_account(game_id: int, user: User | None) -> LivePlayer | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(LivePlayer).where(LivePlayer.game_id == game_id, LivePlayer.user_id == user.id)
    )


def remove_player(host: User, game_id: int, player_id: int) -> None:
    """Take a player out of the game (their answers stay in the results).

    Raises:
        NotFound: Not the host's game, or no such player in it.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        player = session.get(LivePlayer, player_id)
        if player is None or player.game_id != game.id:
            raise NotFound("There is no such player in this game.")
        if player.removed and not player.pending:
            return
        player.removed = True
        player.pending = False
        game.roster_version += 1
        game.version += 1  # the removed player's screen must change
        if game.state == GameState.QUESTION.value:
            current = session.scalar(
                select(LiveQuestion.id).where(
                    LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index
                )
            )
            if _everyone_answered(session.connection(), game.id, current):
                _set_state(game, GameState.REVEAL)
