"""Live games: a host runs a deck's questions for players who join with a PIN.

The whole game lives in these rows (never in one process's memory), so any worker
of any server can answer any request. `LiveGame.version` changes whenever what
players see changes; clients poll it with an ETag and only fetch a new state when it
moved.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.types import UTCDateTime, utcnow


class GameState(enum.StrEnum):
    LOBBY = "lobby"
    HOMEWORK = "homework"  # open for players to take at their own pace
    QUESTION = "question"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    FINISHED = "finished"


class Mode(enum.StrEnum):
    LIVE = "live"  # the host drives, everyone answers the same question at once
    HOMEWORK = "homework"  # each player at their own pace, until `closes_at`


class Scoring(enum.StrEnum):
    SPEED = "speed"
    ACCURACY = "accuracy"


class LiveGame(db.Model):
    __tablename__ = "live_games"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Six digits while the game can be joined; NULL once finished, so the PIN is
    # unique among active games only and can be handed out again.
    pin: Mapped[str | None] = mapped_column(String(6), unique=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("decks.id"))
    # The class the game belongs to, if any (deleting the class keeps the game).
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("classes.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    # The options the host chose: entity keys ([] = all), question kinds.
    entities: Mapped[list[str]] = mapped_column(JSON, default=list)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_count: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer, default=20)
    scoring: Mapped[str] = mapped_column(String(10), default=Scoring.SPEED.value)
    streak_bonus: Mapped[bool] = mapped_column(Boolean, default=True)
    # Lobby control: nobody new joins while locked; with `approval` a new player waits
    # (`LivePlayer.pending`) until the host lets them in; at most `max_players` play.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    approval: Mapped[bool] = mapped_column(Boolean, default=False)
    max_players: Mapped[int | None] = mapped_column(Integer)
    # Team mode: players are put in this many teams (0: everyone for themselves).
    team_count: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(10), default=Mode.LIVE.value)
    # Homework: answers are taken until then (the game counts as finished from then on).
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    state: Mapped[str] = mapped_column(String(12), default=GameState.LOBBY.value)
    # Position of the current question; -1 in the lobby.
    current_index: Mapped[int] = mapped_column(Integer, default=-1)
    # The server's clock decides: when the current question was shown, when its options
    # open (announced with the question, so every device shows them at that moment;
    # speed scoring counts from it, an answer before it is refused), when it closes.
    question_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    options_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    question_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on every change players see (phase, question, a player removed).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Bumped when a player joins or leaves: only the host's lobby list follows it.
    roster_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    questions: Mapped[list[LiveQuestion]] = relationship(
        back_populates="game", order_by="LiveQuestion.position"
    )


class LiveQuestion(db.Model):
    """One question of a game, snapshotted: editing the deck later changes nothing here."""

    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("game_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("live_games.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # The deck question it comes from (the first of an order question's): none for
    # the host's own poll.
    question_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id"))
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("facts.id"))
    kind: Mapped[str] = mapped_column(String(30))
    # The generated question (with the right answer): never sent before the reveal.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    game: Mapped[LiveGame] = relationship(back_populates="questions")


class LivePlayer(db.Model):
    __tablename__ = "live_players"
    __table_args__ = (
        UniqueConstraint("game_id", "nickname_key"),
        # One player per account per game (NULLs, the anonymous players, don't clash).
        UniqueConstraint("game_id", "user_id"),
        # Ranks: "how many players of this game score more than me".
        Index("ix_live_players_game_score", "game_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("live_games.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(String(20))
    # The nickname as compared for uniqueness ("Ann" and "ann " clash).
    nickname_key: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # sha256 of the rejoin token kept in the player's browser; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    # sha256 of the token of a device asking the host to let it back in as this player
    # (its own device lost): the host's "let back in" makes it the rejoin token.
    claim_hash: Mapped[str | None] = mapped_column(String(64))
    # Seeds this player's own order of options.
    shuffle_seed: Mapped[int] = mapped_column(Integer)
    # Not in play: taken out by the host, or (with `pending`) waiting for the host's
    # approval. Every count, rank and "has everybody answered" skips removed players,
    # so a player waiting in the lobby is simply one not let in yet.
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # 0-based team number in a team game (see `domain.live.TEAM_NAMES`).
    team: Mapped[int | None] = mapped_column(Integer)
    # Homework: the position of the next question this player is to answer.
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Homework: when the question at `position` was first served to this player (the
    # start of its clock for speed scoring); None until it is.
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int] = mapped_column(Integer, default=0)
    # Correct answers in a row, and the position of the last of them.
    streak: Mapped[int] = mapped_column(Integer, default=0)
    streak_position: Mapped[int] = mapped_column(Integer, default=-1)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LiveAnswer(db.Model):
    __tablename__ = "live_answers"
    # One answer per player per question, enforced by the database: a double
    # submit or a replayed request cannot store a second one.
    __table_args__ = (UniqueConstraint("player_id", "live_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("live_games.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("live_players.id", ondelete="CASCADE"))
    live_question_id: Mapped[int] = mapped_column(
        ForeignKey("live_questions.id", ondelete="CASCADE"), index=True
    )
    # The option texts chosen (one, or several for multiple select).
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(Boolean)
    credit: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


__all__ = [
    "GameState",
    "LiveAnswer",
    "LiveGame",
    "LivePlayer",
    "LiveQuestion",
    "Mode",
    "Scoring",
]
