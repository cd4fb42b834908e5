"""Assignments: a teacher gives a class a quiz; students take it; the gradebook reads it.

An assignment fixes its question set when it is made (`quizzes.choose_question_ids`),
so every student gets the same questions; each student's attempt is an ordinary quiz
attempt (`quizzes.start_fixed_quiz`) tagged with the assignment, taken on the quiz
screens, graded on the server and feeding the student's study queue like any quiz.

Who may see what:

- The class's teacher sees every student's results; nobody else sees the gradebook.
- A student of the class sees the class's assignments and only their own results.
- Anyone else gets NotFound for the class and its assignments, as for ids that don't
  exist.

The class gradebook also has a column per finished live game of the class
(`LiveColumn`), read from the game's players and answers as they are; a game whose
class was deleted has no class any more (the foreign key sets it to NULL) and so
shows in no gradebook.
"""

from __future__ import annotations

import csv
import io
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from quizapp.domain import gradebook
from quizapp.domain import quizzes as quiz_domain
from quizapp.domain.gradebook import (
    ABSENT,
    AnswerRecord,
    AttemptSummary,
    ItemStat,
    LivePlay,
    LiveResult,
    Outcome,
)
from quizapp.domain.spreadsheet import safe_cell
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    ClassMembership,
    Deck,
    Fact,
    GameState,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    LiveQuestion,
    QuizAttempt,
    QuizQuestion,
    QuizResponse,
    SchoolClass,
    User,
)
from quizapp.models.types import is_row_id
from quizapp.services import Forbidden, NotFound, ServiceError, write_transaction
from quizapp.services import classroom as classroom_service
from quizapp.services import quizzes as quiz_service

TITLE_MAX = 200


class AssignmentClosed(ServiceError):
    """The assignment can't be started now (not open yet, past due, attempts used)."""

    status = 409


@dataclass(frozen=True)
class AssignmentSpec:
    """What a teacher fills in to assign a quiz.

    Attributes:
        deck_key: The deck the questions come from.
        title: Shown to students (empty: the deck's title).
        subjects: Entity keys to ask about (empty: all).
        kinds: Question kinds (empty: all).
        count: Number of questions.
        time_limit: Seconds per question, or None.
        opens_at: From when students can start.
        due_at: The due date (after `opens_at`).
        attempts_allowed: 1, or None for unlimited.
        scoring: `gradebook.BEST` or `gradebook.LAST`.
        late_policy: `gradebook.MARK_LATE` or `gradebook.REFUSE_LATE`.
        shuffle: Each student gets the questions in their own order.
    """

    deck_key: str
    opens_at: datetime
    due_at: datetime
    title: str = ""
    subjects: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    count: int = quiz_domain.DEFAULT_COUNT
    time_limit: int | None = None
    attempts_allowed: int | None = 1
    scoring: str = gradebook.BEST
    late_policy: str = gradebook.MARK_LATE
    shuffle: bool = True


# --- teachers: making assignments -----------------------------------------------------------


def _check_spec(spec: AssignmentSpec, now: datetime) -> None:
    if spec.opens_at.tzinfo is None or spec.due_at.tzinfo is None:
        raise ValueError("assignment dates must be timezone-aware")
    if spec.due_at <= spec.opens_at:
        raise ServiceError("The due date must be after the opening date.")
    if spec.due_at <= now:
        raise ServiceError("The due date has already passed: pick a later one.")
    if spec.attempts_allowed not in (1, None):
        raise ServiceError("Allow either one attempt or unlimited attempts.")
    if spec.scoring not in gradebook.SCORING:
        raise ServiceError("Choose whether the best or the last attempt counts.")
    if spec.late_policy not in gradebook.LATE_POLICIES:
        raise ServiceError("Choose whether late work is marked late or refused.")
    if len(spec.title.strip()) > TITLE_MAX:
        raise ServiceError(f"A title has at most {TITLE_MAX} characters.")


def create_assignment(
    teacher: User, class_id: int, spec: AssignmentSpec, *, now: datetime, seed: int | None = None
) -> Assignment:
    """Assign a quiz to the teacher's class; its question set is chosen now, once.

    Args:
        teacher: The class's teacher.
        class_id: The class.
        spec: What to assign.
        now: The current time (the due date must be later).
        seed: Seeds the choice of questions and each student's order (random if None).

    Raises:
        NotFound: Not the teacher's class, or a deck the teacher can't see.
        ServiceError: Dates out of order, a bad count/kind/topic/time limit, or no
            question matching the choices.
    """
    school_class = classroom_service.get_own_class(teacher, class_id)
    _check_spec(spec, now)
    seed = secrets.randbits(31) if seed is None else seed % 2**31
    options = quiz_domain.QuizOptions(
        subjects=tuple(spec.subjects),
        kinds=tuple(spec.kinds),
        count=spec.count,
        time_limit=spec.time_limit,
    )
    question_ids = quiz_service.choose_question_ids(teacher, spec.deck_key, options, seed=seed)
    deck = db.session.scalar(select(Deck).where(Deck.key == spec.deck_key))
    with write_transaction() as session:
        assignment = Assignment(
            class_id=school_class.id,
            deck_id=deck.id,
            title=spec.title.strip() or deck.title,
            subjects=sorted(set(spec.subjects)),
            kinds=sorted(set(spec.kinds)),
            question_ids=question_ids,
            time_limit_seconds=spec.time_limit,
            opens_at=spec.opens_at,
            due_at=spec.due_at,
            attempts_allowed=spec.attempts_allowed,
            scoring=spec.scoring,
            late_policy=spec.late_policy,
            shuffle=spec.shuffle,
            seed=seed,
        )
        session.add(assignment)
    return assignment


def delete_assignment(teacher: User, class_id: int, assignment_id: int) -> str:
    """Delete an assignment. Students' attempts stay in their own quiz history.

    Returns:
        The deleted assignment's title.
    """
    with write_transaction() as session:
        school_class, assignment = get_assignment(teacher, class_id, assignment_id)
        if school_class.teacher_id != teacher.id:
            raise NotFound("There is no such assignment in this class.")
        title = assignment.title
        for attempt in session.scalars(
            select(QuizAttempt).where(QuizAttempt.assignment_id == assignment.id)
        ):
            attempt.assignment_id = None
        session.flush()
        session.delete(assignment)
    return title


# --- reading ------------------------------------------------------------------------------------


def class_assignments(user: User, class_id: int) -> list[Assignment]:
    """The class's assignments by due date (its teacher and students only)."""
    school_class = classroom_service.get_class(user, class_id)
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.class_id == school_class.id)
            .order_by(Assignment.due_at, Assignment.id)
        )
    )


def get_assignment(user: User, class_id: int, assignment_id: int) -> tuple[SchoolClass, Assignment]:
    """An assignment of a class the user teaches or belongs to.

    Raises:
        NotFound: No such class or assignment, or one the user is not part of (the same
            answer, so ids can't be probed).
    """
    school_class = classroom_service.get_class(user, class_id)
    assignment = db.session.get(Assignment, assignment_id) if is_row_id(assignment_id) else None
    if assignment is None or assignment.class_id != school_class.id:
        raise NotFound("There is no such assignment in this class.")
    return school_class, assignment


def _summaries(assignment_ids: list[int], user_ids: list[int] | None = None):
    """AttemptSummary per (assignment id, user id), from one grouped query."""
    if not assignment_ids:
        return {}
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
        .group_by(
            QuizAttempt.id,
            QuizAttempt.assignment_id,
            QuizAttempt.user_id,
            QuizAttempt.started_at,
            QuizAttempt.finished_at,
            QuizAttempt.score,
            QuizAttempt.max_score,
        )
    )
    if user_ids is not None:
        query = query.where(QuizAttempt.user_id.in_(user_ids))
    found: dict[tuple[int, int], list[AttemptSummary]] = defaultdict(list)
    for row in db.session.execute(query):
        attempt_id, assignment_id, user_id, started, finished, score, max_score = row[:7]
        answered, last_answer, late_answers = row[7:]
        found[(assignment_id, user_id)].append(
            AttemptSummary(
                attempt_id=attempt_id,
                started_at=started,
                finished_at=finished,
                last_answer_at=last_answer,
                score=score,
                max_score=max_score,
                answered=answered,
                late=late_answers > 0,
            )
        )
    return found


def _outcome(assignment: Assignment, attempts: list[AttemptSummary], now: datetime) -> Outcome:
    return gradebook.outcome(
        attempts,
        scoring=assignment.scoring,
        due_at=assignment.due_at,
        accept_late=assignment.accept_late,
        now=now,
    )


def _students(school_class: SchoolClass) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ClassMembership, ClassMembership.student_id == User.id)
            .where(ClassMembership.class_id == school_class.id)
            .order_by(func.lower(User.display_name), User.id)
        )
    )


# --- students -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentView:
    """What a student sees of one assignment: their own outcome and what they can do."""

    assignment: Assignment
    outcome: Outcome
    attempts: list[AttemptSummary]
    can_start: bool
    reason: str  # why not, when `can_start` is False


def _availability(assignment: Assignment, outcome: Outcome, now: datetime) -> tuple[bool, str]:
    if outcome.open_attempt is not None:
        return True, ""
    if now < assignment.opens_at:
        return False, "This assignment is not open yet."
    if now > assignment.due_at and not assignment.accept_late:
        return False, "This assignment was due; it takes no more work."
    if assignment.attempts_allowed is not None and outcome.attempts >= assignment.attempts_allowed:
        return False, "You have used your attempt at this assignment."
    return True, ""


def student_view(student: User, class_id: int, assignment_id: int, *, now: datetime) -> StudentView:
    """A student's own view of an assignment (never anyone else's results).

    Raises:
        NotFound: Not an assignment of a class the student is in.
    """
    _, assignment = get_assignment(student, class_id, assignment_id)
    attempts = _summaries([assignment.id], [student.id]).get((assignment.id, student.id), [])
    outcome = _outcome(assignment, attempts, now)
    can_start, reason = _availability(assignment, outcome, now)
    attempts = sorted(attempts, key=lambda a: (a.started_at, a.attempt_id))
    return StudentView(assignment, outcome, attempts, can_start, reason)


def student_assignments(student: User, *, now: datetime, class_id: int | None = None):
    """Every assignment of the student's classes with their own outcome, by due date.

    Returns:
        A list of (school class, StudentView).
    """
    query = (
        select(Assignment, SchoolClass)
        .join(SchoolClass, SchoolClass.id == Assignment.class_id)
        .join(ClassMembership, ClassMembership.class_id == SchoolClass.id)
        .where(ClassMembership.student_id == student.id)
        .order_by(Assignment.due_at, Assignment.id)
    )
    if class_id is not None:
        query = query.where(SchoolClass.id == class_id)
    rows = list(db.session.execute(query))
    summaries = _summaries([a.id for a, _ in rows], [student.id])
    views = []
    for assignment, school_class in rows:
        attempts = summaries.get((assignment.id, student.id), [])
        outcome = _outcome(assignment, attempts, now)
        can_start, reason = _availability(assignment, outcome, now)
        views.append((school_class, StudentView(assignment, outcome, attempts, can_start, reason)))
    return views


def start(student: User, class_id: int, assignment_id: int, *, now: datetime) -> QuizAttempt:
    """Start (or resume) the student's attempt at an assignment.

    An attempt still open is resumed, never duplicated: a double click or a second tab
    gets the same attempt. The attempt number is unique per student and assignment in
    the database, so two racing starts make one attempt.

    Raises:
        NotFound: Not an assignment of a class the student is in.
        Forbidden: The class's teacher (teachers don't take their own assignments).
        AssignmentClosed: Not open yet, past due with late work refused, or the one
            attempt is used.
    """
    school_class, assignment = get_assignment(student, class_id, assignment_id)
    if school_class.teacher_id == student.id:
        raise Forbidden("This is your own class's assignment; students take it.")
    view = student_view(student, class_id, assignment_id, now=now)
    if view.outcome.open_attempt is not None:
        return db.session.get(QuizAttempt, view.outcome.open_attempt.attempt_id)
    if not view.can_start:
        raise AssignmentClosed(view.reason)
    number = view.outcome.attempts + 1
    try:
        return quiz_service.start_fixed_quiz(
            student,
            assignment.deck,
            assignment.question_ids,
            now=now,
            # Each student (and each attempt) gets an order of their own, reproducibly.
            seed=random.Random(f"{assignment.seed}:{student.id}:{number}").randrange(2**31),
            shuffle=assignment.shuffle,
            time_limit=assignment.time_limit_seconds,
            due_at=assignment.due_at,
            accept_late=assignment.accept_late,
            assignment_id=assignment.id,
            attempt_number=number,
        )
    except IntegrityError:
        # The same student's other request started this attempt first: resume it.
        db.session.rollback()
        attempt = db.session.scalar(
            select(QuizAttempt).where(
                QuizAttempt.assignment_id == assignment.id,
                QuizAttempt.user_id == student.id,
                QuizAttempt.attempt_number == number,
            )
        )
        if attempt is None:
            raise
        return attempt


# --- teachers: the gradebook ----------------------------------------------------------------


@dataclass(frozen=True)
class StudentRow:
    student: User
    outcome: Outcome


@dataclass(frozen=True)
class AssignmentReport:
    """The gradebook of one assignment.

    Attributes:
        school_class, assignment: What it is about.
        rows: Each student of the class with their outcome, by name.
        average: The class average of counted scores (percent), or None.
        distribution: (band, number of students) for the counted scores.
        questions: Per question, most missed first.
        facts: Per fact, most missed first: what to reteach.
    """

    school_class: SchoolClass
    assignment: Assignment
    rows: list[StudentRow]
    average: float | None
    distribution: list[tuple[str, int]]
    questions: list[ItemStat]
    facts: list[ItemStat]

    def count(self, status: gradebook.Status) -> int:
        return sum(1 for row in self.rows if row.outcome.status == status)


def _teacher_assignment(
    teacher: User, class_id: int, assignment_id: int
) -> tuple[SchoolClass, Assignment]:
    school_class = classroom_service.get_own_class(teacher, class_id)
    return get_assignment(teacher, school_class.id, assignment_id)


def _records(attempt_ids: list[int]) -> tuple[list[AnswerRecord], dict[int, str]]:
    """Answer records of these attempts, and each fact's value."""
    if not attempt_ids:
        return [], {}
    rows = db.session.execute(
        select(QuizQuestion, QuizResponse, Fact)
        .join(Fact, Fact.id == QuizQuestion.fact_id)
        .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
        .where(QuizQuestion.attempt_id.in_(attempt_ids))
        .order_by(QuizQuestion.attempt_id, QuizQuestion.position)
    )
    records, values = [], {}
    for question, response, fact in rows:
        values[fact.id] = fact.value
        records.append(
            AnswerRecord(
                question_id=question.question_id,
                fact_id=fact.id,
                prompt=question.payload.get("prompt", ""),
                expected=question.payload.get("answer", ""),
                fact_label=f"{fact.subject_name} — {fact.relation_label}",
                answered=response is not None,
                given=response.answer if response is not None else None,
                correct=bool(response is not None and response.correct),
            )
        )
    return records, values


def assignment_report(
    teacher: User, class_id: int, assignment_id: int, *, now: datetime
) -> AssignmentReport:
    """Scores, statuses and the question and fact analysis of one assignment.

    Raises:
        NotFound: Not an assignment of the teacher's own class.
    """
    school_class, assignment = _teacher_assignment(teacher, class_id, assignment_id)
    students = _students(school_class)
    summaries = _summaries([assignment.id], [s.id for s in students])
    rows = [
        StudentRow(s, _outcome(assignment, summaries.get((assignment.id, s.id), []), now))
        for s in students
    ]
    counted = [row.outcome.counted for row in rows if row.outcome.counted is not None]
    records, values = _records([a.attempt_id for a in counted])
    return AssignmentReport(
        school_class=school_class,
        assignment=assignment,
        rows=rows,
        average=gradebook.average(a.percent for a in counted),
        distribution=gradebook.distribution(a.percent for a in counted),
        questions=gradebook.question_stats(records),
        facts=gradebook.fact_stats(records, values),
    )


@dataclass(frozen=True)
class LiveColumn:
    """A finished live game of a class, as a gradebook column.

    Attributes:
        game_id: The game (its report is the host's).
        title: The game's title (its deck's).
        finished_at: When it ended.
        asked: How many questions it asked (a game ended early asked fewer).
        results: Result per user id of those who played logged in.
        average: The class average over the members who played, or None.
        played: How many of the class's members (those in the gradebook) played.
    """

    game_id: int
    title: str
    finished_at: datetime
    asked: int
    results: dict[int, LiveResult]
    average: float | None
    played: int

    def result(self, student_id: int) -> LiveResult:
        return self.results.get(student_id, ABSENT)


def _live_columns(school_class: SchoolClass, students: list[User]) -> list[LiveColumn]:
    """The class's finished live games, oldest first, with each member's result.

    Read from the games' players and answers, which no longer change once a game is
    finished. A game that asked no question (ended in the lobby) grades nothing and
    is left out. Ranks are among all the game's players, guests included.
    """
    games = list(
        db.session.execute(
            select(LiveGame.id, LiveGame.title, LiveGame.finished_at, func.count(LiveQuestion.id))
            .join(LiveQuestion, LiveQuestion.game_id == LiveGame.id)
            .where(
                LiveGame.class_id == school_class.id,
                LiveGame.state == GameState.FINISHED.value,
                LiveQuestion.asked_at.is_not(None),
            )
            .group_by(LiveGame.id, LiveGame.title, LiveGame.finished_at)
            .order_by(LiveGame.finished_at, LiveGame.id)
        )
    )
    if not games:
        return []
    credits = (
        select(LiveAnswer.player_id, func.sum(LiveAnswer.credit).label("credit"))
        .where(LiveAnswer.game_id.in_([g[0] for g in games]))
        .group_by(LiveAnswer.player_id)
        .subquery()
    )
    plays: dict[int, list[LivePlay]] = defaultdict(list)
    for game_id, *play in db.session.execute(
        select(
            LivePlayer.game_id,
            LivePlayer.id,
            LivePlayer.user_id,
            LivePlayer.nickname,
            LivePlayer.score,
            func.coalesce(credits.c.credit, 0.0),
            LivePlayer.removed,
        )
        .outerjoin(credits, credits.c.player_id == LivePlayer.id)
        .where(LivePlayer.game_id.in_([g[0] for g in games]))
    ):
        plays[game_id].append(LivePlay(*play))
    member_ids = [s.id for s in students]
    columns = []
    for game_id, title, finished_at, asked in games:
        results = gradebook.live_results(plays[game_id], asked)
        members = [results[i] for i in member_ids if i in results]
        columns.append(
            LiveColumn(
                game_id=game_id,
                title=title,
                finished_at=finished_at,
                asked=asked,
                results=results,
                average=gradebook.average(r.percent for r in members),
                played=len(members),
            )
        )
    return columns


@dataclass(frozen=True)
class ClassGradebook:
    """Every student against every assignment and finished live game of a class.

    Attributes:
        school_class: The class.
        assignments: By due date.
        rows: (student, outcomes in the order of `assignments`, their average).
        averages: The class average per assignment.
        done: How many students have a counted score, per assignment.
        live: The class's finished live games, oldest first (`LiveColumn.result`
            gives a student's cell). They are practice, not in the students' averages.
    """

    school_class: SchoolClass
    assignments: list[Assignment]
    rows: list[tuple[User, list[Outcome], float | None]]
    averages: list[float | None]
    done: list[int]
    live: list[LiveColumn] = field(default_factory=list)


def class_gradebook(teacher: User, class_id: int, *, now: datetime) -> ClassGradebook:
    """The class's gradebook (its teacher only).

    Raises:
        NotFound: Not the teacher's class.
    """
    school_class = classroom_service.get_own_class(teacher, class_id)
    assignments = class_assignments(teacher, class_id)
    students = _students(school_class)
    summaries = _summaries([a.id for a in assignments], [s.id for s in students])
    rows = []
    for student in students:
        outcomes = [_outcome(a, summaries.get((a.id, student.id), []), now) for a in assignments]
        rows.append((student, outcomes, gradebook.average(o.percent for o in outcomes)))
    columns = [[outcomes[i] for _, outcomes, _ in rows] for i in range(len(assignments))]
    return ClassGradebook(
        school_class,
        assignments,
        rows,
        averages=[gradebook.average(o.percent for o in column) for column in columns],
        done=[sum(1 for o in column if o.counted is not None) for column in columns],
        live=_live_columns(school_class, students),
    )


@dataclass(frozen=True)
class StudentHistory:
    """One student in a class: assignments (with the average) and live games."""

    school_class: SchoolClass
    student: User
    items: list[tuple[Assignment, Outcome]]
    average: float | None
    live: list[tuple[LiveColumn, LiveResult]] = field(default_factory=list)


def student_history(
    teacher: User, class_id: int, student_id: int, *, now: datetime
) -> StudentHistory:
    """One student's outcomes across the class's assignments (the teacher's view).

    Raises:
        NotFound: Not the teacher's class, or the student is not in it.
    """
    school_class = classroom_service.get_own_class(teacher, class_id)
    student = next((s for s in _students(school_class) if s.id == student_id), None)
    if student is None:
        raise NotFound("That student is not in this class.")
    assignments = class_assignments(teacher, class_id)
    summaries = _summaries([a.id for a in assignments], [student.id])
    items = [(a, _outcome(a, summaries.get((a.id, student.id), []), now)) for a in assignments]
    live = [(c, c.result(student.id)) for c in _live_columns(school_class, [student])]
    return StudentHistory(
        school_class, student, items, gradebook.average(o.percent for _, o in items), live
    )


# --- CSV --------------------------------------------------------------------------------------


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else ""


def live_label(column: LiveColumn) -> str:
    """A live game's column name: "Live: <title>, <date and time, UTC>"."""
    return f"Live: {column.title}, {column.finished_at:%Y-%m-%d %H:%M}"


def _live_cells(result: LiveResult) -> list[Any]:
    if not result.played:
        return ["absent", "", ""]
    rank = "removed" if result.rank is None else result.rank
    return [_percent(result.percent), result.points, rank]


def gradebook_csv(teacher: User, class_id: int, *, now: datetime) -> str:
    """One row per student, one column per assignment (the counted score in percent),
    then three per finished live game: percent ("absent" if the student didn't play),
    points and rank. The average is over the assignments."""
    book = class_gradebook(teacher, class_id, now=now)
    header = ["student", "student_id"]
    header += [f"{a.title} (due {a.due_at:%Y-%m-%d})" for a in book.assignments]
    for column in book.live:
        label = live_label(column)
        header += [label, f"{label} points", f"{label} rank"]
    header.append("average")
    rows = [header]
    for student, outcomes, avg in book.rows:
        rows.append(
            [
                student.display_name,
                student.id,
                *[_percent(o.percent) for o in outcomes],
                *[cell for c in book.live for cell in _live_cells(c.result(student.id))],
                _percent(avg),
            ]
        )
    rows.append(
        [
            "class average",
            "",
            *[_percent(a) for a in book.averages],
            *[cell for c in book.live for cell in (_percent(c.average), "", "")],
            "",
        ]
    )
    return _csv(rows)


ASSIGNMENT_CSV_COLUMNS = (
    "student",
    "student_id",
    "status",
    "score",
    "max_score",
    "percent",
    "time_seconds",
    "started_at",
    "submitted_at",
    "attempts",
)


def assignment_csv(teacher: User, class_id: int, assignment_id: int, *, now: datetime) -> str:
    """One row per student: status, score, time, and the points on each question
    (columns in the assignment's question order, whatever order each student saw)."""
    report = assignment_report(teacher, class_id, assignment_id, now=now)
    assignment = report.assignment
    counted_ids = [r.outcome.counted.attempt_id for r in report.rows if r.outcome.counted]
    points: dict[tuple[int, str], float] = {}
    prompts: dict[str, str] = {}
    if counted_ids:
        for attempt_id, question_id, payload, response_points in db.session.execute(
            select(
                QuizQuestion.attempt_id,
                QuizQuestion.question_id,
                QuizQuestion.payload,
                QuizResponse.points,
            )
            .outerjoin(QuizResponse, QuizResponse.attempt_question_id == QuizQuestion.id)
            .where(QuizQuestion.attempt_id.in_(counted_ids))
        ):
            prompts.setdefault(question_id, payload.get("prompt", ""))
            if response_points is not None:
                points[(attempt_id, question_id)] = response_points
    question_ids = list(assignment.question_ids)
    header = list(ASSIGNMENT_CSV_COLUMNS)
    header += [f"Q{i}: {prompts.get(qid, qid)}" for i, qid in enumerate(question_ids, start=1)]
    rows = [header]
    for row in report.rows:
        counted = row.outcome.counted
        duration = counted.duration if counted else None
        line = [
            row.student.display_name,
            row.student.id,
            row.outcome.status.value,
            f"{counted.score:g}" if counted else "",
            counted.max_score if counted else "",
            _percent(row.outcome.percent),
            round(duration.total_seconds()) if duration is not None else "",
            _iso(counted.started_at) if counted else "",
            _iso(counted.finished_at or counted.last_answer_at) if counted else "",
            row.outcome.attempts,
        ]
        for qid in question_ids:
            value = points.get((counted.attempt_id, qid)) if counted else None
            line.append("" if value is None else f"{value:g}")
        rows.append(line)
    return _csv(rows)
