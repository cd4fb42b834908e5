"""Estimate and order questions in self-study quizzes and assignments, through the
services: built from the deck's facts, taken, scored with partial credit, and carried
into the gradebook, its CSV files and the item analysis."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from quizapp.domain.quizzes import QuizOptions
from quizapp.extensions import db
from quizapp.models import Assignment, Question, QuizAttempt, QuizResponse
from quizapp.services import ServiceError
from quizapp.services import assignments as assignment_service
from quizapp.services import quizzes as quiz_service
from quizapp.services.assignments import AssignmentSpec
from tests.conftest import count_rows
from tests.factories import NOW, STARTUPS_DECK, half_answer, quiz_questions, right_answer

KINDS = ("estimate", "order")


def start(user, count=6, **options):
    return quiz_service.start_quiz(
        user, STARTUPS_DECK, QuizOptions(count=count, kinds=KINDS, **options), now=NOW, seed=5
    )


def send(user, attempt_id, response, *, request_id=None, at=NOW + timedelta(seconds=4)):
    shown = quiz_service.current_question(user, attempt_id, now=NOW)
    return quiz_service.answer(
        user,
        attempt_id,
        position=shown.position,
        question_id=shown.question_id,
        response=response,
        request_id=request_id or f"request-{attempt_id}-{shown.position}",
        now=at,
    )


def test_a_quiz_of_estimates_and_orders_is_built_from_the_decks_facts(builtin_decks, make_user):
    user = make_user()
    attempt = start(user, count=8)
    questions = quiz_questions(attempt.id)
    assert {q.kind for q in questions} == set(KINDS)
    for question in questions:
        payload = question.payload
        source = db.session.get(Question, question.question_id)
        assert source.kind == "typed" and source.fact_id == question.fact_id
        if question.kind == "estimate":
            assert source.payload["answer_kind"] in ("number", "money", "date")
        else:
            assert payload["choices"] != payload["correct"]  # not shown in the right order
    shown = quiz_service.current_question(user, attempt.id, now=NOW)
    assert shown.input in KINDS
    if shown.input == "estimate":
        assert shown.unit in ("year", "amount") and shown.unit_label


def test_estimates_and_orders_score_partial_credit(builtin_decks, make_user):
    user = make_user()
    attempt = start(user)
    expected = []
    for i, question in enumerate(quiz_questions(attempt.id)):
        payload = question.payload
        response = right_answer(payload) if i % 2 == 0 else half_answer(payload)
        feedback = send(user, attempt.id, response)
        assert feedback.kind == question.kind and not feedback.replayed
        if i % 2 == 0:
            assert feedback.correct and feedback.points == 1.0
        else:
            assert not feedback.correct and 0 < feedback.points < 1
        expected.append(feedback.points)
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.is_finished
    assert attempt.score == pytest.approx(round(sum(expected), 2))
    assert attempt.score != int(attempt.score)  # fractional
    result = quiz_service.result(user, attempt.id)
    for item in result.items:
        if item.kind == "order":
            assert " → " in item.given_text and " → " in item.expected
    # the learner's CSV of results holds the fractional points and the order as given
    rows = list(csv.DictReader(io.StringIO(quiz_service.export_csv(user))))
    assert sorted(float(r["points"]) for r in rows) == sorted(expected)
    assert any(r["kind"] == "order" and " → " in r["answer_given"] for r in rows)


def test_an_answer_is_stored_once_whatever_is_replayed(builtin_decks, make_user):
    user = make_user()
    attempt = start(user)
    payload = quiz_questions(attempt.id)[0].payload
    first = send(user, attempt.id, half_answer(payload), request_id="request-same-1")
    again = quiz_service.answer(
        user,
        attempt.id,
        position=1,
        question_id=first.question_id,
        response=right_answer(payload),
        request_id="request-same-2",
        now=NOW + timedelta(seconds=9),
    )
    assert again.replayed and again.points == first.points and again.given == first.given
    assert count_rows(QuizResponse) == 1


@pytest.mark.parametrize(
    ("kind", "response", "message"),
    [
        ("estimate", "NaN", "Type a"),
        ("estimate", "inf", "Type a"),
        ("estimate", "a lot", "Type a"),
        ("estimate", "9" * 60, "Type a"),
        ("estimate", "", "Type your guess"),
        ("estimate", ["1", "2"], "Type a"),
        ("order", ["0:1", "1:1", "2:2"], "same place"),
        ("order", ["0:1", "7:2", "2:3"], "places shown"),
        ("order", ["0:1"], "every item"),
        ("order", [], "every item"),
        ("order", "Baichuan", "places shown"),
    ],
)
def test_malformed_answers_are_refused_and_nothing_is_stored(
    builtin_decks, make_user, kind, response, message
):
    user = make_user()
    attempt = quiz_service.start_quiz(
        user, STARTUPS_DECK, QuizOptions(count=5, kinds=(kind,)), now=NOW, seed=5
    )
    before = (count_rows(QuizResponse), db.session.get(QuizAttempt, attempt.id).score)
    with pytest.raises(ServiceError, match=message):
        send(user, attempt.id, response)
    assert (count_rows(QuizResponse), db.session.get(QuizAttempt, attempt.id).score) == before


def test_a_topic_filter_keeps_orders_to_those_topics(builtin_decks, make_user):
    user = make_user()
    with pytest.raises(ServiceError, match="No questions match"):
        quiz_service.start_quiz(
            user,
            STARTUPS_DECK,
            QuizOptions(count=5, kinds=("order",), subjects=("moonshot", "baichuan")),
            now=NOW,
            seed=1,
        )


# --- assignments --------------------------------------------------------------------------------


@pytest.fixture
def assignment(builtin_decks, teacher, school_class):
    spec = AssignmentSpec(
        deck_key=STARTUPS_DECK,
        title="Numbers week",
        kinds=KINDS,
        count=6,
        opens_at=NOW - timedelta(hours=1),
        due_at=NOW + timedelta(days=7),
    )
    return assignment_service.create_assignment(teacher, school_class.id, spec, now=NOW, seed=3)


def take_assignment(student, school_class, assignment, answer_for):
    attempt = assignment_service.start(student, school_class.id, assignment.id, now=NOW)
    for question in quiz_questions(attempt.id):
        send(student, attempt.id, answer_for(question.payload))
    return db.session.get(QuizAttempt, attempt.id)


def test_an_assignment_keeps_the_questions_it_was_made_with(
    assignment, enrol, school_class, teacher
):
    built = db.session.get(Assignment, assignment.id).built_questions
    assert set(built) <= set(assignment.question_ids) and len(built) == 6
    # a deck edit after the assignment was made doesn't change what it asks
    for qid in assignment.question_ids:
        db.session.get(Question, qid).retired_at = NOW
    db.session.commit()
    ann, bob = enrol("Ann"), enrol("Bob")
    for student in (ann, bob):
        attempt = assignment_service.start(student, school_class.id, assignment.id, now=NOW)
        asked = {q.question_id: q.payload for q in quiz_questions(attempt.id)}
        assert set(asked) == set(assignment.question_ids)
        for qid, payload in asked.items():
            assert payload["prompt"] == built[qid]["prompt"]
            if payload["kind"] == "order":
                assert payload["correct"] == built[qid]["correct"]


def test_an_assignment_of_estimates_and_orders_is_graded_into_the_gradebook(
    assignment, enrol, school_class, teacher
):
    ann, bob = enrol("Ann"), enrol("Bob")
    enrol("Cy")  # who has not started
    full = take_assignment(ann, school_class, assignment, right_answer)
    half = take_assignment(bob, school_class, assignment, half_answer)
    assert full.score == 6.0
    assert 0 < half.score < 6 and half.score != int(half.score)
    book = assignment_service.class_gradebook(teacher, school_class.id, now=NOW)
    by_name = {student.display_name: (outcomes, avg) for student, outcomes, avg in book.rows}
    assert by_name["Ann"][1] == 100.0
    bob_percent = round(100 * half.score / 6, 1)
    assert by_name["Bob"][1] == pytest.approx(bob_percent, abs=0.05)
    assert by_name["Cy"][1] is None

    rows = list(
        csv.reader(io.StringIO(assignment_service.gradebook_csv(teacher, school_class.id, now=NOW)))
    )
    body = {row[0]: row[2:] for row in rows[1:]}
    assert float(body["Bob"][0]) == pytest.approx(bob_percent, abs=0.05)

    rows = list(
        csv.reader(
            io.StringIO(
                assignment_service.assignment_csv(teacher, school_class.id, assignment.id, now=NOW)
            )
        )
    )
    bob_row = next(row for row in rows if row[0] == "Bob")
    points = [float(cell) for cell in bob_row[10:]]
    assert len(points) == 6 and all(0 < p < 1 for p in points)
    assert float(bob_row[3]) == pytest.approx(half.score)

    report = assignment_service.item_analysis(teacher, school_class.id, assignment.id, now=NOW)
    items = {item.question.question_id: item for item in report.analysis.items}
    assert set(items) == set(assignment.question_ids)
    for qid, item in items.items():
        assert item.attempts == 2
        assert 0.5 < item.facility < 1  # Ann's 1 and Bob's part
        if assignment.built_questions[qid]["kind"] == "order":
            assert item.options == ()  # every answer places every item
            wrong = report.wrong[qid][0]
            assert " → " in wrong.given and wrong.student.display_name == "Bob"


@pytest.mark.parametrize(("kind", "half_done"), [("order", ["0:1"]), ("estimate", "19")])
def test_a_half_done_answer_sent_by_the_countdown_counts_as_wrong(
    builtin_decks, make_user, kind, half_done
):
    user = make_user()
    attempt = quiz_service.start_quiz(
        user, STARTUPS_DECK, QuizOptions(count=5, kinds=(kind,), time_limit=10), now=NOW, seed=5
    )
    payload = quiz_questions(attempt.id)[0].payload
    if kind == "estimate" and payload["unit"] != "year":
        half_done = "19 zillion 5"  # not a number either way
    feedback = send(user, attempt.id, half_done, at=NOW + timedelta(seconds=15))
    assert feedback.late and not feedback.correct and feedback.points == 0.0
    assert count_rows(QuizResponse) == 1
