"""A learner takes a quiz of estimates and orders in a real browser, by keyboard only,
on a phone-sized screen, and sees the partial credit on the result."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.e2e.test_quiz import log_in, shown_question

DECK = "chinese-ai-startups"
# Set to a folder to keep screenshots of the pages (light and dark, 375 px wide).
SHOTS = os.environ.get("QUIZAPP_SHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def estimate_by_keyboard(page, payload: dict) -> str:
    value = payload["value"]
    guess = str(int(value) + 2) if payload["unit"] == "year" else format(value * 2, ".0f")
    expect(page.locator("#answer")).to_be_focused()  # the box has the focus from the start
    page.keyboard.type(guess)
    page.keyboard.press("Enter")
    return guess


def place_by_keyboard(page, places: list[int]) -> None:
    page.locator("#place-0").focus()
    for i, place in enumerate(places):
        expect(page.locator(f"#place-{i}")).to_be_focused()
        page.keyboard.press(str(place))  # type-ahead picks the place
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Answer")).to_be_focused()
    page.keyboard.press("Enter")


def order_by_keyboard(page, payload: dict) -> None:
    """First every item at place 1 (refused, the question comes back with the message),
    then as a learner who knows the order but swaps the first two."""
    items = payload["choices"]
    place_by_keyboard(page, [1] * len(items))
    expect(page.get_by_role("alert")).to_contain_text("Two items have the same place")
    expect(page.locator("#place-1")).to_have_value("1:1")  # what was sent is kept
    shot(page, "order-refused")
    right = list(payload["correct"])
    right[0], right[1] = right[1], right[0]
    place_by_keyboard(page, [right.index(item) + 1 for item in items])


def test_an_estimate_and_an_order_question_taken_by_keyboard(new_page, builtin_decks, make_user):
    page = new_page(width=375, color_scheme="dark" if SHOTS.endswith("dark") else "light")
    learner = make_user(name="Kai")
    log_in(page, learner)
    page.goto(f"/quiz/new/{DECK}")
    page.get_by_label("Estimate (a number or year)").check()
    page.get_by_label("Put in order").check()
    page.get_by_label("Number of questions").fill("5")
    shot(page, "start")
    page.get_by_role("button", name="Start quiz").click()

    seen = set()
    for position in range(1, 6):
        expect(page.locator(".quiz-progress")).to_contain_text(f"Question {position} of 5")
        payload = shown_question(position)
        seen.add(payload["kind"])
        if payload["kind"] == "estimate":
            expect(page.locator("#answer-unit")).to_have_text(payload["unit_label"])
            shot(page, f"estimate-{payload['unit']}")
            guess = estimate_by_keyboard(page, payload)
            expect(page.get_by_role("status")).to_contain_text("Partly right")
            expect(page.locator(".answer-compare")).to_contain_text(guess)
            expect(page.locator(".answer-compare")).to_contain_text(payload["answer"])
            shot(page, f"estimate-feedback-{payload['unit']}")
        else:
            shot(page, "order")
            order_by_keyboard(page, payload)
            expect(page.get_by_role("status")).to_contain_text("Partly right")
            expect(page.locator(".order-right li")).to_have_text(payload["correct"])
            shot(page, "order-feedback")
        # no page wider than the phone
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        next_step = "See your result" if position == 5 else "Next question"
        # the link has the focus (autofocus, once the page is loaded: wait for it)
        expect(page.get_by_role("link", name=next_step)).to_be_focused()
        page.keyboard.press("Enter")
    assert seen == {"estimate", "order"}
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    score = page.locator(".score")
    expect(score).not_to_contain_text("0 / 5")
    expect(score).not_to_contain_text("5 / 5")
    shot(page, "result")
