"""Answering a live question.

The deadline is the server's clock; one answer per player per question (a unique
constraint, so a replay stores nothing new); answers are stored in group commits
(`_ANSWERS`), and the receipt says "received", never "right".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from quizapp.domain import live as rules
from quizapp.domain import live_kinds
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import (
    GameState,
    LivePlayer,
    LiveQuestion,
    Scoring,
)
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction
from quizapp.services.group_commit import GroupCommit, Pending
from quizapp.services.live.games import TooLate
from quizapp.services.live.rounds import _everyone_answered
from quizapp.services.live.rows import (
    QuestionView,
    _answers,
    _connection,
    _games,
    _players,
    _questions,
)
from quizapp.services.study_items import mark_due_after_wrong_answers


@dataclass(frozen=True)
class AnswerReceipt:
    answer_id: int
    created: bool


def submit_answer(
    game_id: int,
    player: LivePlayer,
    position: int,
    picks: Sequence[int],
    received: datetime | None = None,
    text: str | None = None,
) -> AnswerReceipt:
    """Store a player's answer to the current question, scored by the server's clock.

    One read before the write transaction fetches the game, the question and any
    earlier answer together; the answer is judged and scored in Python; the write
    transaction then only re-checks the game, inserts the answer (a duplicate is
    skipped by the unique constraint, not raised), adds the points and asks whether
    everybody has answered. On SQLite every writer waits for the one holding the
    lock, so the lock is held for those few statements, not for the Python around
    them.

    Args:
        game_id: The game.
        player: The answering player (identified by token or account by the caller).
        position: The question the player's screen showed (0-based).
        picks: The chosen options, as positions in the player's own order (for an
            order question every option, in the player's order).
        received: When the request reached the server (the deadline is checked
            against this, not against when the database lock was free).
        text: What the player typed (typed and estimate questions).

    Returns:
        The stored answer's id; `created` is False when the player had already
        answered (the first answer stands, nothing changes).

    Raises:
        NotFound: No such game.
        Forbidden: The player was removed.
        TooLate: Not the current question, or its time is up.
        ServiceError: The picks don't fit the question.
    """
    received = received or utcnow()
    if player.game_id != game_id:
        raise NotFound("You are not in this game.")
    if player.removed:
        raise Forbidden("The host removed you from this game.")
    player_id, user_id = player.id, player.user_id
    row = _answer_context(game_id, position, player_id)
    (state, index, options_at, deadline, seconds, scoring, streak_bonus) = row[:7]
    question_id, fact_id, kind, payload, existing = row[7:]
    if existing is not None:
        return AnswerReceipt(existing, created=False)
    _check_open(state, index, options_at, deadline, position, received)
    live_kind = live_kinds.LIVE_KINDS[kind]
    order = rules.player_order(payload["choices"], player.shuffle_seed, str(question_id), kind)
    chosen = _sent_answer(live_kind.input, order, picks, text)
    # From the opening of the options, which every device showed at the same moment.
    elapsed_ms = max(0, int((received - options_at).total_seconds() * 1000))
    # Only this player's own answers move their streak, and they answer this question once.
    streak_before = player.streak if player.streak_position == position - 1 else 0
    scored = rules.score_judgement(
        live_kinds.judge_live(payload, chosen, text),
        elapsed_ms=elapsed_ms,
        limit_ms=seconds * 1000,
        accuracy_only=scoring == Scoring.ACCURACY.value,
        streak_before=streak_before,
        use_streak_bonus=streak_bonus,
        scored=live_kind.scored,
    )
    # A streak goes on past this question if it is right, or a poll within a streak.
    new_streak_position = position if scored.streak > 0 else player.streak_position
    # The read is over: its transaction ends here rather than stay open (a pinned
    # snapshot, a pooled connection held) while the answer waits for its batch.
    db.session.commit()
    return _ANSWERS.submit(
        _PreparedAnswer(
            position=position,
            user_id=user_id,
            # Only a question about one fact says what to study again.
            fact_id=fact_id if kind not in ("order", "poll") else None,
            row={
                "game_id": game_id,
                "player_id": player_id,
                "live_question_id": question_id,
                "choices": chosen,
                "correct": scored.correct,
                "credit": scored.credit,
                "points": scored.points,
                "elapsed_ms": elapsed_ms,
                "answered_at": received,
            },
            points={
                "player_id": player_id,
                "points": scored.points,
                "correct": int(scored.correct),
                "streak": scored.streak,
                "streak_position": new_streak_position,
            },
        )
    )


def _answer_context(game_id: int, position: int, player_id: int):
    """The game, the question at `position` and the player's earlier answer, in one read."""
    row = (
        _connection()
        .execute(
            _ANSWER_CONTEXT, {"game_id": game_id, "position": position, "player_id": player_id}
        )
        .first()
    )
    if row is None:
        raise NotFound("You are not in this game.")
    if row[7] is None:  # the question's id: no question at this position
        raise ServiceError("This game has no such question.")
    return row


@dataclass(frozen=True)
class _PreparedAnswer:
    """A judged and scored answer, waiting for its place in a write transaction."""

    position: int
    user_id: int | None
    fact_id: int | None
    row: dict[str, Any]  # the live_answers row
    points: dict[str, Any]  # what it adds to the player (`_ADD_POINTS`)

    @property
    def game_id(self) -> int:
        return self.row["game_id"]

    @property
    def received(self) -> datetime:
        return self.row["answered_at"]

    @property
    def correct(self) -> bool:
        return self.row["correct"]


def _store_answers(batch: list[Pending]) -> None:
    """Store a batch of answers in one write transaction (see `group_commit`).

    Each answer is checked and stored as if alone: the question must still be open
    at its arrival time, a second answer of a player finds the unique constraint
    and changes nothing, a removed player's answer is taken back. Whether everybody
    has answered is asked once per game, after the batch.
    """
    with write_transaction() as session:
        conn = session.connection()
        games: dict[int, tuple[str, int, datetime | None]] = {}
        answered: dict[int, int] = {}  # game -> the question that got new answers
        for pending in batch:
            answer: _PreparedAnswer = pending.data
            game = games.get(answer.game_id)
            if game is None:
                # Re-checked under the lock: the host may have revealed meanwhile.
                game = conn.execute(_OPEN_QUESTION, {"game_id": answer.game_id}).one()
                games[answer.game_id] = game
            try:
                _check_open(*game, answer.position, answer.received)
            except TooLate as exc:
                # A replay of an answer stored before the question closed is "already
                # answered", not "too late": the player's answer did count.
                first = conn.execute(_ANSWER_ID, answer.row).scalar()
                if first is not None:
                    pending.resolve(AnswerReceipt(first, created=False))
                else:
                    pending.fail(exc)
                continue
            answer_id = conn.execute(_insert_answer(conn), answer.row).scalar()
            if answer_id is None:
                # Answered already (a double submit, a replay): the first one stands.
                first = conn.execute(_ANSWER_ID, answer.row).scalar()
                pending.resolve(AnswerReceipt(first, created=False))
                continue
            if conn.execute(_ADD_POINTS, answer.points).rowcount != 1:
                conn.execute(_DELETE_ANSWER, {"answer_id": answer_id})
                pending.fail(Forbidden("The host removed you from this game."))
                continue
            if answer.user_id is not None and answer.fact_id and not answer.correct:
                mark_due_after_wrong_answers(
                    session, answer.user_id, [answer.fact_id], answer.received
                )
            answered[answer.game_id] = answer.row["live_question_id"]
            pending.resolve(AnswerReceipt(answer_id, created=True))
        for game_id, question_id in answered.items():
            if _everyone_answered(conn, game_id, question_id):
                conn.execute(_REVEAL_NOW, {"game_id": game_id})


_ANSWERS = GroupCommit(_store_answers)


# What an answer reads before its write transaction: the game, the question at the
# position the player saw, and the player's earlier answer to it, if any.
_ANSWER_CONTEXT = (
    select(
        _games.c.state,
        _games.c.current_index,
        _games.c.options_at,
        _games.c.question_deadline,
        _games.c.seconds,
        _games.c.scoring,
        _games.c.streak_bonus,
        _questions.c.id,
        _questions.c.fact_id,
        _questions.c.kind,
        _questions.c.payload,
        _answers.c.id,
    )
    .select_from(_games)
    .outerjoin(
        _questions,
        (_questions.c.game_id == _games.c.id) & (_questions.c.position == bindparam("position")),
    )
    .outerjoin(
        _answers,
        (_answers.c.live_question_id == _questions.c.id)
        & (_answers.c.player_id == bindparam("player_id")),
    )
    .where(_games.c.id == bindparam("game_id"))
)
# Re-read under the write lock. FOR SHARE (PostgreSQL) makes a reveal wait for the
# answers in flight.
_OPEN_QUESTION = (
    select(_games.c.state, _games.c.current_index, _games.c.options_at, _games.c.question_deadline)
    .where(_games.c.id == bindparam("game_id"))
    .with_for_update(read=True)
)
_ADD_POINTS = (
    update(_players)
    .where(_players.c.id == bindparam("player_id"), _players.c.removed.is_(False))
    .values(
        score=_players.c.score + bindparam("points"),
        correct_count=_players.c.correct_count + bindparam("correct"),
        streak=bindparam("streak"),
        streak_position=bindparam("streak_position"),
    )
)
_ANSWER_ID = select(_answers.c.id).where(
    _answers.c.player_id == bindparam("player_id"),
    _answers.c.live_question_id == bindparam("live_question_id"),
)
_DELETE_ANSWER = _answers.delete().where(_answers.c.id == bindparam("answer_id"))
_REVEAL_NOW = (
    update(_games)
    .where(_games.c.id == bindparam("game_id"))
    .values(state=GameState.REVEAL.value, version=_games.c.version + 1)
)
_INSERT_ANSWER: dict[str, Any] = {}


def _insert_answer(conn):
    """INSERT ... ON CONFLICT (player, question) DO NOTHING RETURNING id.

    A replay finds the unique constraint and inserts nothing (no row comes back)
    instead of raising: on PostgreSQL an error would abort the whole transaction.
    """
    dialect = conn.dialect.name
    statement = _INSERT_ANSWER.get(dialect)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = _INSERT_ANSWER[dialect] = (
            insert(_answers)
            .on_conflict_do_nothing(index_elements=["player_id", "live_question_id"])
            .returning(_answers.c.id)
        )
    return statement


def _check_open(
    state: str,
    index: int,
    options_at: datetime | None,
    deadline: datetime | None,
    position: int,
    received: datetime,
) -> None:
    if state != GameState.QUESTION.value or index != position:
        raise TooLate("This question is closed; your answer was not counted.")
    if options_at is None or received < options_at:
        raise TooLate("The options are not open yet: wait until they show, then answer.")
    if deadline is None or received > deadline:
        raise TooLate("Time is up: your answer came after the deadline and was not counted.")


def _player_order(player: LivePlayer, question: LiveQuestion | QuestionView) -> list[str]:
    return rules.player_order(
        question.payload["choices"], player.shuffle_seed, str(question.id), question.kind
    )


def _sent_answer(
    expected: str, order: list[str], picks: Sequence[int], text: str | None
) -> list[str]:
    """What the player answered, as stored (`LiveAnswer.choices`): the options picked
    (in the order given), or the text typed as the one element.

    Raises:
        ServiceError: The answer is not of the question's shape (`LiveKind.input`).
    """
    if expected in ("text", "number"):
        if not text:
            raise ServiceError("Type your answer first.")
        return [text]
    if any(not 0 <= pick < len(order) for pick in picks) or len(set(picks)) != len(picks):
        raise ServiceError("Pick one of the options shown.")
    if not picks:
        raise ServiceError("Pick an option first.")
    if expected == "pick" and len(picks) != 1:
        raise ServiceError("Pick exactly one option.")
    if expected == "order" and len(picks) != len(order):
        raise ServiceError("Put every item in order, then send.")
    return [order[pick] for pick in picks]
