"""A teacher's year for the page benchmark: 5 classes of 30 students, an assignment a week.

Built inside an app context with bulk inserts (SQLite and PostgreSQL alike): every
student sat every assignment of their class once (10 questions, 60 % of answers right
on average, a few late), so the class page, the gradebook and the assignment report
read a year of attempts.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from quizapp.extensions import db
from quizapp.models import (
    ClassMembership,
    Deck,
    Question,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    User,
)
from quizapp.services import accounts
from quizapp.services import classroom as classroom_service
from quizapp.services.assignments import AssignmentSpec, create_assignment

CLASSES = 5
STUDENTS = 30
WEEKS = 40
QUESTIONS = 10


def build_classes(email: str, password: str, now: datetime, rng: random.Random) -> tuple[int, int]:
    """The teacher (who logs in with `password`), classes, students and attempts.

    Returns:
        (a class id, one of its assignment ids), for the pages to measure.
    """
    teacher = accounts.register(email, "Teacher", password, "teacher")
    deck = db.session.scalar(select(Deck).where(Deck.key == "software-companies"))
    payloads = {
        q.id: (q.fact_id, q.kind, q.payload)
        for q in db.session.scalars(select(Question).where(Question.deck_id == deck.id))
    }
    db.session.execute(
        insert(User),
        [
            {
                "email": f"pupil{c}-{s}@example.com",
                "display_name": f"Pupil {c}-{s}",
                "password_hash": teacher.password_hash,
                "role": "student",
            }
            for c in range(CLASSES)
            for s in range(STUDENTS)
        ],
    )
    db.session.commit()
    first = None
    for c in range(CLASSES):
        school_class = classroom_service.create_class(teacher, f"Class {c + 1}")
        students = list(db.session.scalars(select(User.id).where(User.email.like(f"pupil{c}-%"))))
        db.session.execute(
            insert(ClassMembership),
            [{"class_id": school_class.id, "student_id": s} for s in students],
        )
        db.session.commit()
        for week in range(WEEKS, 0, -1):
            opens = now - timedelta(weeks=week, days=2)
            spec = AssignmentSpec(
                deck_key=deck.key,
                opens_at=opens,
                due_at=opens + timedelta(days=7),
                count=QUESTIONS,
            )
            assignment = create_assignment(
                teacher, school_class.id, spec, now=opens, seed=c * 100 + week
            )
            _sit(assignment, students, payloads, rng)
            first = first or (school_class.id, assignment.id)
    return first


def _sit(assignment, students, payloads, rng) -> None:
    """Every student's finished attempt at `assignment`, bulk-inserted."""
    due: datetime = assignment.due_at
    count = len(assignment.question_ids)
    attempts, rights = [], []
    for student in students:
        started = due - timedelta(days=rng.uniform(-0.2, 5))  # a few start after the due date
        right = [rng.random() < 0.6 for _ in range(count)]
        rights.append(right)
        attempts.append(
            {
                "user_id": student,
                "deck_id": assignment.deck_id,
                "question_count": count,
                "seed": rng.getrandbits(30),
                "due_at": due,
                "assignment_id": assignment.id,
                "attempt_number": 1,
                "started_at": started,
                "finished_at": started + timedelta(minutes=6),
                "score": float(sum(right)),
                "max_score": count,
            }
        )
    returning = {"sort_by_parameter_order": True}
    ids = db.session.scalars(
        insert(QuizAttempt).returning(QuizAttempt.id, **returning), attempts
    ).all()
    questions = []
    for attempt_id in ids:
        for position, question_id in enumerate(assignment.question_ids):
            fact_id, kind, payload = payloads[question_id]
            questions.append(
                {
                    "attempt_id": attempt_id,
                    "position": position,
                    "question_id": question_id,
                    "fact_id": fact_id,
                    "kind": kind,
                    "payload": payload,
                }
            )
    question_ids = db.session.scalars(
        insert(QuizQuestion).returning(QuizQuestion.id, **returning), questions
    ).all()
    responses = []
    for n, qq_id in enumerate(question_ids):
        attempt, position = divmod(n, count)
        right = rights[attempt][position]
        answered = attempts[attempt]["started_at"] + timedelta(seconds=20 * position)
        responses.append(
            {
                "attempt_question_id": qq_id,
                "answer": "right" if right else "wrong",
                "correct": right,
                "points": float(right),
                "late": answered > due,
                "time_taken_ms": 9000,
                "answered_at": answered,
                "request_id": f"bench-{qq_id}",
            }
        )
    db.session.execute(insert(QuizResponse), responses)
    # What each answer keeps on its attempt (services.quizzes.taking._answer).
    last = {}
    for n, response in enumerate(responses):
        last[ids[n // count]] = response["answered_at"]
    db.session.execute(
        update(QuizAttempt),
        [{"id": a, "answered": count, "last_answer_at": at} for a, at in last.items()],
    )
    db.session.commit()
