"""A teacher with a Kahoot spreadsheet has a reviewed deck and a running quiz in minutes."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.domain.test_teacher_imports import kahoot_xlsx
from tests.e2e.test_deck_editor import log_in


def test_a_kahoot_becomes_a_deck_and_a_quiz_with_its_own_options(new_page, make_user, tmp_path):
    teacher = make_user(role="teacher")
    page = new_page(width=375, color_scheme="dark")
    log_in(page, teacher)
    page.goto("/decks/mine")
    page.get_by_role("link", name="Import Kahoot").click()
    path = tmp_path / "Geography quiz.xlsx"
    path.write_bytes(kahoot_xlsx())
    page.get_by_label("Kahoot spreadsheet (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Geography quiz")
    preview = page.locator("#preview-heading").locator("..")
    expect(preview).to_contain_text("3 facts")
    expect(preview).to_contain_text("Madrid")  # the teacher's own wrong answer
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Create the deck").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 3 facts")

    key = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(f"/quiz/new/{key}")
    page.get_by_label("Multiple choice").check()
    page.get_by_label("Number of questions").fill("5")
    page.get_by_role("button", name="Start quiz").click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of")
    choices = page.locator("fieldset.choices label.choice")
    options = {choices.nth(i).inner_text().split(maxsplit=1)[-1] for i in range(choices.count())}
    assert options in (
        {"Paris", "Rome", "Madrid", "Lima"},
        {"True", "False"},
    ), options
    expect(page).to_have_url(re.compile(r"/quiz/\d+$"))
