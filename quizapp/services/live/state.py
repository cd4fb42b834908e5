"""What each side polls: the state a player sees (never the right answer before the
reveal), the host's screen, poll intervals and the per-version cache they share.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from quizapp.domain import live as rules
from quizapp.domain import live_kinds
from quizapp.extensions import db
from quizapp.models import ClassMembership, SchoolClass, utcnow
from quizapp.models.live import (
    GameState,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    LiveQuestion,
    Mode,
)
from quizapp.services.live.answers import _player_order
from quizapp.services.live.games import ROSTER_SHOWN, TOP
from quizapp.services.live.homework import progress
from quizapp.services.live.pictures import has_picture
from quizapp.services.live.rounds import _active_players, poll_ms
from quizapp.services.live.rows import GameView, QuestionView, _answers, _connection

# What every player of a game sees at one version (the question, or its reveal), built
# once per worker: rows of a version never change, so this never goes stale.
_SHARED: OrderedDict[tuple[int, str, int], dict[str, Any]] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 64


def _shared_key(game: LiveGame | GameView) -> tuple[int, str, int]:
    # created_at too: a test database (or a restored one) may hand out an id again.
    return (game.id, game.created_at.isoformat(), game.version)


def shared_ready(game: LiveGame | GameView) -> bool:
    """Whether what every player sees at this version is built in this process, so a
    player's state needs only their own rows (`player_state(..., conn=...)`)."""
    with _SHARED_LOCK:
        return _shared_key(game) in _SHARED


def _shared(game: LiveGame) -> dict[str, Any]:
    key = _shared_key(game)
    with _SHARED_LOCK:
        cached = _SHARED.get(key)
        if cached is not None:
            _SHARED.move_to_end(key)
            return cached
    players = _active_players(db.session, game.id)
    shared: dict[str, Any] = {"players": players, "poll_ms": poll_ms(players)}
    if game.current_index >= 0 and game.state != GameState.LOBBY.value:
        question = db.session.scalar(
            select(LiveQuestion).where(
                LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index
            )
        )
        # Plain data, not the ORM row: the cache outlives this request's session.
        shared["question"] = QuestionView(
            question.id, question.position, question.kind, dict(question.payload)
        )
        if game.state in (GameState.REVEAL.value, GameState.LEADERBOARD.value):
            shared["counts"] = _counts(question.id, question.payload["choices"])
            shared["summary"] = _summary(question)
    if game.state in _RANKED_STATES:
        shared["top"] = top_players(game.id, TOP)
        # Every active player's score, ascending: a rank is then a bisection, not a
        # count over the game's players for each of them.
        shared["scores"] = sorted(
            db.session.scalars(
                select(LivePlayer.score).where(
                    LivePlayer.game_id == game.id, LivePlayer.removed.is_(False)
                )
            )
        )
        if game.team_count:
            shared["teams"] = [_team(t) for t in _team_scores(game.id, game.team_count)]
    # Not in the lobby, where joins change the player count without a new version.
    # (While a question is open nothing here depends on the answers coming in; from
    # the reveal on no answer can come in: they wait for the game row, see
    # `answers._OPEN_QUESTION`.)
    if game.state != GameState.LOBBY.value:
        with _SHARED_LOCK:
            _SHARED[key] = shared
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)
    return shared


GUESSES_SHOWN = 10


def _summary(question: QuestionView) -> dict[str, Any]:
    """How a question went: answers, right ones, and for an estimate the closest guesses."""
    rows = db.session.execute(
        select(LivePlayer.nickname, LiveAnswer.choices, LiveAnswer.correct, LiveAnswer.credit)
        .join(LivePlayer, LivePlayer.id == LiveAnswer.player_id)
        .where(LiveAnswer.live_question_id == question.id)
    ).all()
    summary: dict[str, Any] = {"answered": len(rows), "right": sum(1 for r in rows if r[2])}
    if question.kind == "estimate":
        closest = sorted(rows, key=lambda r: (-r[3], r[0].casefold()))[:GUESSES_SHOWN]
        summary["guesses"] = [
            {"nickname": nickname, "guess": choices[0], "right": right}
            for nickname, choices, right, _credit in closest
        ]
    return summary


def _team_scores(game_id: int, team_count: int) -> list[rules.TeamScore]:
    members = db.session.execute(
        select(LivePlayer.team, LivePlayer.score).where(
            LivePlayer.game_id == game_id,
            LivePlayer.removed.is_(False),
            LivePlayer.team.is_not(None),
        )
    )
    return rules.team_scores(((team, score) for team, score in members), team_count)


def _team(t: rules.TeamScore) -> dict[str, Any]:
    return {"rank": t.rank, "team": t.team, "name": t.name, "score": t.score, "members": t.members}


def _counts(question_id: int, choices: Sequence[str]) -> dict[str, int]:
    picks = db.session.scalars(
        select(LiveAnswer.choices).where(LiveAnswer.live_question_id == question_id)
    )
    return rules.option_counts(choices, picks)


def top_players(game_id: int, limit: int) -> list[rules.Ranked]:
    rows = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname, LivePlayer.score)
        .where(LivePlayer.game_id == game_id, LivePlayer.removed.is_(False))
        .order_by(LivePlayer.score.desc(), LivePlayer.nickname, LivePlayer.id)
        .limit(limit * 4)  # ties at the edge are ordered by rank() below
    )
    return rules.rank((r[0], r[1], r[2]) for r in rows)[:limit]


def _rank_in(scores: list[int], score: int) -> int:
    """1 + how many of the ascending `scores` beat `score` (ties share a rank)."""
    return len(scores) - bisect.bisect_right(scores, score) + 1


def remaining_ms(game: LiveGame | GameView, now: datetime) -> int:
    if game.state != GameState.QUESTION.value or game.question_deadline is None:
        return 0
    return max(0, int((game.question_deadline - now).total_seconds() * 1000))


def epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def opens_in_ms(game: LiveGame | GameView, now: datetime) -> int:
    """How long until the current question's options open (0 once open)."""
    if game.state != GameState.QUESTION.value or game.options_at is None:
        return 0
    return max(0, int((game.options_at - now).total_seconds() * 1000))


# From the reveal on no answer comes in, so the scores and ranks are final: a player
# sees their rank with the reveal, as on Kahoot's devices.
_RANKED_STATES = frozenset(
    {GameState.REVEAL.value, GameState.LEADERBOARD.value, GameState.FINISHED.value}
)


def player_version(game: LiveGame | GameView) -> int:
    """The version of what a game's players see: the ETag of their state.

    The game's version, except during the top 5: that is the host's screen, and a
    player's device shows nothing it did not show at the reveal (their points and
    rank came with it), so it keeps the reveal's version. 2,000 players then fetch
    two states a question, not three. The top 5 always follows its reveal at the
    next version, so `version - 1` names that reveal (or, after a removal during the
    top 5, the top 5 before it): never the version of a different screen.
    """
    if game.state == GameState.LEADERBOARD.value:
        return game.version - 1
    return game.version


def player_state(
    game: LiveGame, player: LivePlayer, now: datetime | None = None, conn=None
) -> dict:
    """What a player's screen shows: never the right answer before the reveal.

    `conn`, a connection to read the player's answer on (instead of the session's),
    is for a caller that has checked `shared_ready`.

    Returns:
        JSON-ready data; `question.options` are in the player's own order, and
        `reveal` (right options, the player's points) appears only from the reveal on.
    """
    now = now or utcnow()
    shared = _shared(game)
    state: dict[str, Any] = {
        "game": game.id,
        "version": player_version(game),
        "state": game.state,
        "title": game.title,
        "total": game.question_count,
        "position": game.current_index,
        "players": shared["players"],
        "poll_ms": shared["poll_ms"],
        "me": {
            "nickname": player.nickname,
            "score": player.score,
            "removed": player.removed,
            "team": rules.TEAM_NAMES[player.team] if player.team is not None else None,
        },
    }
    if player.removed:
        state["state"] = "waiting" if player.pending else "removed"
        return state
    question: QuestionView | None = shared.get("question")
    if question is not None and game.state in (
        GameState.QUESTION.value,
        GameState.REVEAL.value,
        GameState.LEADERBOARD.value,
    ):
        order = _player_order(player, question)
        answer = (
            (conn or _connection())
            .execute(_MY_ANSWER, {"player_id": player.id, "question_id": question.id})
            .first()
        )
        state["question"] = {
            "position": question.position,
            "number": question.position + 1,
            "prompt": question.payload["prompt"],
            "kind": question.kind,
            # What the device asks for: see `live_kinds.LiveKind.input`.
            "input": live_kinds.LIVE_KINDS[question.kind].input,
            "unit": question.payload.get("unit", ""),
            # Whether the question shows its fact's picture (`pictures.player_picture`).
            "picture": has_picture(question.payload),
            "multi": question.kind == "multiple_select",
            "options": order,
            # Each option's tile on the big screen (colour and shape), wherever it
            # sits in this player's own order.
            "tiles": _tiles(question.payload["choices"], order),
            "seconds": game.seconds,
            "opens_in_ms": opens_in_ms(game, now),
            # The same moment as a server clock reading (epoch ms): a device that knows
            # its offset from the server's clock (`X-Server-Time` on every poll) shows
            # the options then, however late this state reached it.
            "options_at_ms": epoch_ms(game.options_at),
            "remaining_ms": remaining_ms(game, now),
        }
        state["answered"] = answer is not None
        if answer is not None and game.state == GameState.QUESTION.value:
            # The score moved when the answer was stored; showing it now would tell
            # the player whether they were right before the reveal.
            state["me"]["score"] = player.score - answer.points
        state["my_picks"] = [order.index(c) for c in answer.choices if c in order] if answer else []
        if answer and not order:
            state["my_text"] = answer.choices[0]
        if game.state != GameState.QUESTION.value:
            correct = set(question.payload["correct"])
            state["reveal"] = {
                "answer": question.payload["answer"],
                "correct": [i for i, option in enumerate(order) if option in correct],
                "evidence": question.payload["evidence"],
                "scored": live_kinds.LIVE_KINDS[question.kind].scored,
                "mine": {
                    "answered": answer is not None,
                    "correct": bool(answer and answer.correct),
                    "credit": answer.credit if answer else 0.0,
                    "points": answer.points if answer else 0,
                },
            }
    if game.state in _RANKED_STATES:
        state["rank"] = _rank_in(shared["scores"], player.score)
        state["top"] = [_ranked(r) for r in shared["top"]]
        if "teams" in shared:
            state["teams"] = shared["teams"]
    return state


_MY_ANSWER = select(
    _answers.c.choices, _answers.c.correct, _answers.c.credit, _answers.c.points
).where(
    _answers.c.player_id == bindparam("player_id"),
    _answers.c.live_question_id == bindparam("question_id"),
)


def _tiles(choices: Sequence[str], order: Sequence[str]) -> list[int]:
    place = {choice: i for i, choice in enumerate(choices)}
    return [place[option] for option in order]


def _ranked(r: rules.Ranked) -> dict[str, Any]:
    return {"rank": r.rank, "nickname": r.nickname, "score": r.score}


def answers_so_far(game: LiveGame) -> int:
    if game.state != GameState.QUESTION.value:
        return 0
    return db.session.scalar(
        select(func.count(LiveAnswer.id))
        .join(LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id)
        .where(LiveQuestion.game_id == game.id, LiveQuestion.position == game.current_index)
    )


def host_state(game: LiveGame, now: datetime | None = None) -> dict[str, Any]:
    """What the host's screen shows, the answer included once revealed.

    For a class game also the class's name, its size, how many of it joined, and
    which players shown are its members (`class`, `players[].member`).
    """
    now = now or utcnow()
    # The newest names only: a lobby of 2,000 would make a page of megabytes.
    players = list(
        db.session.scalars(
            select(LivePlayer)
            .where(LivePlayer.game_id == game.id, LivePlayer.removed.is_(False))
            .order_by(LivePlayer.id.desc())
            .limit(ROSTER_SHOWN)
        )
    )[::-1]
    state: dict[str, Any] = {
        "game": game.id,
        "version": game.version,
        "roster_version": game.roster_version,
        "state": game.state,
        "pin": game.pin,
        "title": game.title,
        "total": game.question_count,
        "position": game.current_index,
        "seconds": game.seconds,
        "poll_ms": poll_ms(0),  # the host's screen is one client: the fastest interval
        "players": [
            {"id": p.id, "nickname": p.nickname, "member": False, "team": p.team} for p in players
        ],
        "team_names": list(rules.TEAM_NAMES[: game.team_count]),
        "pending": _pending(game) if game.state == GameState.LOBBY.value else [],
        "asking": _asking(game),
        "locked": game.locked,
        "approval": game.approval,
        "max_players": game.max_players,
        "player_count": _active_players(db.session, game.id),
        "answers": answers_so_far(game),
        "opens_in_ms": opens_in_ms(game, now),
        "remaining_ms": remaining_ms(game, now),
        "class": None,
    }
    if game.class_id is not None:
        state["class"] = _class_presence(game, state["players"], players)
    if game.mode == Mode.HOMEWORK.value:
        state["closes_at"] = game.closes_at
        state["progress"] = progress(game)
    shared = _shared(game)
    question: QuestionView | None = shared.get("question")
    if question is not None:
        state["question"] = {
            "number": question.position + 1,
            "prompt": question.payload["prompt"],
            "kind": question.kind,
            "input": live_kinds.LIVE_KINDS[question.kind].input,
            "options": list(question.payload["choices"]),
            "picture": has_picture(question.payload),
        }
        if "counts" in shared:
            correct = set(question.payload["correct"])
            total = max(1, sum(shared["counts"].values()))
            state["reveal"] = {
                "answer": question.payload["answer"],
                "evidence": question.payload["evidence"],
                "source": question.payload.get("source", ""),
                "scored": live_kinds.LIVE_KINDS[question.kind].scored,
                "summary": shared["summary"],
                "bars": [
                    {
                        "option": option,
                        "count": count,
                        "correct": option in correct,
                        "share": count / total,
                    }
                    for option, count in shared["counts"].items()
                ],
            }
    if "top" in shared:
        state["top"] = [_ranked(r) for r in shared["top"]]
    if "teams" in shared:
        state["teams"] = shared["teams"]
    if "top" in shared:
        # The podium: the best teams in a team game, else the best players.
        state["podium"] = [
            {"rank": t["rank"], "nickname": f"Team {t['name']}", "score": t["score"]}
            for t in shared.get("teams", [])
        ] or state["top"]
    return state


def _pending(game: LiveGame) -> list[dict[str, Any]]:
    """The players waiting for the host's approval, first come first."""
    rows = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname)
        .where(LivePlayer.game_id == game.id, LivePlayer.pending.is_(True))
        .order_by(LivePlayer.id)
        .limit(ROSTER_SHOWN)
    )
    return [{"id": player_id, "nickname": nickname} for player_id, nickname in rows]


def _asking(game: LiveGame) -> list[dict[str, Any]]:
    """Players whose new device asks the host to let it back in."""
    rows = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname)
        .where(LivePlayer.game_id == game.id, LivePlayer.claim_hash.is_not(None))
        .order_by(LivePlayer.id)
        .limit(ROSTER_SHOWN)
    )
    return [{"id": player_id, "nickname": nickname} for player_id, nickname in rows]


def _class_presence(
    game: LiveGame, shown: list[dict[str, Any]], players: list[LivePlayer]
) -> dict[str, Any] | None:
    """The game's class for the host: name, size, members in the game; marks `shown`."""
    school_class = db.session.get(SchoolClass, game.class_id)
    if school_class is None:
        return None
    members = select(ClassMembership.student_id).where(ClassMembership.class_id == school_class.id)
    size = db.session.scalar(select(func.count()).select_from(members.subquery()))
    joined = db.session.scalar(
        select(func.count(LivePlayer.id)).where(
            LivePlayer.game_id == game.id,
            LivePlayer.removed.is_(False),
            LivePlayer.user_id.in_(members),
        )
    )
    accounts = {p.user_id for p in players if p.user_id is not None}
    in_class = (
        set(db.session.scalars(members.where(ClassMembership.student_id.in_(accounts))))
        if accounts
        else set()
    )
    for row, player in zip(shown, players, strict=True):
        row["member"] = player.user_id in in_class
    return {"id": school_class.id, "name": school_class.name, "size": size, "joined": joined}
