"""Assignments through the service layer: assigning, taking, late work, attempts, the
gradebook's numbers on a known dataset, and the CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from quizapp.domain.gradebook import BEST, LAST, REFUSE_LATE, Status
from quizapp.extensions import db
from quizapp.models import Assignment, QuizAttempt, QuizQuestion, StudyItem
from quizapp.services import Forbidden, NotFound, ServiceError
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services import quizzes as quiz_service
from quizapp.services.assignments import AssignmentClosed, AssignmentSpec
from quizapp.services.quizzes import QuizClosed
from tests.conftest import count_rows

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPENS = NOW - timedelta(hours=1)
DUE = NOW + timedelta(days=7)
DECK = "chinese-ai-startups"


def spec(**changes) -> AssignmentSpec:
    values = {
        "deck_key": DECK,
        "title": "Week 1",
        "kinds": ("multiple_choice",),
        "count": 5,
        "opens_at": OPENS,
        "due_at": DUE,
    }
    values.update(changes)
    return AssignmentSpec(**values)


@pytest.fixture
def assign(builtin_decks, teacher, school_class):
    def make(**changes):
        return assignment_service.create_assignment(
            teacher, school_class.id, spec(**changes), now=NOW, seed=7
        )

    return make


def questions(attempt_id: int) -> list[QuizQuestion]:
    return list(
        db.session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.attempt_id == attempt_id)
            .order_by(QuizQuestion.position)
        )
    )


def right(payload):
    if payload["kind"] == "multiple_select":
        return list(payload["correct"])
    return payload["correct"][0] if payload["choices"] else payload["accepted"][0]


def wrong(payload):
    # The same wrong option for everyone, whatever order their options came in.
    return sorted(c for c in payload["choices"] if c not in payload["correct"])[0]


def take(student, attempt, *, miss=(), start=NOW, step=timedelta(seconds=10), stop=None):
    """Answer in order; questions whose id is in `miss` get the (same) wrong answer."""
    now = start
    for index, question in enumerate(questions(attempt.id)):
        if stop is not None and index >= stop:
            break
        quiz_service.current_question(student, attempt.id, now=now)
        now += step
        payload = question.payload
        quiz_service.answer(
            student,
            attempt.id,
            position=question.position,
            question_id=question.question_id,
            response=wrong(payload) if question.question_id in miss else right(payload),
            request_id=f"request-a{attempt.id}q{question.position}",
            now=now,
        )
    return now


# --- assigning -------------------------------------------------------------------------------


def test_assignment_fixes_its_question_set(assign):
    assignment = assign(count=6)
    assert assignment.title == "Week 1"
    assert len(assignment.question_ids) == len(set(assignment.question_ids)) == 6
    assert assignment.kinds == ["multiple_choice"]
    assert assignment.scoring == BEST and assignment.accept_late


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_at": OPENS}, "The due date must be after the opening date."),
        ({"due_at": OPENS - timedelta(days=1)}, "The due date must be after the opening date."),
        (
            {"opens_at": NOW - timedelta(days=9), "due_at": NOW - timedelta(days=1)},
            "already passed",
        ),
        ({"count": 3}, "between 5 and 50"),
        ({"count": 500}, "between 5 and 50"),
        ({"time_limit": 2}, "time limit"),
        ({"kinds": ("essay",)}, "Unknown question kind"),
        ({"subjects": ("nobody",)}, "no topic nobody"),
        ({"attempts_allowed": 3}, "one attempt or unlimited"),
        ({"scoring": "median"}, "best or the last"),
        ({"late_policy": "maybe"}, "marked late or refused"),
        ({"title": "x" * 201}, "at most 200"),
    ],
)
def test_bad_assignments_are_refused(assign, changes, message):
    with pytest.raises(ServiceError, match=message):
        assign(**changes)
    assert count_rows(Assignment) == 0


def test_unknown_deck_is_not_found(assign):
    with pytest.raises(NotFound):
        assign(deck_key="no-such-deck")
    assert count_rows(Assignment) == 0


def test_only_the_class_teacher_assigns(builtin_decks, make_user, school_class, enrol):
    for user in (make_user(role="teacher"), enrol()):
        with pytest.raises(NotFound):
            assignment_service.create_assignment(user, school_class.id, spec(), now=NOW)
    assert count_rows(Assignment) == 0


# --- taking --------------------------------------------------------------------------------------


def test_every_student_gets_the_same_questions_in_their_own_order(assign, enrol):
    assignment = assign(count=10)
    orders = []
    for _ in range(3):
        attempt = assignment_service.start(
            enrol(), assignment.school_class.id, assignment.id, now=NOW
        )
        assert attempt.assignment_id == assignment.id and attempt.attempt_number == 1
        assert attempt.due_at == DUE and attempt.accept_late
        orders.append([q.question_id for q in questions(attempt.id)])
    assert all(sorted(order) == sorted(assignment.question_ids) for order in orders)
    assert len({tuple(order) for order in orders}) > 1


def test_time_limit_carries_to_each_attempt(assign, enrol):
    assignment = assign(time_limit=30)
    attempt = assignment_service.start(enrol(), assignment.class_id, assignment.id, now=NOW)
    assert attempt.time_limit_seconds == 30


def test_without_shuffle_everyone_gets_the_assignment_order(assign, enrol):
    assignment = assign(shuffle=False)
    for _ in range(2):
        attempt = assignment_service.start(enrol(), assignment.class_id, assignment.id, now=NOW)
        assert [q.question_id for q in questions(attempt.id)] == assignment.question_ids


def test_starting_again_resumes_the_open_attempt(assign, enrol):
    assignment, student = assign(), enrol()
    first = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    take(student, first, stop=2)
    again = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    assert again.id == first.id
    assert count_rows(QuizAttempt) == 1


def test_one_attempt_means_one(assign, enrol):
    assignment, student = assign(attempts_allowed=1), enrol()
    attempt = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    take(student, attempt)
    with pytest.raises(AssignmentClosed, match="used your attempt"):
        assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    assert count_rows(QuizAttempt) == 1


@pytest.mark.parametrize(("scoring", "counted_percent"), [(BEST, 100.0), (LAST, 60.0)])
def test_unlimited_attempts_best_or_last_counts(assign, enrol, scoring, counted_percent):
    assignment, student = assign(attempts_allowed=None, scoring=scoring), enrol()
    first = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    take(student, first)
    second = assignment_service.start(
        student, assignment.class_id, assignment.id, now=NOW + timedelta(hours=1)
    )
    assert second.id != first.id and second.attempt_number == 2
    take(student, second, miss=assignment.question_ids[:2], start=NOW + timedelta(hours=1))
    view = assignment_service.student_view(
        student, assignment.class_id, assignment.id, now=NOW + timedelta(hours=2)
    )
    assert view.outcome.attempts == 2
    assert view.outcome.percent == counted_percent
    assert view.can_start  # unlimited


def test_not_open_yet(assign, enrol):
    assignment = assign(opens_at=NOW + timedelta(days=1))
    with pytest.raises(AssignmentClosed, match="not open yet"):
        assignment_service.start(enrol(), assignment.class_id, assignment.id, now=NOW)
    assert count_rows(QuizAttempt) == 0


def test_late_work_is_marked_late(assign, enrol):
    assignment, student = assign(), enrol()
    after_due = DUE + timedelta(hours=2)
    attempt = assignment_service.start(student, assignment.class_id, assignment.id, now=after_due)
    take(student, attempt, start=after_due)
    view = assignment_service.student_view(
        student, assignment.class_id, assignment.id, now=after_due + timedelta(hours=1)
    )
    assert view.outcome.status == Status.LATE and view.outcome.percent == 100.0


def test_on_time_work_is_submitted(assign, enrol):
    assignment, student = assign(), enrol()
    attempt = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    take(student, attempt)
    view = assignment_service.student_view(
        student, assignment.class_id, assignment.id, now=DUE + timedelta(days=1)
    )
    assert view.outcome.status == Status.SUBMITTED


def test_refused_late_work(assign, enrol):
    assignment = assign(late_policy=REFUSE_LATE)
    late_student, slow_student = enrol(), enrol()
    after_due = DUE + timedelta(minutes=1)
    with pytest.raises(AssignmentClosed, match="was due"):
        assignment_service.start(late_student, assignment.class_id, assignment.id, now=after_due)
    # Started in time, two answers in time, the third after the due date: refused.
    attempt = assignment_service.start(slow_student, assignment.class_id, assignment.id, now=NOW)
    assert not attempt.accept_late
    take(slow_student, attempt, stop=2)
    third = questions(attempt.id)[2]
    with pytest.raises(QuizClosed):
        quiz_service.answer(
            slow_student,
            attempt.id,
            position=3,
            question_id=third.question_id,
            response=right(third.payload),
            request_id="late-one",
            now=after_due,
        )
    view = assignment_service.student_view(
        slow_student, assignment.class_id, assignment.id, now=after_due
    )
    assert view.outcome.status == Status.SUBMITTED and view.outcome.percent == 40.0
    assert not view.can_start


def test_wrong_answers_feed_the_study_queue(assign, enrol):
    assignment, student = assign(), enrol()
    attempt = assignment_service.start(student, assignment.class_id, assignment.id, now=NOW)
    missed = assignment.question_ids[0]
    take(student, attempt, miss={missed})
    fact_id = next(q.fact_id for q in questions(attempt.id) if q.question_id == missed)
    item = db.session.scalar(
        select(StudyItem).where(StudyItem.user_id == student.id, StudyItem.fact_id == fact_id)
    )
    assert item is not None and item.due <= NOW + timedelta(minutes=5)


def test_outsiders_cannot_see_or_start(assign, make_user, teacher, school_class):
    assignment = assign()
    outsider, other_teacher = make_user(), make_user(role="teacher")
    for user in (outsider, other_teacher):
        with pytest.raises(NotFound):
            assignment_service.start(user, school_class.id, assignment.id, now=NOW)
        with pytest.raises(NotFound):
            assignment_service.student_view(user, school_class.id, assignment.id, now=NOW)
        with pytest.raises(NotFound):
            assignment_service.assignment_report(user, school_class.id, assignment.id, now=NOW)
    with pytest.raises(Forbidden):
        assignment_service.start(teacher, school_class.id, assignment.id, now=NOW)
    assert count_rows(QuizAttempt) == 0


def test_an_assignment_is_reached_only_through_its_own_class(assign, teacher, enrol):
    assignment = assign()
    student = enrol()
    other = classroom_service.create_class(teacher, "Other class")
    classroom_service.join_class(student, other.join_code)
    with pytest.raises(NotFound):
        assignment_service.start(student, other.id, assignment.id, now=NOW)
    with pytest.raises(NotFound):
        assignment_service.assignment_report(teacher, other.id, assignment.id, now=NOW)


def test_a_student_of_the_class_cannot_read_the_gradebook(assign, enrol, school_class):
    assignment, student = assign(), enrol()
    for call in (
        lambda: assignment_service.assignment_report(
            student, school_class.id, assignment.id, now=NOW
        ),
        lambda: assignment_service.class_gradebook(student, school_class.id, now=NOW),
        lambda: assignment_service.gradebook_csv(student, school_class.id, now=NOW),
        lambda: assignment_service.assignment_csv(student, school_class.id, assignment.id, now=NOW),
        lambda: assignment_service.student_history(student, school_class.id, student.id, now=NOW),
    ):
        with pytest.raises(NotFound):
            call()


# --- the gradebook on a known dataset ----------------------------------------------------------


@pytest.fixture
def dataset(assign, enrol, teacher, school_class):
    """Four students, five multiple-choice questions.

    Ada: all right (100). Ben: misses `target` (80). Cy: misses `target` and `other`
    (60), submitting after the due date. Di: never starts.
    """
    assignment = assign(shuffle=False)
    target, other = assignment.question_ids[2], assignment.question_ids[4]
    ada, ben, cy, di = (enrol(name) for name in ("Ada", "Ben", "Cy", "Di"))
    for student, miss, start in (
        (ada, set(), NOW),
        (ben, {target}, NOW + timedelta(minutes=3)),
        (cy, {target, other}, DUE + timedelta(hours=1)),
    ):
        attempt = assignment_service.start(student, school_class.id, assignment.id, now=start)
        take(student, attempt, miss=miss, start=start)
    return {
        "assignment": assignment,
        "target": target,
        "other": other,
        "students": {"Ada": ada, "Ben": ben, "Cy": cy, "Di": di},
        "now": DUE + timedelta(days=1),
    }


def test_report_numbers(dataset, teacher, school_class):
    assignment = dataset["assignment"]
    report = assignment_service.assignment_report(
        teacher, school_class.id, assignment.id, now=dataset["now"]
    )
    rows = {row.student.display_name: row.outcome for row in report.rows}
    assert list(rows) == ["Ada", "Ben", "Cy", "Di"]
    assert [rows[n].percent for n in rows] == [100.0, 80.0, 60.0, None]
    assert [rows[n].status for n in rows] == [
        Status.SUBMITTED,
        Status.SUBMITTED,
        Status.LATE,
        Status.NOT_STARTED,
    ]
    assert rows["Ada"].counted.duration == timedelta(seconds=50)
    assert report.average == 80.0
    bands = dict(report.distribution)
    assert (bands["60–69"], bands["80–89"], bands["90–100"]) == (1, 1, 1)
    assert sum(bands.values()) == 3

    top = report.questions[0]
    assert top.key == dataset["target"]
    assert (top.asked, top.right, top.percent) == (3, 1, 33.3)
    target_payload = next(
        q.payload
        for q in db.session.scalars(select(QuizQuestion))
        if q.question_id == dataset["target"]
    )
    assert top.top_wrong == wrong(target_payload) and top.top_wrong_count == 2
    assert report.questions[1].key == dataset["other"] and report.questions[1].percent == 66.7
    assert all(q.percent == 100.0 for q in report.questions[2:])
    # Each question is about a different fact: the fact list has the same order.
    assert report.facts[0].percent == 33.3
    assert report.facts[0].top_wrong == top.top_wrong
    assert report.facts[0].label.count(" — ") == 1


def test_report_keeps_to_the_roster(dataset, teacher, school_class):
    ben = dataset["students"]["Ben"]
    classroom_service.remove_student(teacher, school_class.id, ben.id)
    report = assignment_service.assignment_report(
        teacher, school_class.id, dataset["assignment"].id, now=dataset["now"]
    )
    assert [r.student.display_name for r in report.rows] == ["Ada", "Cy", "Di"]
    assert report.average == 80.0  # (100 + 60) / 2


def test_class_gradebook_and_student_history(dataset, assign, teacher, school_class):
    second = assign(title="Week 2", due_at=DUE + timedelta(days=7))
    book = assignment_service.class_gradebook(teacher, school_class.id, now=dataset["now"])
    assert [a.title for a in book.assignments] == ["Week 1", "Week 2"]
    assert book.averages == [80.0, None]
    assert book.done == [3, 0]
    by_name = {student.display_name: (outcomes, avg) for student, outcomes, avg in book.rows}
    assert by_name["Ben"][1] == 80.0 and by_name["Di"][1] is None
    assert by_name["Cy"][0][1].status == Status.NOT_STARTED

    cy = dataset["students"]["Cy"]
    history = assignment_service.student_history(
        teacher, school_class.id, cy.id, now=dataset["now"]
    )
    assert [(a.id, o.status) for a, o in history.items] == [
        (dataset["assignment"].id, Status.LATE),
        (second.id, Status.NOT_STARTED),
    ]
    assert history.average == 60.0


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_csv(dataset, assign, teacher, school_class):
    assign(title="=Week 2", due_at=DUE + timedelta(days=7))
    rows = read_csv(assignment_service.gradebook_csv(teacher, school_class.id, now=dataset["now"]))
    assert rows[0] == [
        "student",
        "student_id",
        f"Week 1 (due {DUE:%Y-%m-%d})",
        f"'=Week 2 (due {DUE + timedelta(days=7):%Y-%m-%d})",  # no formula in a spreadsheet
        "average",
    ]
    body = {row[0]: row[2:] for row in rows[1:]}
    assert body["Ada"] == ["100.0", "", "100.0"]
    assert body["Cy"] == ["60.0", "", "60.0"]
    assert body["Di"] == ["", "", ""]
    assert body["class average"] == ["80.0", "", ""]
    assert len(rows) == 1 + 4 + 1


def test_assignment_csv(dataset, teacher, school_class):
    assignment = dataset["assignment"]
    rows = read_csv(
        assignment_service.assignment_csv(
            teacher, school_class.id, assignment.id, now=dataset["now"]
        )
    )
    header = rows[0]
    assert header[:10] == list(assignment_service.ASSIGNMENT_CSV_COLUMNS)
    assert len(header) == 10 + 5 and header[10].startswith("Q1: ")
    body = {row[0]: row for row in rows[1:]}
    assert body["Ada"][2:7] == ["submitted", "5", "5", "100.0", "50"]
    assert body["Cy"][2] == "late"
    target_column = 10 + assignment.question_ids.index(dataset["target"])
    assert [body[n][target_column] for n in ("Ada", "Ben", "Cy", "Di")] == ["1", "0", "0", ""]
    assert body["Di"][2:4] == ["not started", ""]


def test_delete_keeps_the_students_attempts(dataset, teacher, school_class):
    attempts = count_rows(QuizAttempt)
    assignment_service.delete_assignment(teacher, school_class.id, dataset["assignment"].id)
    assert count_rows(Assignment) == 0
    assert count_rows(QuizAttempt) == attempts
    assert all(a.assignment_id is None for a in QuizAttempt.query.all())
