"""The host's control of the lobby: lock it, approve players one by one, let one in,
let a player back in on a new device, move a player to another team.

(The per-game cap on players is set when the game is created; joining checks it and
the lock, see `players._check_lobby_open`.)
"""

from __future__ import annotations

from sqlalchemy import select

from quizapp.models import User
from quizapp.models.live import LiveGame, LivePlayer
from quizapp.services import NotFound, ServiceError, write_transaction
from quizapp.services.live.games import host_game


def set_locked(host: User, game_id: int, locked: bool) -> None:
    """Lock the lobby (nobody new joins; players coming back still do) or unlock it.

    Raises:
        NotFound: Not the host's game.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        if game.locked != locked:
            game.locked = locked
            game.roster_version += 1


def set_approval(host: User, game_id: int, approval: bool) -> None:
    """Make new players wait for the host's approval, or stop and let everyone waiting in.

    Raises:
        NotFound: Not the host's game.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        if game.approval == approval:
            return
        game.approval = approval
        game.roster_version += 1
        if not approval:
            waiting = session.scalars(
                select(LivePlayer).where(
                    LivePlayer.game_id == game_id, LivePlayer.pending.is_(True)
                )
            )
            for player in waiting:
                _let_in(player)
            game.version += 1  # their screens change


def admit(host: User, game_id: int, player_id: int) -> None:
    """Let one waiting player in.

    Raises:
        NotFound: Not the host's game, or no such player in it.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        player = session.get(LivePlayer, player_id)
        if player is None or player.game_id != game_id:
            raise NotFound("There is no such player in this game.")
        if not player.pending:
            return
        _let_in(player)
        game.roster_version += 1
        game.version += 1  # the player's screen changes from "waiting" to "you're in"


def _let_in(player: LivePlayer) -> None:
    player.pending = False
    player.removed = False


def set_team(host: User, game_id: int, player_id: int, team: int) -> None:
    """Put a player in another team (the host's choice beats the random one).

    Raises:
        NotFound: Not the host's game, or no such player in it.
        ServiceError: The game has no such team.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        player = session.get(LivePlayer, player_id)
        if player is None or player.game_id != game_id:
            raise NotFound("There is no such player in this game.")
        if not 0 <= team < game.team_count:
            raise ServiceError("This game has no such team.")
        if player.team != team:
            player.team = team
            game.roster_version += 1
            game.version += 1  # the player's screen shows their team


def let_back_in(host: User, game_id: int, player_id: int, agree: bool = True) -> None:
    """Let the device that asked in as this player (its token becomes the player's, the
    old device is retired), or refuse it.

    Raises:
        NotFound: Not the host's game, or no such player in it.
    """
    host_game(host, game_id)
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        player = session.get(LivePlayer, player_id)
        if player is None or player.game_id != game_id:
            raise NotFound("There is no such player in this game.")
        if player.claim_hash is None:
            return
        if agree:
            player.token_hash = player.claim_hash
        player.claim_hash = None
        game.roster_version += 1
