"""A teacher pastes an article, reviews the suggested facts and quizzes on the new deck."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "articles" / "batteries.txt"
SHOTS = os.environ.get("QUIZAPP_SCREENSHOTS")  # a folder, to look at the pages


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def log_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.display_name)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png")


def suggestion(page, text):
    """The review card whose heading says `text`."""
    return page.locator("li.review-item").filter(has=page.locator("legend", has_text=text))


def test_paste_review_accept_edit_reject_then_quiz(new_page, make_user):
    teacher = make_user(role="teacher")
    page = new_page()
    log_in(page, teacher)

    page.goto("/decks/new")
    page.get_by_role("link", name="Start from a text").click()
    page.get_by_label("Title").fill("Battery startups")
    page.get_by_label("Article or notes").fill(ARTICLE.read_text(encoding="utf-8"))
    shot(page, "from-text")
    page.get_by_role("button", name="Suggest facts").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("suggested facts")
    shot(page, "review")

    # reject one: the former role of Paolo Cerruti (text answers make weak questions)
    cerruti = suggestion(page, "Suggestion 5:")
    expect(cerruti.locator("legend")).to_contain_text("Paolo Cerruti")
    cerruti.get_by_label("Reject").check()
    # edit one: Freyr's valuation, written as a reader would type it
    valuation = suggestion(page, "valuations")
    valuation.get_by_label("Answer").fill("about $1.4 billion")
    page.get_by_role("button", name="Preview again").click()
    expect(page.locator("li.review-item.rejected")).to_have_count(1)
    freyr = suggestion(page, "valuations")
    freyr.locator("summary").click()
    expect(freyr).to_contain_text("What was Freyr Battery valued at?")

    page.get_by_role("button", name="Save accepted facts").click()
    expect(page.get_by_role("status")).to_contain_text("Deck created with")
    expect(page).to_have_url(re.compile(r"/decks/battery-startups-u[0-9]+$"))
    shot(page, "deck")

    page.get_by_role("button", name="Quick quiz (10 questions)").click()
    expect(page.locator(".quiz-progress")).to_contain_text("Question 1 of")


def test_review_page_at_phone_width_in_dark_mode(new_page, make_user):
    teacher = make_user(role="teacher")
    page = new_page(width=375, color_scheme="dark")
    log_in(page, teacher)
    page.goto("/decks/new/from-text")
    page.get_by_label("Title").fill("Discoveries")
    text = (ARTICLE.parent / "discoveries.txt").read_text(encoding="utf-8")
    page.get_by_label("Article or notes").fill(text)
    page.get_by_role("button", name="Suggest facts").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("suggested facts")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing wider than the phone
    shot(page, "review-375-dark")


def test_try_an_answer_in_the_fact_preview(new_page, make_user):
    teacher = make_user(role="teacher")
    page = new_page()
    log_in(page, teacher)
    page.goto("/decks/new/from-text")
    page.get_by_label("Title").fill("Acme")
    page.get_by_label("Article or notes").fill("Acme was founded in 2016 by Jane Doe.")
    page.get_by_role("button", name="Suggest facts").click()
    page.get_by_role("button", name="Save accepted facts").click()
    expect(page.get_by_role("status")).to_contain_text("Deck created with 2 facts")

    deck_url = page.url
    page.goto(deck_url + "/edit")
    page.get_by_label("Add relations from the presets").select_option("companies")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added relation(s): headquarters, product")
    shot(page, "edit")
    page.goto(deck_url + "/edit/facts/new")
    page.get_by_label("Relation").select_option("founded")
    page.get_by_label("…or a new subject").fill("Initech")
    page.get_by_label("Answer (date)").fill("2019-05")
    page.get_by_label("Evidence").fill("Initech was founded in May 2019.")
    page.get_by_label("Try an answer").fill("May 2019")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("“May 2019”: accepted")
    page.get_by_label("Try an answer").fill("2018")
    expect(preview).to_contain_text("“2018”: not accepted")
    shot(page, "try-answer")
