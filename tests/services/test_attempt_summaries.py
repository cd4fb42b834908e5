"""The gradebook reads attempts, not their answers: each answer keeps its attempt's count
of answers and latest answer time (in its transaction), and the migration counts them
for the answers stored before. Compared with the grouped query over every answer that the
gradebook ran before, on attempts answered through the quiz service: finished and not,
on time and late, several attempts per student, a due date moved after the answers."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import case, func, select, update

from quizapp.domain.gradebook import AttemptSummary
from quizapp.extensions import db
from quizapp.models import Assignment, QuizAttempt, QuizQuestion, QuizResponse
from quizapp.services import assignments as assignment_service
from quizapp.services import write_transaction
from quizapp.services.assignments.reading import _summaries
from tests.services.test_assignments import NOW, questions, spec, take


def reference_summaries(assignment_ids):
    """What the gradebook computed before: every answer read, grouped per attempt."""
    late_answer = case((QuizResponse.answered_at > Assignment.due_at, 1), else_=0)
    query = (
        select(
            QuizAttempt.id,
            QuizAttempt.assignment_id,
            QuizAttempt.user_id,
            QuizAttempt.started_at,
            QuizAttempt.finished_at,
            QuizAttempt.score,
            QuizAttempt.max_score,
            func.count(QuizResponse.id),
            func.max(QuizResponse.answered_at),
            func.coalesce(func.sum(late_answer), 0),
        )
        .join(Assignment, Assignment.id == QuizAttempt.assignment_id)
        .outerjoin(QuizQuestion, QuizQuestion.attempt_id == QuizAttempt.id)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizAttempt.assignment_id.in_(assignment_ids))
        .group_by(QuizAttempt.id)
        .order_by(QuizAttempt.id)
    )
    found = defaultdict(list)
    for row in db.session.execute(query):
        attempt_id, assignment_id, user_id, started, finished, score, max_score = row[:7]
        answered, last, late = row[7:]
        found[(assignment_id, user_id)].append(
            AttemptSummary(
                attempt_id, started, finished, last, score, max_score, answered, late > 0
            )
        )
    return dict(found)


def sit(teacher, school_class, enrol, rng):
    """Three assignments (one refusing late work, one with unlimited attempts), eight
    students who start, stop, finish, miss, and answer before and after the due date."""
    made = [
        assignment_service.create_assignment(
            teacher, school_class.id, spec(**changes), now=NOW, seed=n
        )
        for n, changes in enumerate(
            ({}, {"late_policy": "refuse"}, {"attempts_allowed": None, "scoring": "last"})
        )
    ]
    for n in range(8):
        student = enrol(name=f"Student {n}")
        for assignment in made:
            for _ in range(rng.choice((0, 1, 1, 2)) if assignment.attempts_allowed is None else 1):
                if rng.random() < 0.15:
                    continue  # never started
                start = rng.choice((NOW, assignment.due_at - timedelta(minutes=1)))
                attempt = assignment_service.start(
                    student, school_class.id, assignment.id, now=start
                )
                stop = rng.choice((None, None, 0, 2))
                miss = {q.question_id for q in questions(attempt.id) if rng.random() < 0.3}
                try:
                    take(
                        student,
                        attempt,
                        miss=miss,
                        start=start,
                        step=timedelta(seconds=20),
                        stop=stop,
                    )
                except Exception:
                    db.session.rollback()
    return [a.id for a in made]


def test_attempts_keep_what_their_answers_said(teacher, school_class, enrol, builtin_decks):
    ids = sit(teacher, school_class, enrol, random.Random(4))
    expected = reference_summaries(ids)
    assert sum(s.late for found in expected.values() for s in found) > 0
    assert sum(s.answered == 0 for found in expected.values() for s in found) > 0
    assert _summaries(ids) == expected
    # A due date moved after the answers: "late" follows it, as it did.
    with write_transaction():
        db.session.execute(
            update(Assignment)
            .where(Assignment.id == ids[0])
            .values(due_at=NOW + timedelta(seconds=30))
        )
    assert _summaries(ids) == reference_summaries(ids)


def test_the_migration_counts_the_answers_stored_before(
    app, teacher, school_class, enrol, builtin_decks
):
    from flask_migrate import downgrade, upgrade

    ids = sit(teacher, school_class, enrol, random.Random(8))
    expected = reference_summaries(ids)
    db.session.remove()
    downgrade(revision="0017_quiz_kinds")
    upgrade()
    assert _summaries(ids) == expected
    assert db.session.scalar(select(func.count()).where(QuizAttempt.answered > 0)) > 10
