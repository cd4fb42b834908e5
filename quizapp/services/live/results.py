"""A finished live game's results: the per-question report and the CSV of every
player's answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from quizapp.domain import live as rules
from quizapp.extensions import db
from quizapp.models import SchoolClass, User
from quizapp.models.live import (
    LiveAnswer,
    LivePlayer,
)
from quizapp.services.live.games import host_game


def report(host: User, game_id: int) -> dict[str, Any]:
    """Per question: how many answered and got it right, counts per option, and the
    wrong option chosen most; and every player's final rank.

    Raises:
        NotFound: Not the host's game.
    """
    game = host_game(host, game_id)
    questions = []
    for question in game.questions:
        answers = list(
            db.session.scalars(select(LiveAnswer).where(LiveAnswer.live_question_id == question.id))
        )
        counts = rules.option_counts(question.payload["choices"], (a.choices for a in answers))
        questions.append(
            {
                "question": question,
                "asked": question.asked_at is not None,
                "answered": len(answers),
                "correct": sum(1 for a in answers if a.correct),
                "counts": counts,
                "right": set(question.payload["correct"]),
                "wrong": rules.most_chosen_wrong(counts, question.payload["correct"]),
            }
        )
    players = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname, LivePlayer.score).where(
            LivePlayer.game_id == game.id, LivePlayer.removed.is_(False)
        )
    )
    return {
        "game": game,
        "school_class": db.session.get(SchoolClass, game.class_id) if game.class_id else None,
        "questions": questions,
        "ranking": rules.rank((r[0], r[1], r[2]) for r in players),
    }


CSV_HEADER = (
    "player",
    "account",
    "question",
    "prompt",
    "kind",
    "chosen",
    "right answer",
    "correct",
    "credit",
    "points",
    "seconds",
    "answered at",
    "final score",
    "final rank",
)


def results_rows(host: User, game_id: int) -> list[tuple]:
    """One row per player per question (a missed question is a row with no answer).

    Raises:
        NotFound: Not the host's game.
    """
    data = report(host, game_id)
    game = data["game"]
    ranks = {r.player_id: r.rank for r in data["ranking"]}
    players = list(
        db.session.execute(
            select(LivePlayer, User.display_name)
            .outerjoin(User, User.id == LivePlayer.user_id)
            .where(LivePlayer.game_id == game.id)
            .order_by(LivePlayer.nickname, LivePlayer.id)
        )
    )
    answers = {
        (a.player_id, a.live_question_id): a
        for a in db.session.scalars(select(LiveAnswer).where(LiveAnswer.game_id == game.id))
    }
    rows = []
    for player, account in players:
        for question in game.questions:
            answer = answers.get((player.id, question.id))
            rows.append(
                (
                    player.nickname + (" (removed)" if player.removed else ""),
                    account or "",
                    question.position + 1,
                    question.payload["prompt"],
                    question.kind,
                    "; ".join(answer.choices) if answer else "",
                    question.payload["answer"],
                    ("yes" if answer.correct else "no") if answer else "no answer",
                    f"{answer.credit:.2f}" if answer else "0.00",
                    answer.points if answer else 0,
                    f"{answer.elapsed_ms / 1000:.1f}" if answer else "",
                    answer.answered_at.isoformat(timespec="seconds") if answer else "",
                    player.score,
                    ranks.get(player.id, ""),
                )
            )
    return rows
