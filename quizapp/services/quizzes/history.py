"""A learner's quiz history: past attempts, accuracy by deck and subject, the CSV of
every answer; and the opt-in leaderboard and the home page summary.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import case, func, select

from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.spreadsheet import safe_cell
from quizapp.extensions import db
from quizapp.models import (
    Deck,
    Fact,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    User,
)
from quizapp.services import write_transaction
from quizapp.services.decks import get_deck
from quizapp.services.quizzes.values import Accuracy, AttemptRow, History, _answer_text


def list_attempts(user: User, limit: int | None = None) -> list[AttemptRow]:
    """The user's attempts, newest first, with their deck and number answered."""
    answered = (
        select(QuizQuestion.attempt_id, func.count(QuizResponse.id).label("n"))
        .join(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .group_by(QuizQuestion.attempt_id)
        .subquery()
    )
    query = (
        select(QuizAttempt, Deck.key, Deck.title, func.coalesce(answered.c.n, 0))
        .join(Deck, Deck.id == QuizAttempt.deck_id)
        .outerjoin(answered, answered.c.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        AttemptRow(
            id=attempt.id,
            deck_key=key,
            deck_title=title,
            started_at=attempt.started_at,
            finished_at=attempt.finished_at,
            score=attempt.score,
            max_score=attempt.max_score,
            answered=n,
        )
        for attempt, key, title, n in db.session.execute(query)
    ]


def _accuracy(user: User, column) -> list[Accuracy]:
    query = (
        select(
            column, func.count(QuizResponse.id), func.sum(case((QuizResponse.correct, 1), else_=0))
        )
        .select_from(QuizResponse)
        .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
        .join(QuizAttempt, QuizAttempt.id == QuizQuestion.attempt_id)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .where(QuizAttempt.user_id == user.id)
        .group_by(column)
    )
    rows = [
        Accuracy(label, int(n), int(right or 0)) for label, n, right in db.session.execute(query)
    ]
    return sorted(rows, key=lambda a: (a.percent, -a.answered, a.label))


def history(user: User) -> History:
    """Everything "My scores" shows: attempts, scores over time, per deck, weak spots."""
    attempts = list_attempts(user)
    finished = sorted((a for a in attempts if a.is_finished), key=lambda a: (a.finished_at, a.id))
    return History(
        attempts=attempts,
        over_time=[(a.finished_at, a.deck_title, a.percent) for a in finished],
        decks=quiz_domain.deck_summaries(
            (a.deck_title, a.finished_at, a.percent) for a in finished
        ),
        by_subject=_accuracy(user, Fact.subject_name),
        by_relation=_accuracy(user, Fact.relation_label),
    )


CSV_COLUMNS = (
    "attempt_id",
    "deck",
    "started_at",
    "finished_at",
    "position",
    "question_id",
    "kind",
    "company",
    "relation",
    "prompt",
    "answer_given",
    "correct_answer",
    "correct",
    "points",
    "late",
    "time_taken_seconds",
    "answered_at",
)


def export_csv(user: User) -> str:
    """The user's own results, one row per question of every attempt (CSV text)."""
    query = (
        select(
            QuizAttempt,
            Deck.key,
            QuizQuestion,
            Fact.subject_name,
            Fact.relation_label,
            QuizResponse,
        )
        .join(Deck, Deck.id == QuizAttempt.deck_id)
        .join(QuizQuestion, QuizQuestion.attempt_id == QuizAttempt.id)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.started_at, QuizAttempt.id, QuizQuestion.position)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for attempt, deck_key, question, company, relation, response in db.session.execute(query):
        writer.writerow(
            [
                attempt.id,
                deck_key,
                attempt.started_at.isoformat(),
                attempt.finished_at.isoformat() if attempt.finished_at else "",
                question.position,
                question.question_id,
                question.kind,
                safe_cell(company),
                safe_cell(relation),
                safe_cell(question.payload["prompt"]),
                safe_cell(_answer_text(response.answer, question.kind)) if response else "",
                safe_cell(question.payload["answer"]),
                ("yes" if response.correct else "no") if response else "",
                response.points if response else "",
                ("yes" if response.late else "no") if response else "",
                f"{response.time_taken_ms / 1000:.1f}" if response else "",
                response.answered_at.isoformat() if response else "",
            ]
        )
    return out.getvalue()


# --- leaderboard --------------------------------------------------------------------------------


def set_leaderboard_opt_in(user: User, opt_in: bool) -> None:
    """Show (or stop showing) the user's best scores on deck leaderboards."""
    with write_transaction() as session:
        row = session.get(User, user.id)
        row.leaderboard_opt_in = bool(opt_in)


def leaderboard(user: User, deck_key: str, limit: int = 20) -> tuple[Deck, list[tuple[str, float]]]:
    """Best score (percent) per opted-in user on a deck: display names only.

    Raises:
        NotFound: No such deck (or not visible to the user).
    """
    deck = get_deck(user, deck_key)
    best = func.max(QuizAttempt.score * 100.0 / QuizAttempt.max_score)
    query = (
        select(User.display_name, best)
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(
            User.leaderboard_opt_in.is_(True),
            QuizAttempt.deck_id == deck.id,
            QuizAttempt.finished_at.is_not(None),
            QuizAttempt.max_score > 0,
        )
        .group_by(User.id, User.display_name)
        .order_by(best.desc(), User.display_name)
        .limit(limit)
    )
    return deck, [(name, round(float(percent), 1)) for name, percent in db.session.execute(query)]


def home_summary(user: User) -> dict[str, AttemptRow | None]:
    """The quiz to resume (newest unfinished) and the last finished one, for the home page."""
    recent = list_attempts(user, limit=20)
    return {
        "resume": next((a for a in recent if not a.is_finished), None),
        "last": next((a for a in recent if a.is_finished), None),
    }
