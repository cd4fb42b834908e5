"""Quiz and score pages through the test client: answers never leak, bad input changes nothing."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from sqlalchemy import select

from quizapp.domain.questions import KINDS
from quizapp.domain.quizzes import QUIZ_KINDS, QuizOptions
from quizapp.extensions import db
from quizapp.models import Deck, QuizAttempt, QuizQuestion, QuizResponse, StudyItem, User, utcnow
from quizapp.services import quizzes as quiz_service
from tests.conftest import count_rows
from tests.factories import STARTUPS_DECK as DECK
from tests.factories import (
    one_question_of_kind,
    quiz_questions,
    right_answer,
    take,
    wrong_answer,
)


def main_html(response) -> str:
    body = response.get_data(as_text=True)
    return body.split("<main", 1)[1].split("</main>", 1)[0]


def state():
    """Everything a quiz request could change."""
    served = db.session.scalars(select(QuizQuestion.served_at).order_by(QuizQuestion.id)).all()
    return (
        count_rows(QuizAttempt),
        count_rows(QuizQuestion),
        count_rows(QuizResponse),
        count_rows(StudyItem),
        tuple(served),
        tuple(db.session.scalars(select(QuizAttempt.finished_at).order_by(QuizAttempt.id))),
        tuple(db.session.scalars(select(User.leaderboard_opt_in).order_by(User.id))),
    )


@pytest.fixture
def learner(client, builtin_decks, make_user, login):
    user = make_user()
    login(client, user)
    return user


def start(user, count=5, seed=11, **options) -> QuizAttempt:
    return quiz_service.start_quiz(
        user, DECK, QuizOptions(count=count, **options), now=utcnow(), seed=seed
    )


def answer_form(question: QuizQuestion, response, request_id="request-req-1") -> dict:
    return {
        "position": question.position,
        "question_id": question.question_id,
        "request_id": request_id,
        "answer": response,
    }


# --- starting ----------------------------------------------------------------------------------


def test_pages_need_a_login(client, builtin_decks):
    for url in ("/quiz/", "/scores/", "/scores/chart.svg", "/scores/export.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_deck_page_offers_a_quick_quiz_and_options(client, learner):
    page = main_html(client.get(f"/decks/{DECK}"))
    assert "Quick quiz (10 questions)" in page
    assert 'name="subjects"' in page and 'value="moonshot"' in page
    assert page.count('name="kinds"') == len(QUIZ_KINDS)


def test_quick_quiz_is_one_click(client, learner):
    response = client.post("/quiz/start", data={"deck": DECK, "count": "10"})
    assert response.status_code == 303
    attempt = db.session.scalar(select(QuizAttempt))
    assert response.headers["Location"].endswith(f"/quiz/{attempt.id}")
    assert attempt.user_id == learner.id and attempt.max_score == 10
    assert attempt.time_limit_seconds is None


def test_custom_quiz_uses_the_chosen_options(client, learner):
    response = client.post(
        "/quiz/start",
        data={
            "deck": DECK,
            "subjects": ["moonshot", "zhipu"],
            "kinds": ["true_false", "typed"],
            "count": "6",
            "time_limit": "30",
        },
    )
    assert response.status_code == 303
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.subjects, attempt.kinds) == (["moonshot", "zhipu"], ["true_false", "typed"])
    assert (attempt.max_score, attempt.time_limit_seconds) == (6, 30)
    assert {q.kind for q in quiz_questions(attempt.id)} == {"true_false", "typed"}


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"deck": DECK, "count": "-5"}, 400, "Between 5 and 50"),
        ({"deck": DECK, "count": "0"}, 400, "number of questions"),
        ({"deck": DECK, "count": "99999999999999999999"}, 400, "Between 5 and 50"),
        ({"deck": DECK, "count": "ten"}, 400, "number of questions"),
        ({"deck": DECK, "count": "10", "kinds": "essay"}, 400, "valid choice"),
        ({"deck": DECK, "count": "10", "subjects": "openai"}, 400, "valid choice"),
        ({"deck": DECK, "count": "10", "time_limit": "-1"}, 400, "seconds"),
        ({"deck": "no-such-deck", "count": "10"}, 404, "There is no deck"),
        ({"count": "10"}, 404, "There is no deck"),
    ],
)
def test_bad_start_input_is_refused_and_nothing_changes(client, learner, data, status, message):
    before = state()
    response = client.post("/quiz/start", data=data)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))
    assert state() == before


def test_new_quiz_page_for_unknown_deck_is_404(client, learner):
    assert client.get("/quiz/new/no-such-deck").status_code == 404
    assert client.get(f"/quiz/new/{DECK}").status_code == 200


# --- the question page never holds the answer key ----------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_question_page_holds_no_answer_key(client, learner, kind):
    question = one_question_of_kind(kind)
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(learner, deck, [question.id], now=utcnow(), seed=3)
    payload = quiz_questions(attempt.id)[0].payload
    response = client.get(f"/quiz/{attempt.id}")
    assert response.status_code == 200
    page = main_html(response)
    text = html.unescape(page)
    assert payload["prompt"] in text
    assert payload["evidence"] not in text
    assert "accepted" not in text and "correct" not in text.lower()
    if payload["choices"]:
        inputs = re.findall(r"<input[^>]*name=\"answer\"[^>]*>", page)
        assert len(inputs) == len(payload["choices"])
        # Every option's markup is the same but for its value: nothing marks the right one.
        assert len({re.sub(r'value="[^"]*"', "", tag) for tag in inputs}) == 1
        labels = re.findall(r'<label class="choice">.*?</label>', page, re.S)
        shapes = {
            re.sub(
                r"<kbd[^>]*>\d+</kbd>", "", re.sub(r'value="[^"]*"', "", html.unescape(label))
            ).replace(c, "")
            for label, c in zip(labels, payload["choices"], strict=True)
        }
        assert len(shapes) == 1
    else:
        for accepted in payload["accepted"]:
            assert accepted not in text.replace(payload["prompt"], "")
        assert payload["answer"] not in text.replace(payload["prompt"], "")


def test_question_page_shows_progress_and_countdown(client, learner):
    attempt = start(learner, time_limit=30)
    page = main_html(client.get(f"/quiz/{attempt.id}"))
    assert '<progress id="quiz-progress" max="5" value="0">' in page
    assert 'data-seconds-left="30"' in page


# --- answering -----------------------------------------------------------------------------------


def test_answer_then_feedback_with_evidence(client, learner):
    attempt = start(learner)
    client.get(f"/quiz/{attempt.id}")
    first = quiz_questions(attempt.id)[0]
    response = client.post(
        f"/quiz/{attempt.id}/answer", data=answer_form(first, wrong_answer(first.payload))
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/quiz/{attempt.id}/questions/1")
    page = html.unescape(main_html(client.get(response.headers["Location"])))
    assert "Not quite" in page
    assert first.payload["answer"] in page and first.payload["evidence"] in page
    assert "Next question" in page
    # The quiz moves on to question 2.
    assert "Question 2 of 5" in main_html(client.get(f"/quiz/{attempt.id}"))


def test_double_submit_counts_once(client, learner):
    attempt = start(learner)
    client.get(f"/quiz/{attempt.id}")
    first = quiz_questions(attempt.id)[0]
    form = answer_form(first, right_answer(first.payload))
    assert client.post(f"/quiz/{attempt.id}/answer", data=form).status_code == 303
    again = client.post(f"/quiz/{attempt.id}/answer", data=form)
    assert again.status_code == 303
    assert count_rows(QuizResponse) == 1
    page = main_html(client.get(again.headers["Location"]))
    assert "Right!" in page


def test_multiple_select_answers_through_the_form(client, learner):
    question = one_question_of_kind("multiple_select")
    deck = db.session.get(Deck, question.deck_id)
    attempt = quiz_service.start_fixed_quiz(learner, deck, [question.id], now=utcnow(), seed=3)
    shown = quiz_questions(attempt.id)[0]
    response = client.post(
        f"/quiz/{attempt.id}/answer", data=answer_form(shown, right_answer(shown.payload))
    )
    assert response.status_code == 303
    assert db.session.scalar(select(QuizResponse.correct)) is True


def test_bad_answers_are_refused_and_nothing_changes(client, learner, make_user, login):
    attempt = start(learner)
    client.get(f"/quiz/{attempt.id}")
    first, second = quiz_questions(attempt.id)[:2]
    elsewhere = start(learner, seed=12)  # another attempt of the same user
    foreign = next(
        q
        for q in quiz_questions(elsewhere.id)
        if q.question_id not in {x.question_id for x in quiz_questions(attempt.id)}
    )
    right = right_answer(first.payload)
    cases = [
        # a forged question id
        (answer_form(first, right) | {"question_id": "forged000000"}, 400),
        # a question of another attempt, not in this one
        (answer_form(first, right) | {"question_id": foreign.question_id}, 400),
        # a position beyond the quiz, or none
        (answer_form(first, right) | {"position": "99"}, 400),
        (answer_form(first, right) | {"position": "-1"}, 400),
        (answer_form(first, right) | {"position": "first"}, 400),
        # the next question before this one
        (answer_form(second, right_answer(second.payload)), 400),
        # no form id
        (answer_form(first, right) | {"request_id": ""}, 400),
        (answer_form(first, right) | {"request_id": "<script>"}, 400),
    ]
    if first.payload["choices"]:
        cases.append((answer_form(first, "Not an option at all"), 400))
    before = state()
    for form, status in cases:
        response = client.post(f"/quiz/{attempt.id}/answer", data=form)
        assert response.status_code == status, form
        assert "Traceback" not in response.get_data(as_text=True)
        assert state() == before, form


def test_an_attempt_of_another_user_is_not_found(client, learner, make_user, login):
    attempt = start(learner)
    client.get(f"/quiz/{attempt.id}")
    first = quiz_questions(attempt.id)[0]
    client.post("/auth/logout")
    intruder = make_user()
    login(client, intruder)
    before = state()
    for method, url, data in (
        ("get", f"/quiz/{attempt.id}", None),
        ("post", f"/quiz/{attempt.id}/answer", answer_form(first, right_answer(first.payload))),
        ("get", f"/quiz/{attempt.id}/questions/1", None),
        ("post", f"/quiz/{attempt.id}/finish", {}),
        ("get", f"/quiz/{attempt.id}/result", None),
        ("get", "/quiz/999999", None),
        ("get", "/quiz/99999999999999999999999", None),
    ):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, url
    assert state() == before


def test_feedback_before_answering_is_404(client, learner):
    attempt = start(learner)
    assert client.get(f"/quiz/{attempt.id}/questions/1").status_code == 404
    assert client.get(f"/quiz/{attempt.id}/questions/0").status_code == 404


def test_answer_as_json_client_gets_json_error(client, learner):
    attempt = start(learner)
    first = quiz_questions(attempt.id)[0]
    response = client.post(
        f"/quiz/{attempt.id}/answer",
        data=answer_form(first, "x") | {"question_id": "forged000000"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_whole_quiz_result_scores_and_home(client, learner):
    attempt = start(learner)
    for question in quiz_questions(attempt.id):
        client.get(f"/quiz/{attempt.id}")
        payload = question.payload
        response = wrong_answer(payload) if question.position == 2 else right_answer(payload)
        client.post(
            f"/quiz/{attempt.id}/answer",
            data=answer_form(question, response, request_id=f"request-r{question.position}"),
        )
    assert client.get(f"/quiz/{attempt.id}").headers["Location"].endswith("/result")
    page = html.unescape(main_html(client.get(f"/quiz/{attempt.id}/result")))
    assert "4 / 5" in page
    mistake = quiz_questions(attempt.id)[1].payload
    mistakes = page.split("<h2>Mistakes</h2>", 1)[1].split("All questions", 1)[0]
    assert mistake["prompt"] in mistakes and mistake["answer"] in mistakes
    scores = html.unescape(main_html(client.get("/scores/")))
    assert "80 %" in scores and "Accuracy per company" in scores
    assert '<img src="/scores/chart.svg"' in scores
    home = main_html(client.get("/"))
    assert "Last quiz" in home


def test_finish_early(client, learner):
    attempt = start(learner)
    response = client.post(f"/quiz/{attempt.id}/finish")
    assert response.status_code == 303
    page = main_html(client.get(f"/quiz/{attempt.id}/result"))
    assert "0 / 5" in page and page.count("(not answered)") >= 5


def test_home_offers_to_resume(client, learner):
    attempt = start(learner)
    home = main_html(client.get("/"))
    assert f'href="/quiz/{attempt.id}"' in home and "Resume the quiz" in home


# --- scores --------------------------------------------------------------------------------------


def finished_attempt(user, answers=("right", "wrong", "right", "right", "right")):
    attempt = start(user)
    take(user, attempt.id, answers, start=utcnow())
    return attempt


def test_chart_without_a_finished_quiz_says_so(client, learner):
    # pygal's date axis raised AttributeError on no points: a 500 for every new user.
    response = client.get("/scores/chart.svg")
    assert response.status_code == 200
    assert "No finished quiz yet" in response.get_data(as_text=True)


def test_chart_is_an_svg_with_its_own_policy(client, learner):
    finished_attempt(learner)
    response = client.get("/scores/chart.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert (
        response.headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'"
    )
    svg = response.get_data(as_text=True)
    assert "<svg" in svg and "<script" not in svg
    assert "prefers-color-scheme:dark" in svg.replace(" ", "")


def test_csv_export(client, learner):
    finished_attempt(learner)
    response = client.get("/scores/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 5 and list(rows[0]) == list(quiz_service.CSV_COLUMNS)


def test_leaderboard_setting_and_board(client, learner, make_user):
    finished_attempt(learner)
    other = make_user(name="Hidden Person")
    finished_attempt(other, answers=("right",) * 5)
    board = main_html(client.get(f"/scores/leaderboard/{DECK}"))
    assert "Nobody is on this leaderboard yet" in board and "Hidden Person" not in board
    scores = main_html(client.get("/scores/"))
    assert "Leaderboard setting" in scores and 'name="opt_in"' in scores
    response = client.post("/scores/leaderboard-setting", data={"opt_in": "y"})
    assert response.status_code == 303
    assert db.session.get(User, learner.id).leaderboard_opt_in is True
    board = html.unescape(main_html(client.get(f"/scores/leaderboard/{DECK}")))
    assert learner.display_name in board and "80 %" in board and "Hidden Person" not in board
    client.post("/scores/leaderboard-setting", data={})
    assert db.session.get(User, learner.id).leaderboard_opt_in is False
    assert client.get("/scores/leaderboard/no-such-deck").status_code == 404


def test_state_changes_need_post(client, learner):
    attempt = start(learner)
    assert client.get(f"/quiz/{attempt.id}/finish").status_code == 405
    assert client.get("/quiz/start").status_code == 405
    assert client.get("/scores/leaderboard-setting").status_code == 405
