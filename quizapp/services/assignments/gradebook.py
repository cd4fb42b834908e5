"""The teacher's gradebook: one assignment's report (per student, per question), the
class gradebook with a column per finished live game, and one student's history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from quizapp.domain import gradebook
from quizapp.domain.gradebook import (
    ABSENT,
    AnswerRecord,
    ItemStat,
    LivePlay,
    LiveResult,
    Outcome,
)
from quizapp.extensions import db
from quizapp.models import (
    Assignment,
    Fact,
    GameState,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    LiveQuestion,
    QuizQuestion,
    QuizResponse,
    SchoolClass,
    User,
)
from quizapp.services import NotFound
from quizapp.services import classroom as classroom_service
from quizapp.services.assignments.reading import (
    _outcome,
    _outcome_rule,
    _students,
    _summaries,
    class_assignments,
    get_assignment,
)


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
                kind=question.kind,
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


def _live_columns(
    school_class: SchoolClass, students: list[User], now: datetime
) -> list[LiveColumn]:
    """The class's finished live games, oldest first, with each member's result.

    Read from the games' players and answers, which no longer change once a game is
    finished. A game that asked no question (ended in the lobby) grades nothing and
    is left out. Ranks are among all the game's players, guests included. A homework
    game counts as finished once its deadline has passed (it takes no answer after).
    """
    ended = func.coalesce(LiveGame.finished_at, LiveGame.closes_at)
    games = list(
        db.session.execute(
            select(LiveGame.id, LiveGame.title, ended, func.count(LiveQuestion.id))
            .join(LiveQuestion, LiveQuestion.game_id == LiveGame.id)
            .where(
                LiveGame.class_id == school_class.id,
                or_(LiveGame.state == GameState.FINISHED.value, LiveGame.closes_at <= now),
                LiveQuestion.asked_at.is_not(None),
            )
            .group_by(LiveGame.id, LiveGame.title, ended)
            .order_by(ended, LiveGame.id)
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
    rules = [(a.id, _outcome_rule(a, now)) for a in assignments]
    for student in students:
        outcomes = [rule(summaries.get((a_id, student.id), ())) for a_id, rule in rules]
        rows.append((student, outcomes, gradebook.average(o.percent for o in outcomes)))
    columns = [[outcomes[i] for _, outcomes, _ in rows] for i in range(len(assignments))]
    return ClassGradebook(
        school_class,
        assignments,
        rows,
        averages=[gradebook.average(o.percent for o in column) for column in columns],
        done=[sum(1 for o in column if o.counted is not None) for column in columns],
        live=_live_columns(school_class, students, now),
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
    live = [(c, c.result(student.id)) for c in _live_columns(school_class, [student], now)]
    return StudentHistory(
        school_class, student, items, gradebook.average(o.percent for _, o in items), live
    )
