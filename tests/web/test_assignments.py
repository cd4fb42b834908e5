"""Assignment pages: the form, taking an assignment through the quiz screens, the
gradebook pages, chart and CSV, and who may open which."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Assignment, QuizAttempt, QuizQuestion, utcnow
from quizapp.services import assignments as assignment_service
from quizapp.services import classroom as classroom_service
from quizapp.services.assignments import AssignmentSpec
from tests.conftest import count_rows

DECK = "chinese-ai-startups"


@pytest.fixture
def as_user(app, login):
    def make(user):
        client = app.test_client()
        login(client, user)
        client.get("/")  # shows (and so clears) the "Logged in" flash
        return client

    return make


@pytest.fixture
def assignment(builtin_decks, teacher, school_class):
    now = utcnow()
    return assignment_service.create_assignment(
        teacher,
        school_class.id,
        AssignmentSpec(
            deck_key=DECK,
            title="Week 1",
            kinds=("multiple_choice",),
            count=5,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=7),
            shuffle=False,
        ),
        now=now,
    )


def text(response) -> str:
    return response.get_data(as_text=True)


def without_csrf(response) -> str:
    """The page minus its CSRF tokens, which carry a timestamp and so differ each second."""
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", text(response))


def form_data(**changes) -> dict:
    now = utcnow()
    data = {
        "deck": DECK,
        "title": "Founders",
        "kinds": ["multiple_choice", "true_false"],
        "count": "6",
        "time_limit": "",
        "opens_at": f"{now:%Y-%m-%dT%H:%M}",
        "due_at": f"{now + timedelta(days=3):%Y-%m-%dT%H:%M}",
        "attempts": "1",
        "scoring": "best",
        "late_policy": "mark",
        "shuffle": "y",
    }
    data.update(changes)
    return data


def test_assign_in_two_steps(builtin_decks, teacher, school_class, as_user):
    client = as_user(teacher)
    base = f"/classes/{school_class.id}/assignments/new"
    chooser = client.get(base)
    assert chooser.status_code == 200 and DECK in text(chooser)
    page = client.get(f"{base}?deck={DECK}")
    assert page.status_code == 200
    assert 'name="opens_at"' in text(page) and 'type="datetime-local"' in text(page)
    response = client.post(base, data=form_data())
    assert response.status_code == 303, text(response)[:2000]
    assignment = Assignment.query.one()
    assert assignment.title == "Founders" and assignment.question_count == 6
    assert assignment.attempts_allowed == 1 and assignment.shuffle
    assert set(assignment.kinds) == {"multiple_choice", "true_false"}
    assert response.headers["Location"].endswith(f"/assignments/{assignment.id}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"due_at": "2020-01-01T10:00", "opens_at": "2020-01-02T10:00"},
            "The due date must be after the opening date.",
        ),
        (
            {"opens_at": "2020-01-01T10:00", "due_at": "2020-01-02T10:00"},
            "The due date has already passed",
        ),
        ({"due_at": "next week"}, "Not a valid datetime value"),
        ({"due_at": ""}, "Give the due date and time."),
        ({"count": "2"}, "Between 5 and 50 questions."),
        ({"count": "-5"}, "Between 5 and 50 questions."),
        ({"count": "many"}, "Give a number of questions."),
        ({"time_limit": "1"}, "Between 5 and 600 seconds"),
        ({"kinds": ["essay"]}, "is not a valid choice"),
        ({"subjects": ["nobody"]}, "is not a valid choice"),
        ({"attempts": "7"}, "Not a valid choice"),
    ],
)
def test_bad_form_input_gets_a_clear_message(
    builtin_decks, teacher, school_class, as_user, changes, message
):
    response = as_user(teacher).post(
        f"/classes/{school_class.id}/assignments/new", data=form_data(**changes)
    )
    assert response.status_code == 400
    errors = re.findall(r'class="error"[^>]*>([^<]*)<', text(response))
    assert any(message in e for e in errors), errors
    assert count_rows(Assignment) == 0


def test_unknown_deck_is_404(builtin_decks, teacher, school_class, as_user):
    client = as_user(teacher)
    assert client.get(f"/classes/{school_class.id}/assignments/new?deck=nope").status_code == 404
    response = client.post(
        f"/classes/{school_class.id}/assignments/new", data=form_data(deck="nope")
    )
    assert response.status_code == 404
    assert count_rows(Assignment) == 0


def test_other_teachers_and_students_cannot_assign(
    builtin_decks, make_user, enrol, school_class, as_user
):
    for user in (make_user(role="teacher"), enrol()):
        client = as_user(user)
        path = f"/classes/{school_class.id}/assignments/new"
        assert client.get(path).status_code == 404
        assert client.post(path, data=form_data()).status_code == 404
    assert count_rows(Assignment) == 0


def answer_all(client, attempt_id, *, miss=()):
    """Answer every question through the quiz screens, wrongly for ids in `miss`."""
    for question in db.session.scalars(
        select(QuizQuestion)
        .where(QuizQuestion.attempt_id == attempt_id)
        .order_by(QuizQuestion.position)
    ):
        payload = question.payload
        if question.question_id in miss:
            response = sorted(c for c in payload["choices"] if c not in payload["correct"])[0]
        else:
            response = payload["correct"][0]
        page = client.get(f"/quiz/{attempt_id}")
        assert page.status_code == 200
        reply = client.post(
            f"/quiz/{attempt_id}/answer",
            data={
                "position": question.position,
                "question_id": question.question_id,
                "request_id": f"request-req{question.id}",
                "answer": response,
            },
        )
        assert reply.status_code in (302, 303), text(reply)[:1000]


def test_student_takes_the_assignment_through_the_quiz_screens(assignment, enrol, teacher, as_user):
    student = enrol("Sam")
    client = as_user(student)
    page = client.get(f"/classes/{assignment.class_id}/assignments/{assignment.id}")
    assert page.status_code == 200 and "not started" in text(page)
    start = f"/classes/{assignment.class_id}/assignments/{assignment.id}/start"
    assert client.get(start).status_code == 405
    assert count_rows(QuizAttempt) == 0
    response = client.post(start)
    assert response.status_code == 303
    attempt = QuizAttempt.query.one()
    assert response.headers["Location"].endswith(f"/quiz/{attempt.id}")
    assert client.post(start).headers["Location"] == response.headers["Location"]  # resumes
    answer_all(client, attempt.id, miss={assignment.question_ids[0]})
    mine = text(client.get(f"/classes/{assignment.class_id}/assignments/{assignment.id}"))
    assert "submitted" in mine and "80%" in mine
    assert "used your attempt" in mine
    report = text(
        as_user(teacher).get(f"/classes/{assignment.class_id}/assignments/{assignment.id}")
    )
    assert "Sam" in report and "80%" in report


def test_student_sees_only_their_own_results(assignment, enrol, as_user):
    sam, kim = enrol("Sam Student"), enrol("Kim Classmate")
    kim_client = as_user(kim)
    kim_client.post(f"/classes/{assignment.class_id}/assignments/{assignment.id}/start")
    answer_all(kim_client, QuizAttempt.query.one().id, miss=set(assignment.question_ids))
    sam_client = as_user(sam)
    base = f"/classes/{assignment.class_id}"
    for path in (base, f"{base}/assignments/{assignment.id}", "/"):
        page = text(sam_client.get(path))
        assert "Kim Classmate" not in page
        assert "0%" not in page  # Kim's score
    for path in (
        f"{base}/gradebook",
        f"{base}/gradebook.csv",
        f"{base}/assignments/{assignment.id}/results.csv",
        f"{base}/assignments/{assignment.id}/distribution.svg",
        f"{base}/students/{kim.id}",
    ):
        assert sam_client.get(path).status_code == 404, path
    kim_attempt = QuizAttempt.query.one()
    assert sam_client.get(f"/quiz/{kim_attempt.id}/result").status_code == 404


def test_outsiders_get_404_like_a_missing_id(assignment, make_user, as_user, teacher):
    other_teacher = make_user(role="teacher")
    other_class = classroom_service.create_class(other_teacher, "Other")
    outsider = make_user()
    classroom_service.join_class(outsider, other_class.join_code)
    base = f"/classes/{assignment.class_id}/assignments/{assignment.id}"
    missing = f"/classes/{assignment.class_id}/assignments/{assignment.id + 100}"
    for user in (outsider, other_teacher):
        client = as_user(user)
        for suffix in ("", "/results.csv", "/distribution.svg"):
            probe, absent = client.get(base + suffix), client.get(missing + suffix)
            assert probe.status_code == absent.status_code == 404
            assert without_csrf(probe) == without_csrf(absent)
        # Through their own class's id too.
        assert (
            client.get(f"/classes/{other_class.id}/assignments/{assignment.id}").status_code == 404
        )
        assert client.post(base + "/start").status_code == 404
        assert client.post(base + "/delete").status_code == 404
        for path in (
            f"/classes/{assignment.class_id}/gradebook",
            f"/classes/{assignment.class_id}/gradebook.csv",
        ):
            assert client.get(path).status_code == 404
    assert count_rows(QuizAttempt) == 0 and count_rows(Assignment) == 1


def test_chart_is_an_svg_under_its_own_policy(assignment, enrol, teacher, as_user):
    client = as_user(teacher)
    response = client.get(
        f"/classes/{assignment.class_id}/assignments/{assignment.id}/distribution.svg"
    )
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert b"<svg" in response.data and b"<script" not in response.data
    page = text(client.get(f"/classes/{assignment.class_id}/assignments/{assignment.id}"))
    assert (
        f'<img src="/classes/{assignment.class_id}/assignments/{assignment.id}/distribution.svg"'
        in page
    )


def test_csv_downloads(assignment, enrol, teacher, as_user):
    enrol("Sam")
    client = as_user(teacher)
    book = client.get(f"/classes/{assignment.class_id}/gradebook.csv")
    assert book.status_code == 200 and book.mimetype == "text/csv"
    assert "attachment" in book.headers["Content-Disposition"]
    assert book.get_data(as_text=True).splitlines()[0].startswith("student,student_id,Week 1")
    detail = client.get(f"/classes/{assignment.class_id}/assignments/{assignment.id}/results.csv")
    assert detail.status_code == 200
    assert detail.get_data(as_text=True).splitlines()[1].startswith("Sam,")


def test_teacher_pages_render(assignment, enrol, teacher, as_user):
    student = enrol("Sam")
    client = as_user(teacher)
    base = f"/classes/{assignment.class_id}"
    pages = [
        base,
        f"{base}/gradebook",
        f"{base}/students/{student.id}",
        f"{base}/assignments/{assignment.id}",
        f"{base}/assignments/new",
        f"{base}/assignments/new?deck={DECK}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = text(response)
        assert "Week 1" in html or "deck" in html
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert len(html.encode()) < 100_000
    assert client.get(f"{base}/students/{student.id + 100}").status_code == 404


def test_home_page_lists_what_is_to_do(assignment, enrol, as_user):
    home = text(as_user(enrol()).get("/"))
    assert "Week 1" in home and "not started" in home


def test_delete_assignment(assignment, teacher, as_user):
    client = as_user(teacher)
    base = f"/classes/{assignment.class_id}/assignments/{assignment.id}"
    assert client.get(base + "/delete").status_code == 405
    assert client.post(base + "/delete").status_code == 303
    assert count_rows(Assignment) == 0
    assert client.get(base).status_code == 404
