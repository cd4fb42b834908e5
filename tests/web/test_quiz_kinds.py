"""Estimate and order questions on the quiz pages: the forms (no JavaScript needed),
hostile posts refused with nothing stored, and the feedback and result pages."""

from __future__ import annotations

import html
import re

import pytest

from quizapp.domain.quizzes import QuizOptions
from quizapp.extensions import db
from quizapp.models import Deck, QuizAttempt, QuizResponse, utcnow
from quizapp.services import quizzes as quiz_service
from tests.conftest import count_rows
from tests.factories import (
    STARTUPS_DECK,
    half_answer,
    order_places,
    quiz_questions,
    right_answer,
)
from tests.web.test_quiz import main_html, state


@pytest.fixture
def learner(client, builtin_decks, make_user, login):
    user = make_user()
    login(client, user)
    return user


def start(user, kind, count=5):
    return quiz_service.start_quiz(
        user, STARTUPS_DECK, QuizOptions(count=count, kinds=(kind,)), now=utcnow(), seed=2
    )


def post(client, attempt, question, response, request_id="request-web-1"):
    return client.post(
        f"/quiz/{attempt.id}/answer",
        data={
            "position": question.position,
            "question_id": question.question_id,
            "request_id": request_id,
            "answer": response,
        },
    )


def test_the_start_forms_offer_estimate_and_order(client, learner):
    page = main_html(client.get(f"/quiz/new/{STARTUPS_DECK}"))
    assert 'value="estimate"' in page and 'value="order"' in page
    assert "Put in order" in page


def test_an_estimate_is_a_number_box_with_its_unit_and_no_answer(client, learner):
    attempt = start(learner, "estimate")
    question = quiz_questions(attempt.id)[0]
    page = main_html(client.get(f"/quiz/{attempt.id}"))
    box = re.search(r'<input[^>]*id="answer"[^>]*>', page).group(0)
    assert 'name="answer"' in box and "required" in box
    unit = re.search(r'<span class="estimate-unit"[^>]*>([^<]*)</span>', page).group(1)
    assert html.unescape(unit) == question.payload["unit_label"]
    if question.payload["unit"] == "year":
        assert 'type="number"' in box and 'step="1"' in box
    assert "value=" not in box  # nothing filled in
    # the words on the page (not the random form id), less the prompt and the examples
    words = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace(question.payload["prompt"], "")
    words = words.split("for example")[0]
    assert question.payload["answer"] not in words
    assert not re.search(rf"\b{re.escape(format(question.payload['value'], 'g'))}\b", words)


def test_an_order_question_is_a_place_select_per_item(client, learner):
    attempt = start(learner, "order")
    question = quiz_questions(attempt.id)[0]
    items = question.payload["choices"]
    page = html.unescape(main_html(client.get(f"/quiz/{attempt.id}")))
    selects = re.findall(r"<select[^>]*>.*?</select>", page, re.S)
    assert len(selects) == len(items)
    for i, (select, item) in enumerate(zip(selects, items, strict=True)):
        assert f'aria-label="Place of {item}"' in select and "required" in select
        assert re.findall(r'value="([^"]*)"', select) == [""] + [
            f"{i}:{p}" for p in range(1, len(items) + 1)
        ]
        assert f'<label for="place-{i}">{item}</label>' in page
    # Every select looks the same but for its item: nothing marks the right order.
    assert len({re.sub(r"\d+:|place-\d+|Place of [^\"]*", "", s) for s in selects}) == 1


@pytest.mark.parametrize(
    ("kind", "response"),
    [
        ("estimate", "NaN"),
        ("estimate", "Infinity"),
        ("estimate", "1e309"),
        ("estimate", "9" * 500),
        ("estimate", "<script>"),
        ("estimate", ["1999", "2000"]),
        ("estimate", ""),
        ("order", ["0:1", "1:1", "2:3"]),  # a place twice
        ("order", ["0:1", "1:2", "9:3"]),  # no such item
        ("order", ["0:1", "1:2", "2:3", "3:4", "4:5", "5:6"]),  # more items than shown
        ("order", ["0:1", "1:2"]),  # one missing
        ("order", ["0:x", "1:2", "2:3"]),
        ("order", ["0:1", "1:2", "2:1e9"]),
        ("order", ""),
    ],
)
def test_hostile_answers_get_a_400_and_change_nothing(client, learner, kind, response):
    attempt = start(learner, kind)
    client.get(f"/quiz/{attempt.id}")
    question = quiz_questions(attempt.id)[0]
    before = state()
    reply = post(client, attempt, question, response)
    assert reply.status_code == 400
    body = reply.get_data(as_text=True)
    assert "Traceback" not in body and ("Type" in body or "place" in body)
    assert state() == before


def test_feedback_shows_the_guess_and_the_true_value(client, learner):
    attempt = start(learner, "estimate")
    question = quiz_questions(attempt.id)[0]
    client.get(f"/quiz/{attempt.id}")
    payload = question.payload
    guess = str(int(payload["value"]) + 3) if payload["unit"] == "year" else "1"
    reply = post(client, attempt, question, guess)
    assert reply.status_code == 303
    page = html.unescape(main_html(client.get(reply.headers["Location"])))
    assert "Your guess" in page and guess in page
    assert "True value" in page and payload["answer"] in page
    assert count_rows(QuizResponse) == 1
    # the same form sent again counts once
    assert post(client, attempt, question, guess).status_code == 303
    assert count_rows(QuizResponse) == 1


def test_feedback_and_result_show_the_given_and_the_right_order(client, learner):
    attempt = start(learner, "order", count=5)
    questions = quiz_questions(attempt.id)
    first = questions[0].payload
    given = list(reversed(first["correct"]))
    client.get(f"/quiz/{attempt.id}")
    reply = post(client, attempt, questions[0], order_places(first, given))
    page = html.unescape(main_html(client.get(reply.headers["Location"])))
    given_list = re.search(r'<ol class="order-given">(.*?)</ol>', page, re.S).group(1)
    right_list = re.search(r'<ol class="order-right">(.*?)</ol>', page, re.S).group(1)
    assert [
        re.sub(r"<[^>]+>|\(.*?\)|[✓✗]", "", li).strip()
        for li in re.findall(r"<li[^>]*>(.*?)</li>", given_list, re.S)
    ] == given
    assert re.findall(r"<li>(.*?)</li>", right_list) == first["correct"]
    for i, question in enumerate(questions[1:], start=2):
        client.get(f"/quiz/{attempt.id}")
        post(client, attempt, question, right_answer(question.payload), f"request-web-{i}")
    result = html.unescape(main_html(client.get(f"/quiz/{attempt.id}/result")))
    assert "Right order: " in result and " → ".join(given) in result


def test_a_refused_answer_shows_the_question_again_with_what_was_sent(client, learner):
    attempt = start(learner, "order")
    question = quiz_questions(attempt.id)[0]
    before = state()  # not served yet: showing it again with the message doesn't serve it
    sent = ["0:1", "1:1", "2:3"]
    reply = post(client, attempt, question, sent)
    assert reply.status_code == 400
    page = html.unescape(main_html(reply))
    assert re.search(r'<p class="error" role="alert"[^>]*>Two items have the same place', page)
    assert question.payload["prompt"] in page
    assert re.findall(r'<option value="([^"]*)" selected>', page) == sent
    assert state() == before
    # the form on the page works: a new request id, the right places
    request_id = re.search(r'name="request_id"[^>]*value="([^"]*)"', page).group(1)
    assert request_id != "request-web-1"
    reply = post(client, attempt, question, right_answer(question.payload), request_id)
    assert reply.status_code == 303 and count_rows(QuizResponse) == 1


def test_a_refused_guess_is_shown_again_escaped(client, learner):
    attempt = start(learner, "estimate")
    question = quiz_questions(attempt.id)[0]
    reply = post(client, attempt, question, '"><script>alert(1)</script>')
    assert reply.status_code == 400
    page = main_html(reply)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'aria-invalid="true"' in page


def test_a_deck_without_amounts_or_dates_offers_neither_kind(client, learner):
    from quizapp.domain.facts import parse_deck
    from quizapp.services import decks as deck_service
    from tests.factories import SMALL

    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    page = main_html(client.get("/quiz/new/tiny"))
    assert 'value="typed"' in page
    assert 'value="estimate"' not in page and 'value="order"' not in page
    before = state()
    reply = client.post("/quiz/start", data={"deck": "tiny", "count": "5", "kinds": "order"})
    assert reply.status_code == 400
    assert "not a valid choice" in html.unescape(main_html(reply)), main_html(reply)
    assert state() == before
    startups = db.session.scalar(db.select(Deck).where(Deck.key == STARTUPS_DECK))
    assert quiz_service.deck_kinds(startups)[-2:] == ("estimate", "order")


def test_a_teacher_assigns_estimates_and_orders_and_reads_every_report(
    as_user, builtin_decks, teacher, school_class, enrol
):
    from datetime import timedelta

    from quizapp.models import Assignment

    teacher_client = as_user(teacher)
    base = f"/classes/{school_class.id}"
    page = main_html(teacher_client.get(f"{base}/assignments/new?deck={STARTUPS_DECK}"))
    assert 'value="estimate"' in page and 'value="order"' in page
    now = utcnow()
    reply = teacher_client.post(
        f"{base}/assignments/new",
        data={
            "deck": STARTUPS_DECK,
            "title": "Numbers",
            "kinds": ["estimate", "order"],
            "count": "5",
            "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "due_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "attempts": "1",
            "scoring": "best",
            "late_policy": "mark",
        },
    )
    assert reply.status_code == 303, main_html(reply)
    assignment = db.session.scalar(db.select(Assignment))
    assert len(assignment.built_questions) == 5
    for name, answer_for in (("Ann", right_answer), ("Bob", half_answer)):
        student = enrol(name)
        client = as_user(student)
        reply = client.post(f"{base}/assignments/{assignment.id}/start")
        attempt_url = reply.headers["Location"]
        attempt_id = int(attempt_url.rstrip("/").rsplit("/", 1)[1])
        for i, question in enumerate(quiz_questions(attempt_id)):
            client.get(attempt_url)
            reply = post(
                client,
                db.session.get(QuizAttempt, attempt_id),
                question,
                answer_for(question.payload),
                f"request-{name}-{i}",
            )
            assert reply.status_code == 303
    for path in (
        f"{base}/assignments/{assignment.id}",
        f"{base}/assignments/{assignment.id}/items",
        f"{base}/assignments/{assignment.id}/results.csv",
        f"{base}/gradebook",
        f"{base}/gradebook.csv",
        f"{base}/assignments/{assignment.id}/distribution.svg",
    ):
        reply = teacher_client.get(path)
        assert reply.status_code == 200, path
    items = html.unescape(
        main_html(teacher_client.get(f"{base}/assignments/{assignment.id}/items"))
    )
    assert " → " in items  # Bob's orders, in the order he gave
    csv_text = teacher_client.get(f"{base}/assignments/{assignment.id}/results.csv").get_data(
        as_text=True
    )
    bob = next(line for line in csv_text.splitlines() if line.startswith("Bob"))
    assert re.search(r",0\.\d+", bob)  # fractional points per question
