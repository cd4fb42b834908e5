"""A teacher turns their own material into a deck in the browser, with the live preview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

CAPITALS = [
    ("France", "Paris"),
    ("Italy", "Rome"),
    ("Spain", "Madrid"),
    ("Peru", "Lima"),
    ("Japan", "Tokyo"),
]


@pytest.fixture
def app_config(app_config):
    # CSRF on, as in production: the preview's fetch must send the token header.
    return {**app_config, "WTF_CSRF_ENABLED": True}


def log_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.display_name)


def test_teacher_builds_a_deck_of_five_facts_with_live_preview(new_page, make_user):
    teacher = make_user(role="teacher")
    page = new_page()
    log_in(page, teacher)

    page.goto("/decks/")
    page.get_by_role("link", name="New deck").click()
    page.get_by_label("Title").fill("Capitals of the world")
    page.get_by_label("Source (optional)").fill("https://example.com/capitals")
    page.get_by_label("Public: listed for everyone").check()
    page.get_by_role("button", name="Create deck").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Capitals of the world")

    page.get_by_role("link", name="Define a relation").click()
    page.get_by_label("Label (plural)").fill("capitals")
    page.get_by_label("Facts are about a").select_option("place")
    page.get_by_label("The answer is a").select_option("place")
    page.get_by_label("Question", exact=True).fill("What is the capital of {subject}?")
    page.get_by_label("Reverse question (optional)").fill(
        "{value} is the capital of which country?"
    )
    page.get_by_label("Statement", exact=True).fill("The capital of {subject} is {value}.")
    page.get_by_role("button", name="Save relation").click()
    expect(page.get_by_role("status")).to_contain_text("Added relation 'capitals'")

    page.get_by_role("link", name="Add a fact").first.click()
    for number, (country, capital) in enumerate(CAPITALS):
        page.get_by_label("Relation").select_option("capitals")
        expect(page.get_by_label("Answer (date)")).to_be_hidden()  # only the place fields
        page.get_by_label("…or a new subject").fill(country)
        page.get_by_label("…or a new answer entity").fill(capital)
        page.get_by_label("Evidence").fill(f"{capital} is the capital of {country}.")
        preview = page.locator("#preview")
        expect(preview).to_contain_text(f"What is the capital of {country}?")
        expect(preview).to_contain_text(f"The capital of {country} is")
        if number == len(CAPITALS) - 1:
            # the fifth fact has enough others for a four-option question
            expect(preview).to_contain_text("multiple choice")
            page.get_by_role("button", name="Save fact").click()
        else:
            page.get_by_role("button", name="Save and add another").click()
            expect(page.get_by_role("status")).to_contain_text("Added fact")

    expect(page).to_have_url(re.compile(r"/decks/capitals-of-the-world-u[0-9]+/edit$"))
    expect(page.get_by_role("heading", name="Facts (5)")).to_be_visible()

    page.get_by_role("link", name="Capitals of the world").first.click()
    expect(page).to_have_url(re.compile(r"/decks/capitals-of-the-world-u[0-9]+$"))
    expect(page.get_by_text("5 facts")).to_be_visible()
    for country, capital in CAPITALS:
        expect(page.get_by_role("heading", name=country)).to_be_visible()
        expect(page.get_by_text(f"{capital} is the capital of {country}.")).to_be_visible()
    expect(page.get_by_role("link", name="Download TOML")).to_be_visible()

    # The new deck is immediately quizzable.
    page.get_by_role("button", name="Quick quiz (10 questions)").click()
    expect(page).to_have_url(re.compile(r"/quiz/\d+$"))
    expect(page.get_by_text("Question 1 of 10")).to_be_visible()
    prompt = page.locator("main").inner_text()
    assert any(country in prompt or capital in prompt for country, capital in CAPITALS)


def test_fact_form_fits_a_phone_in_dark_mode(new_page, make_user):
    teacher = make_user(role="teacher")
    page = new_page(width=375, color_scheme="dark")
    log_in(page, teacher)
    page.goto("/decks/new")
    page.get_by_label("Title").fill("Tiny")
    page.get_by_label("Source (optional)").fill("https://example.com")
    page.get_by_role("button", name="Create deck").click()
    page.get_by_role("link", name="Add a fact").first.click()
    # the form's own page, loaded (measured mid-navigation there is no document yet)
    expect(page.get_by_role("heading", name="Add a fact")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
