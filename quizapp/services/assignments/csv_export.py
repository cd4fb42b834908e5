"""The gradebook and an assignment's report as CSV files (cells made spreadsheet-safe)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sqlalchemy import select

from quizapp.domain.gradebook import (
    LiveResult,
)
from quizapp.domain.spreadsheet import safe_cell
from quizapp.extensions import db
from quizapp.models import (
    QuizQuestion,
    QuizResponse,
    User,
)
from quizapp.services.assignments.gradebook import LiveColumn, assignment_report, class_gradebook


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
