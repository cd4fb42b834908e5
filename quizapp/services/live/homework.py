"""Homework mode: a game the players take at their own pace, by PIN or link, until a
deadline.

The same questions as a live game, one after the other for each player (their
`LivePlayer.position`), with the right answer shown after each. There is no host
driving and no shared clock. The game is open from its creation to
`LiveGame.closes_at`; from then on it counts as finished (the class gradebook reads
it like a finished live game), and the host may close it earlier.

Scoring, as the host chose (`LiveGame.scoring`):

- by accuracy: 1000 points for a right answer, scaled by the credit of a partly
  right one, however long it took;
- by accuracy and speed: the live game's rule (`rules.speed_points`, 1000 at once
  down to 500 at the game's seconds per question, then 500), timed per question by
  the server: from when that player's question was first served to them
  (`LivePlayer.served_at`, set by `homework_state(..., serve=True)`) to their
  answer's arrival. Time between questions (a tab left alone after an answer) never
  counts, and a reload does not restart the clock. An answer to a question never
  served (a form posted without its page) counts as given at the limit.

No streak bonus in homework: a streak is a live game's excitement.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizapp.domain import live as rules
from quizapp.domain import live_kinds
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer, LiveGame, LivePlayer, LiveQuestion, Scoring
from quizapp.services import ServiceError, write_transaction
from quizapp.services.live.answers import _sent_answer
from quizapp.services.live.games import TooLate, is_open
from quizapp.services.live.pictures import has_picture


def homework_state(
    game: LiveGame, player: LivePlayer, now: datetime | None = None, *, serve: bool = False
) -> dict:
    """What a player's page of a homework game shows: how far they are, the feedback on
    their last answer, and the next question (none once done or closed).

    Args:
        serve: The page is being shown to the player: their next question's clock
            starts now, unless it already runs (`LivePlayer.served_at`).
    """
    now = now or utcnow()
    questions = list(game.questions)
    # The ORM row, fresh: the caller may hold a plain row of the hot paths.
    player = db.session.get(LivePlayer, player.id, populate_existing=True)
    if serve and is_open(game, now) and player.position < len(questions):
        _serve(player.id, now)
        player = db.session.get(LivePlayer, player.id, populate_existing=True)
    state: dict[str, Any] = {
        "open": is_open(game, now),
        "closes_at": game.closes_at,
        "total": len(questions),
        "done": player.position,
        "score": player.score,
        "right": player.correct_count,
        "last": None,
        "question": None,
    }
    if player.position > 0:
        last = questions[min(player.position, len(questions)) - 1]
        answer = _answer_of(player.id, last.id)
        if answer is not None:
            state["last"] = {
                "prompt": last.payload["prompt"],
                "answer": last.payload["answer"],
                "evidence": last.payload["evidence"],
                "correct": answer.correct,
                "credit": answer.credit,
                "points": answer.points,
                "scored": live_kinds.LIVE_KINDS[last.kind].scored,
            }
    if state["open"] and player.position < len(questions):
        question = questions[player.position]
        order = rules.player_order(
            question.payload["choices"], player.shuffle_seed, str(question.id), question.kind
        )
        state["question"] = {
            "position": question.position,
            "number": question.position + 1,
            "prompt": question.payload["prompt"],
            "kind": question.kind,
            "input": live_kinds.LIVE_KINDS[question.kind].input,
            "unit": question.payload.get("unit", ""),
            "options": order,
            "picture": has_picture(question.payload),
        }
    state["speed"] = game.scoring == Scoring.SPEED.value
    state["seconds"] = game.seconds
    return state


def _serve(player_id: int, now: datetime) -> None:
    """Start the clock of a player's next question, once (a reload keeps it)."""
    with write_transaction() as session:
        session.execute(
            update(LivePlayer)
            .where(LivePlayer.id == player_id, LivePlayer.served_at.is_(None))
            .values(served_at=now)
        )


def _answer_of(player_id: int, question_id: int) -> LiveAnswer | None:
    return db.session.scalar(
        select(LiveAnswer).where(
            LiveAnswer.player_id == player_id, LiveAnswer.live_question_id == question_id
        )
    )


def submit_homework_answer(
    game_id: int,
    player: LivePlayer,
    position: int,
    picks: list[int] | tuple[int, ...],
    text: str | None,
    received: datetime | None = None,
) -> bool:
    """Store a player's answer to their next homework question.

    Returns:
        True when stored; False for a repeat of an answer already given (the first
        stands: a double submit or the Back button).

    Raises:
        TooLate: The homework is closed.
        ServiceError: Not the player's next question, or an answer of the wrong shape.
    """
    received = received or utcnow()
    try:
        return _store(game_id, player.id, position, picks, text, received)
    except IntegrityError:
        return False  # the same answer at the same instant (PostgreSQL): the first stands


def _store(game_id, player_id, position, picks, text, received) -> bool:
    with write_transaction() as session:
        game = session.get(LiveGame, game_id)
        me = session.get(LivePlayer, player_id)
        if game is None or not is_open(game, received):
            raise TooLate("This homework is closed; your answer was not counted.")
        if me.removed:
            raise ServiceError("The host removed you from this game.")
        if position < me.position:
            return False
        if position != me.position:
            raise ServiceError("Answer the questions in order.")
        question = session.scalar(
            select(LiveQuestion).where(
                LiveQuestion.game_id == game_id, LiveQuestion.position == position
            )
        )
        live_kind = live_kinds.LIVE_KINDS[question.kind]
        order = rules.player_order(
            question.payload["choices"], me.shuffle_seed, str(question.id), question.kind
        )
        chosen = _sent_answer(live_kind.input, order, picks, text)
        judged = live_kinds.judge_live(question.payload, chosen, text)
        limit_ms = game.seconds * 1000
        elapsed_ms = _elapsed_ms(me.served_at, received, limit_ms)
        scored = rules.score_judgement(
            judged,
            elapsed_ms=elapsed_ms,
            limit_ms=limit_ms,
            accuracy_only=game.scoring != Scoring.SPEED.value,
            streak_before=0,
            use_streak_bonus=False,
            scored=live_kind.scored,
        )
        session.add(
            LiveAnswer(
                game_id=game_id,
                player_id=me.id,
                live_question_id=question.id,
                choices=chosen,
                correct=scored.correct,
                credit=scored.credit,
                points=scored.points,
                elapsed_ms=elapsed_ms,
                answered_at=received,
            )
        )
        game.roster_version += 1  # the host's progress list follows
        me.position = position + 1
        me.served_at = None  # the next question's clock starts when it is served
        me.score += scored.points
        me.correct_count += int(scored.correct)
    return True


def _elapsed_ms(served_at: datetime | None, received: datetime, limit_ms: int) -> int:
    """Time from serving a question to its answer; the limit for one never served."""
    if served_at is None:
        return limit_ms
    return max(0, int((received - served_at).total_seconds() * 1000))


def progress(game: LiveGame) -> list[dict[str, Any]]:
    """Each player's progress, for the host: best first."""
    rows = db.session.execute(
        select(LivePlayer.nickname, LivePlayer.position, LivePlayer.score)
        .where(LivePlayer.game_id == game.id, LivePlayer.removed.is_(False))
        .order_by(LivePlayer.score.desc(), LivePlayer.nickname)
    )
    return [{"nickname": n, "done": p, "score": s} for n, p, s in rows]
