"""A learner's exam dates, one per deck: setting one, what the queue needs of it today
(see `domain.scheduling.exam`), and the predicted recall of each deck on its exam day.

Today's share of the at-risk facts is chosen when the study day's first request ranks
them, and stored on the exam for that day: spread over the days left, it should not
change as the learner works through it, and the queue then reads only those rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from quizapp.domain import scheduling
from quizapp.domain.scheduling import MemoryState, StudyState
from quizapp.domain.scheduling import exam as exam_domain
from quizapp.extensions import db
from quizapp.models import Deck, Fact, User
from quizapp.models.study import StudyExam, StudyItem
from quizapp.services import ServiceError, write_transaction
from quizapp.services.study.settings import Prefs, get_prefs
from quizapp.services.study.sql import exam_risk, exam_urgency

MAX_DAYS_AHEAD = 3 * 365
MIN_TARGET = 0.70
MAX_TARGET = 0.99


@dataclass(frozen=True)
class ExamToday:
    """An exam as the queue sees it today."""

    deck_id: int
    exam_at: datetime  # the exam day's morning (UTC)
    ratio: float  # exam_domain.risk_ratio of the target
    share: tuple[int, ...]  # today's share of at-risk facts (ids), most at risk first

    @property
    def quota(self) -> int:
        return len(self.share)


def exam_of(user: User, deck: Deck) -> StudyExam | None:
    return db.session.scalar(
        select(StudyExam).where(StudyExam.user_id == user.id, StudyExam.deck_id == deck.id)
    )


def set_exam(
    user: User, deck: Deck, *, day: date | None, target: float | None, now: datetime
) -> StudyExam | None:
    """Set (or with `day` None, remove) the user's exam on `deck`.

    Raises:
        ServiceError: The day is not in the future (up to three years), or the target is
            not from 0.70 to 0.99.
    """
    existing = exam_of(user, deck)
    if day is None:
        if existing is not None:
            with write_transaction() as session:
                session.delete(session.get(StudyExam, existing.id))
        return None
    today = scheduling.study_date(now, get_prefs(user).timezone)
    if not 0 < (day - today).days <= MAX_DAYS_AHEAD:
        raise ServiceError("The exam date must be after today and within three years.")
    if (
        isinstance(target, bool)
        or not isinstance(target, int | float)
        or not MIN_TARGET <= target <= MAX_TARGET
    ):
        raise ServiceError(f"The recall target must be from {MIN_TARGET:.2f} to {MAX_TARGET:.2f}.")
    with write_transaction() as session:
        row = session.get(StudyExam, existing.id) if existing else StudyExam(user_id=user.id)
        row.deck_id = deck.id
        row.exam_on = day
        row.target = float(target)
        row.updated_at = now
        row.share_on = row.share = None  # a new date or target: choose today's share again
        session.add(row)
    return exam_of(user, deck)


def set_class_exam(teacher: User, class_id: int, assignment_id: int, now: datetime) -> int:
    """Make an assignment's due date the exam date of its deck for the class's students
    (target 0.90). A student's own exam date on that deck is kept.

    Returns:
        How many students got the exam date.

    Raises:
        NotFound: Not an assignment of a class this teacher teaches.
        ServiceError: The assignment is due today or already past.
    """
    from quizapp.services.assignments.reading import get_assignment
    from quizapp.services.classroom import get_own_class, roster

    get_own_class(teacher, class_id)
    _class, assignment = get_assignment(teacher, class_id, assignment_id)
    deck = db.session.get(Deck, assignment.deck_id)
    added = 0
    for membership in roster(teacher, class_id):
        student = membership.student
        if exam_of(student, deck) is not None:
            continue
        tz = get_prefs(student).timezone
        day = scheduling.study_date(assignment.due_at, tz)
        if day <= scheduling.study_date(now, tz):
            raise ServiceError("This assignment is due today or past: no exam date to study for.")
        set_exam(student, deck, day=day, target=0.9, now=now)
        added += 1
    return added


def _todays_share(
    user_id: int, exam: StudyExam, today: date, parameters: tuple[float, ...] | None, tz: str
) -> tuple[int, ...]:
    """Choose the ids of today's share of at-risk facts, most at risk first."""
    exam_at, ratio = _moment_and_ratio(exam.exam_on, exam.target, parameters, tz)
    at_risk = (
        select(StudyItem.id)
        .where(
            StudyItem.user_id == user_id,
            StudyItem.deck_id == exam.deck_id,
            StudyItem.suspended.is_(False),
            *exam_risk(exam_at, ratio),
        )
        .order_by(exam_urgency(exam_at).desc(), StudyItem.id)
    )
    count = db.session.scalar(select(func.count()).select_from(at_risk.subquery())) or 0
    left = exam_domain.days_left(exam_domain.Exam(exam.exam_on, exam.target), today)
    quota = exam_domain.daily_quota(count, left)
    return tuple(db.session.scalars(at_risk.limit(quota))) if quota else ()


def _moment_and_ratio(
    exam_on: date, target: float, parameters: tuple[float, ...] | None, tz: str
) -> tuple[datetime, float]:
    exam = exam_domain.Exam(exam_on, target)
    return exam_domain.exam_moment(exam, tz), exam_domain.risk_ratio(target, parameters)


def exams_today(user: User, prefs: Prefs, now: datetime) -> tuple[ExamToday, ...]:
    """The user's exams still ahead, with today's share of at-risk facts (before what
    was already brought forward today is taken off)."""
    rows = db.session.scalars(select(StudyExam).where(StudyExam.user_id == user.id)).all()
    if not rows:
        return ()
    today = scheduling.study_date(now, prefs.timezone)
    result = []
    for row in rows:
        if row.exam_on <= today:
            continue
        if row.share_on != today:
            # The study day's first request chooses its share and keeps it for the day.
            share = _todays_share(user.id, row, today, prefs.parameters, prefs.timezone)
            with write_transaction() as session:
                stored = session.get(StudyExam, row.id)
                stored.share_on, stored.share = today, json.dumps(share)
        else:
            share = tuple(json.loads(row.share or "[]"))
        exam_at, ratio = _moment_and_ratio(
            row.exam_on, row.target, prefs.parameters, prefs.timezone
        )
        result.append(ExamToday(row.deck_id, exam_at, ratio, share))
    return tuple(result)


# How many of an exam's share `next_in_share` reads at once.
EXAM_WINDOW = 50


def next_in_share(user_id: int, exam: ExamToday, done: int, now: datetime) -> int | None:
    """The next fact of today's share still to bring forward, or None.

    The share is in the order its facts are taken, and its head is what was done today,
    so the window after it is read first, by primary key (a query naming the user and
    state would have the planner walk every review in the index instead), then the rest.
    The rows are checked here as the queue would (owner, not suspended, buried or retired)
    and ranked by `exam_domain.at_risk`, the reference order.
    """
    windows = [exam.share[done : done + EXAM_WINDOW]]
    if done or len(exam.share) > EXAM_WINDOW:
        windows.append(exam.share)
    for ids in windows:
        rows = db.session.execute(
            select(
                StudyItem.id,
                StudyItem.user_id,
                StudyItem.fact_id,
                StudyItem.suspended,
                StudyItem.buried_until,
                StudyItem.state,
                StudyItem.step,
                StudyItem.stability,
                StudyItem.difficulty,
                StudyItem.due,
                StudyItem.last_review,
            ).where(StudyItem.id.in_(ids))
        ).all()
        retired = set(
            db.session.scalars(
                select(Fact.id).where(
                    Fact.id.in_({row.fact_id for row in rows}), Fact.retired_at.is_not(None)
                )
            )
        )
        candidates = [
            (
                row.id,
                MemoryState(
                    StudyState(row.state),
                    row.step,
                    row.stability,
                    row.difficulty,
                    row.due,
                    row.last_review,
                ),
            )
            for row in rows
            if row.user_id == user_id
            and not row.suspended
            and not (row.buried_until is not None and row.buried_until > now)
            and row.fact_id not in retired
        ]
        ranked = exam_domain.at_risk(candidates, now, exam.exam_at, exam.ratio)
        if ranked:
            return ranked[0]
    return None


@dataclass(frozen=True)
class ExamOutlook:
    deck: Deck
    exam_on: date
    target: float
    facts: int
    predicted_recall: float | None  # averaged over the deck's facts (new ones count 0)
    at_target: int  # facts predicted at or above the target


def outlook(user: User, now: datetime) -> list[ExamOutlook]:
    """For each exam ahead: the deck's predicted recall on the exam morning."""
    exams = db.session.scalars(
        select(StudyExam).where(StudyExam.user_id == user.id).order_by(StudyExam.exam_on)
    ).all()
    if not exams:  # most learners: no settings to read
        return []
    prefs = get_prefs(user)
    today = scheduling.study_date(now, prefs.timezone)
    settings = prefs.scheduler(fuzzing=False)
    result = []
    for row in exams:
        if row.exam_on <= today:
            continue
        exam_at = exam_domain.exam_moment(exam_domain.Exam(row.exam_on, row.target), prefs.timezone)
        recalls = [
            scheduling.retrievability(
                MemoryState(StudyState(state), step, stability, difficulty, due, last),
                exam_at,
                settings,
            )
            for state, step, stability, difficulty, due, last in db.session.execute(
                select(
                    StudyItem.state,
                    StudyItem.step,
                    StudyItem.stability,
                    StudyItem.difficulty,
                    StudyItem.due,
                    StudyItem.last_review,
                )
                .join(Fact, Fact.id == StudyItem.fact_id)
                .where(
                    StudyItem.user_id == user.id,
                    StudyItem.deck_id == row.deck_id,
                    Fact.retired_at.is_(None),
                )
            )
        ]
        result.append(
            ExamOutlook(
                deck=db.session.get(Deck, row.deck_id),
                exam_on=row.exam_on,
                target=row.target,
                facts=len(recalls),
                predicted_recall=sum(recalls) / len(recalls) if recalls else None,
                at_target=sum(r >= row.target for r in recalls),
            )
        )
    return result
