"""Studying in a real browser, with the keyboard only, then the statistics."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models.study import ReviewLog
from tests.e2e.pages import register


def live_reviews() -> int:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(select(func.count(ReviewLog.id)).where(ReviewLog.undone_at.is_(None)))


def answer_with_keys(page, turn: int) -> None:
    """Answer the question on screen with keys only, then confirm a rating with keys."""
    form = page.locator("#answer-form")
    expect(form).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-study-keys", "ready")
    mode = form.get_attribute("data-choice")
    # The button names the key that works: Space types a space in an answer box.
    expect(page.locator("#reveal-button kbd")).to_have_text("Space" if mode else "Esc")
    with page.expect_navigation():
        if turn % 3 == 0:
            # Flip style: Space on options; Esc, or Enter with the box empty, when typing.
            page.keyboard.press(" " if mode else "Enter" if turn == 0 else "Escape")
        elif mode == "multi":
            page.keyboard.press("1")
            page.keyboard.press("2")
            page.keyboard.press("Enter")
        elif mode == "one":
            page.keyboard.press("1")  # picks the first option and checks it
        else:
            page.keyboard.type("a guess")
            page.keyboard.press("Enter")
    expect(page.locator("#rate-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-study-keys", "ready")
    expect(page.locator("button.rating").first).to_contain_text(re.compile(r"\d+(m|h|d|mo|y)"))
    with page.expect_navigation():
        page.keyboard.press("Enter" if turn % 2 else "4")


def test_study_five_facts_with_the_keyboard_undo_one_and_see_the_stats(page, builtin_decks):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    register(page, email="kim@example.com", name="Kim")
    page.goto("/decks/software-companies")
    page.get_by_role("button", name="Study this deck").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".study-counts")).to_contain_text("New 19")

    for turn in range(5):
        answer_with_keys(page, turn)
    assert live_reviews() == 5
    expect(page.locator(".study-counts")).to_contain_text("Done today 5")
    expect(page.locator("html")).to_have_attribute("data-study-keys", "ready")

    with page.expect_navigation():
        page.keyboard.press("Control+z")
    expect(page.get_by_role("status")).to_contain_text("undone")
    assert live_reviews() == 4
    expect(page.locator(".study-counts")).to_contain_text("Done today 4")

    page.goto("/study/stats")
    images = page.locator("img.chart-image")
    expect(images).to_have_count(3)
    for index in range(3):
        image = images.nth(index)
        expect(image).to_have_attribute("alt", re.compile(r"\w"))
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    expect(page.locator("svg.heatmap rect.heat-4")).to_have_count(1)  # today, the busiest day
    expect(page.locator("table.mastery")).to_contain_text("Microsoft")
    assert violations == []


def test_stats_page_fits_a_phone_in_dark_mode(new_page, builtin_decks):
    page = new_page(width=375, color_scheme="dark")
    register(page, email="ana@example.com", name="Ana")
    page.goto("/study/")
    page.get_by_role("button", name="Start studying").first.click()
    expect(page.locator("#answer-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/study/stats")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
