"""The item analysis page of an assignment, and a teacher accepting a student's answer:
the score and the gradebook follow, the change is logged, twice is once, and only the
class's teacher may."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AnswerOverride, QuizAttempt, QuizQuestion, QuizResponse
from quizapp.services import NotFound
from quizapp.services import assignments as assignment_service
from quizapp.services.assignments import AssignmentSpec
from tests.conftest import count_rows
from tests.factories import NOW, STARTUPS_DECK, take

# The third question has a "bad key": the strong students (right on the rest) miss it.
STRONG = ["right", "right", "wrong", "right", "right", "right"]
WEAK = ["wrong", "wrong", "right", "wrong", "right", "wrong"]


@pytest.fixture
def assignment(builtin_decks, teacher, school_class):
    return assignment_service.create_assignment(
        teacher,
        school_class.id,
        AssignmentSpec(
            deck_key=STARTUPS_DECK,
            title="Week 1",
            kinds=("multiple_choice",),
            count=6,
            opens_at=NOW - timedelta(hours=1),
            due_at=NOW + timedelta(days=7),
            shuffle=False,
        ),
        now=NOW,
    )


@pytest.fixture
def class_took_it(assignment, school_class, enrol):
    """Six students: three strong, three weak, each with one counted attempt."""
    students = []
    for i, answers in enumerate([STRONG] * 3 + [WEAK] * 3):
        student = enrol(name=f"Student {i + 1}")
        attempt = assignment_service.start(student, school_class.id, assignment.id, now=NOW)
        take(student, attempt.id, answers, start=NOW)
        students.append(student)
    return students


def url(school_class, assignment, tail="items") -> str:
    return f"/classes/{school_class.id}/assignments/{assignment.id}/{tail}"


def a_wrong_response(student) -> QuizResponse:
    return db.session.scalars(
        select(QuizResponse)
        .join(QuizQuestion, QuizQuestion.id == QuizResponse.attempt_question_id)
        .join(QuizAttempt, QuizAttempt.id == QuizQuestion.attempt_id)
        .where(QuizAttempt.user_id == student.id, QuizResponse.correct.is_(False))
        .order_by(QuizQuestion.position)
    ).first()


def test_analysis_flags_the_question_strong_students_miss(
    class_took_it, teacher, school_class, assignment
):
    report = assignment_service.item_analysis(teacher, school_class.id, assignment.id, now=NOW)
    result = report.analysis
    assert (result.attempts, result.group_size) == (6, 2)
    third = assignment.question_ids[2]
    assert [item.question.question_id for item in result.flagged] == [third]
    flagged = result.flagged[0]
    assert (flagged.facility, flagged.strong_facility, flagged.weak_facility) == (0.5, 0, 1)
    assert [item.facility for item in result.items] == [0.5, 0.5, 0.5, 0.5, 1.0, 0.5]
    # The top third chose wrong options (each attempt shuffles them), the bottom third none.
    wrong = [o for o in flagged.options if not o.correct]
    assert (sum(o.strong for o in wrong), sum(o.weak for o in wrong)) == (2, 0)
    assert any(o.lures_strong for o in wrong)
    assert len(report.wrong[third]) == 3


def test_page_shows_flags_and_links_each_question_to_its_fact(
    class_took_it, teacher, school_class, assignment, as_user
):
    client = as_user(teacher)
    report_page = client.get(url(school_class, assignment, "")[:-1]).get_data(as_text=True)
    assert url(school_class, assignment) in report_page  # the report links to the analysis
    # ... and from each question with wrong answers to where they can be accepted.
    third = assignment.question_ids[2]
    assert f'{url(school_class, assignment)}#q-{third}">Review or accept answers' in report_page
    response = client.get(url(school_class, assignment))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    third = assignment.question_ids[2]
    assert f'<tr id="q-{third}" class="flagged">' in page
    assert page.count('class="flagged"') == 1
    assert "Strong students missed it more than weak ones" in page
    # Not the teacher's own deck: the link is to the fact's page, not the editor.
    assert re.search(rf'href="/decks/{STARTUPS_DECK}/facts/[a-z0-9-]+">The fact<', page)
    assert "Accept as right" in page


def test_few_attempts_show_facilities_only(assignment, school_class, enrol, teacher, as_user):
    student = enrol(name="Only one")
    attempt = assignment_service.start(student, school_class.id, assignment.id, now=NOW)
    take(student, attempt.id, STRONG, start=NOW)
    page = as_user(teacher).get(url(school_class, assignment)).get_data(as_text=True)
    assert 'id="too-few"' in page and 'class="flagged"' not in page


def test_accepting_an_answer_updates_score_and_gradebook_once(
    class_took_it, teacher, school_class, assignment, as_user
):
    student = class_took_it[3]
    response = a_wrong_response(student)
    before = assignment_service.assignment_report(teacher, school_class.id, assignment.id, now=NOW)
    row = next(r for r in before.rows if r.student.id == student.id)
    assert row.outcome.counted.score == 2
    client = as_user(teacher)
    accept = url(school_class, assignment, f"answers/{response.id}/accept")
    answer = client.post(accept)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/items")
    db.session.expire_all()
    after = assignment_service.assignment_report(teacher, school_class.id, assignment.id, now=NOW)
    row = next(r for r in after.rows if r.student.id == student.id)
    assert row.outcome.counted.score == 3
    assert after.average == pytest.approx(before.average + 100 / 6 / 6, abs=0.1)  # rounded
    book = assignment_service.class_gradebook(teacher, school_class.id, now=NOW)
    cell = next(outcomes for user, outcomes, _ in book.rows if user.id == student.id)[0]
    assert cell.counted.score == 3
    stored = db.session.get(QuizResponse, response.id)
    assert (stored.correct, stored.points) == (True, 1.0)
    (override,) = db.session.scalars(select(AnswerOverride)).all()
    assert (override.response_id, override.teacher_id) == (response.id, teacher.id)
    assert (override.previous_correct, override.previous_points) == (False, 0.0)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "their score is now 3" in page
    # Again: nothing changes, and the page says so.
    again = client.post(accept, follow_redirects=True)
    assert "already counted as right" in again.get_data(as_text=True)
    assert count_rows(AnswerOverride) == 1
    db.session.expire_all()
    assert db.session.get(QuizAttempt, stored.attempt_question.attempt_id).score == 3


def test_only_the_class_teacher_may_accept(
    class_took_it, teacher, school_class, assignment, as_user, make_user
):
    response = a_wrong_response(class_took_it[3])
    accept = url(school_class, assignment, f"answers/{response.id}/accept")
    other_teacher = make_user(role="teacher", name="Mr Other")
    for user in (class_took_it[3], class_took_it[0], other_teacher):
        assert as_user(user).post(accept).status_code == 404
        assert as_user(user).get(url(school_class, assignment)).status_code == 404
    assert count_rows(AnswerOverride) == 0
    db.session.expire_all()
    assert db.session.get(QuizResponse, response.id).correct is False


@pytest.mark.parametrize("response_id", ["999999", "0", "-1", "abc", "99999999999999999999"])
def test_unknown_responses_are_not_found(
    class_took_it, teacher, school_class, assignment, as_user, response_id
):
    status = as_user(teacher).post(url(school_class, assignment, f"answers/{response_id}/accept"))
    assert status.status_code == 404
    assert count_rows(AnswerOverride) == 0


def test_a_response_of_another_assignment_is_not_found(
    class_took_it, teacher, school_class, assignment
):
    other = assignment_service.create_assignment(
        teacher,
        school_class.id,
        AssignmentSpec(
            deck_key=STARTUPS_DECK,
            title="Week 2",
            kinds=("multiple_choice",),
            count=5,
            opens_at=NOW - timedelta(hours=1),
            due_at=NOW + timedelta(days=7),
        ),
        now=NOW,
    )
    response = a_wrong_response(class_took_it[3])
    with pytest.raises(NotFound):
        assignment_service.accept_answer(teacher, school_class.id, other.id, response.id, now=NOW)
    assert count_rows(AnswerOverride) == 0


def test_no_attempts_yet(assignment, school_class, teacher, as_user):
    page = as_user(teacher).get(url(school_class, assignment))
    assert page.status_code == 200
    assert "Nothing to analyse yet" in page.get_data(as_text=True)
