"""A teacher runs a class in one browser, a student takes the assignment in another; the
teacher sees the score and the missed fact on top of "What to reteach"."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Fact, QuizAttempt, QuizQuestion
from tests.conftest import PASSWORD

DECK = "chinese-ai-startups"


def log_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.display_name)


def shown_question(position: int) -> QuizQuestion:
    """The stored snapshot of the question on screen (the test plays a student who knows)."""
    db.session.rollback()  # see what the server committed
    attempt_id = db.session.scalar(select(QuizAttempt.id).order_by(QuizAttempt.id.desc()))
    return db.session.scalar(
        select(QuizQuestion).where(
            QuizQuestion.attempt_id == attempt_id, QuizQuestion.position == position
        )
    )


def test_teacher_assigns_student_takes_teacher_sees_what_to_reteach(
    new_page, builtin_decks, make_user
):
    teacher = make_user(role="teacher", name="Ms Rivera")
    student = make_user(name="Sam Student")
    desk = new_page(color_scheme="dark")
    phone = new_page(width=375)

    # The teacher creates a class and reads its code.
    log_in(desk, teacher)
    desk.get_by_role("link", name="Classes").click()
    desk.get_by_role("link", name="New class").first.click()
    desk.get_by_label("Class name").fill("History 9B")
    desk.get_by_role("button", name="Create class").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("History 9B")
    code = desk.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # ... and assigns a five-question multiple-choice quiz on the built-in deck.
    desk.get_by_role("link", name="Assign a quiz").click()
    desk.get_by_label("Deck").select_option(DECK)
    desk.get_by_role("button", name="Next").click()
    desk.get_by_label("Title (optional)").fill("Week 1: founders")
    desk.get_by_label("Multiple choice").check()
    desk.get_by_label("Number of questions").fill("5")
    desk.get_by_role("button", name="Assign to History 9B").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Week 1: founders")

    # The student joins with the code, typed in lower case, on a phone.
    log_in(phone, student)
    phone.goto("/classes/")
    phone.get_by_label("Class code").fill(code.lower())
    phone.get_by_role("button", name="Join class").click()
    expect(phone.get_by_role("status")).to_contain_text("You joined “History 9B”.")
    phone.get_by_role("link", name="Week 1: founders").click()
    phone.get_by_role("button", name="Start").click()

    missed, wrong_pick = None, None
    for position in range(1, 6):
        expect(phone.locator(".quiz-progress")).to_contain_text(f"Question {position} of 5")
        question = shown_question(position)
        payload = question.payload
        if position == 2:
            missed = question
            wrong_pick = next(c for c in payload["choices"] if c not in payload["correct"])
            pick = wrong_pick
        else:
            pick = payload["correct"][0]
        phone.locator(f"input[name=answer][value={json.dumps(pick)}]").check()
        phone.get_by_role("button", name="Answer").click()
        expect(phone.get_by_role("status")).to_contain_text(
            "Not quite" if position == 2 else "Right!"
        )
        phone.get_by_role("link", name=re.compile("Next question|See your result")).click()

    phone.goto("/")
    expect(phone.locator("body")).to_contain_text("History 9B")

    # The teacher sees the score and the missed fact on top of the reteach list.
    desk.reload()
    scores = desk.locator("#scores")
    expect(scores).to_contain_text("Sam Student")
    expect(scores).to_contain_text("80%")
    expect(scores).to_contain_text("submitted")
    expect(desk.locator("#class-average")).to_have_text("80%")
    fact = db.session.get(Fact, missed.fact_id)
    top = desk.locator("#reteach tbody tr").first
    expect(top).to_contain_text(fact.subject_name)
    expect(top).to_contain_text(fact.relation_label)
    expect(top).to_contain_text("0%")
    expect(top).to_contain_text(wrong_pick)
    chart = desk.locator(".chart img")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0  # the SVG loaded under its CSP
