"""A learner takes a quiz in a real browser, misses one question, and finds it afterwards."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import QuizAttempt, QuizQuestion
from tests.conftest import PASSWORD
from tests.factories import right_answer, wrong_answer

DECK = "chinese-ai-startups"


def log_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.display_name)


def shown_question(position: int) -> dict:
    """The stored snapshot of the question on screen (the test plays a learner who knows)."""
    db.session.rollback()  # see what the server committed
    attempt_id = db.session.scalar(select(QuizAttempt.id).order_by(QuizAttempt.id.desc()))
    return db.session.scalar(
        select(QuizQuestion.payload).where(
            QuizQuestion.attempt_id == attempt_id, QuizQuestion.position == position
        )
    )


def option(page, text):
    return page.locator(f"input[name=answer][value={json.dumps(text)}]")


def give(page, payload: dict, right: bool) -> None:
    choices, correct = payload["choices"], payload["correct"]
    if payload["kind"] in ("estimate", "order"):
        response = right_answer(payload) if right else wrong_answer(payload)
        if payload["kind"] == "estimate":
            page.locator("#answer").fill(response)
        else:
            for i, value in enumerate(response):
                page.locator(f"#place-{i}").select_option(value)
    elif not choices:
        page.get_by_label(payload["prompt"]).fill(
            payload["accepted"][0] if right else "no idea at all"
        )
    elif payload["kind"] == "multiple_select":
        picks = correct if right else [next(c for c in choices if c not in correct)]
        for pick in picks:
            option(page, pick).check()
    else:
        pick = correct[0] if right else next(c for c in choices if c not in correct)
        option(page, pick).check()
    page.get_by_role("button", name="Answer").click()


def test_take_a_mixed_quiz_miss_one_and_see_it_everywhere(page, builtin_decks, make_user):
    learner = make_user(name="Mei")
    log_in(page, learner)

    page.goto(f"/decks/{DECK}")
    page.get_by_text("Custom quiz").click()
    for kind in ("Multiple choice", "True / false", "Typed answer", "Fill the blank"):
        page.get_by_label(kind).check()
    page.get_by_label("Number of questions").fill("5")
    page.get_by_role("button", name="Start quiz").click()

    missed = None
    kinds = set()
    for position in range(1, 6):
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {position} of 5")
        payload = shown_question(position)
        kinds.add(payload["kind"])
        right = position != 3
        if not right:
            missed = payload
        give(page, payload, right)
        verdict = page.get_by_role("status")
        expect(verdict).to_contain_text("Right!" if right else "Not quite")
        if not right:
            expect(page.locator("main")).to_contain_text(payload["answer"])
            expect(page.locator(".evidence")).to_have_text(payload["evidence"])
        next_step = "See your result" if position == 5 else "Next question"
        page.get_by_role("link", name=next_step).click()
    assert len(kinds) >= 3  # a mixed quiz

    expect(page.locator(".score")).to_contain_text("4 / 5")
    mistakes = page.locator("ol.mistakes")
    expect(mistakes).to_contain_text(missed["prompt"])
    expect(mistakes).to_contain_text(missed["answer"])

    page.get_by_role("link", name="My scores").first.click()
    expect(page).to_have_url(re.compile(r"/scores/$"))
    expect(page.locator("main")).to_contain_text("80 %")
    chart = page.get_by_role("img", name=re.compile("quiz scores"))
    expect(chart).to_be_visible()
    # The chart loads as its own image: wait until it has decoded (a broken one never does).
    page.wait_for_function(
        "() => { const img = document.querySelector('figure.chart img');"
        " return img.complete && img.naturalWidth > 0; }"
    )


def test_quiz_page_fits_a_phone_in_dark_mode(new_page, builtin_decks, make_user):
    page = new_page(width=375, color_scheme="dark")
    log_in(page, make_user())
    page.goto(f"/decks/{DECK}")
    page.get_by_role("button", name="Quick quiz (10 questions)").click()
    expect(page.locator("progress")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    give(page, shown_question(1), right=False)
    expect(page.get_by_role("status")).to_contain_text("Not quite")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_countdown_submits_when_time_is_up(page, builtin_decks, make_user):
    log_in(page, make_user())
    page.goto(f"/quiz/new/{DECK}")
    page.get_by_label("Typed answer").check()
    page.get_by_label("Number of questions").fill("5")
    page.get_by_label("Time limit per question (seconds)").fill("5")
    page.get_by_role("button", name="Start quiz").click()
    expect(page.locator("#countdown")).to_contain_text("Time left")
    # Nothing typed: when the countdown reaches zero the page sends the form itself.
    expect(page.get_by_role("status")).to_be_visible(timeout=15_000)
    expect(page.locator("main")).to_contain_text("Question 1 of 5")
