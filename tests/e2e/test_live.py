"""A live game in real browsers: a host and three players, one of whom reloads mid-game."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.domain.facts import load_deck
from quizapp.extensions import db
from quizapp.models.live import LiveGame, LiveQuestion
from quizapp.services.decks import sync_deck
from tests.conftest import PASSWORD
from tests.e2e.pages import log_in
from tests.factories import SOFTWARE_DECK as DECK
from tests.factories import SOFTWARE_DECK_FILE as DECK_FILE


def current_payload(game_id: int) -> dict:
    db.session.rollback()  # a fresh read: the server wrote since
    game = db.session.get(LiveGame, game_id)
    return db.session.scalar(
        select(LiveQuestion.payload).where(
            LiveQuestion.game_id == game_id, LiveQuestion.position == game.current_index
        )
    )


def right_and_wrong(game_id: int) -> tuple[str, str]:
    db.session.rollback()  # a fresh read: the server wrote since
    game = db.session.get(LiveGame, game_id)
    question = db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game_id, LiveQuestion.position == game.current_index
        )
    )
    right = question.payload["correct"][0]
    wrong = next(c for c in question.payload["choices"] if c not in question.payload["correct"])
    return right, wrong


def choose(page, option: str) -> None:
    page.get_by_role("button", name=option, exact=True).click()
    # the last answer of a question reveals it at once, so the reveal may come first
    done = re.compile("Answer received|Right!|Not this time")
    expect(page.locator("#live-view")).to_contain_text(done)


def test_host_and_three_players_play_three_questions(app, make_user, new_page):
    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    host = new_page()
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/live/new?deck={DECK}")
    for kind in ("True or false", "Multiple select", "Reverse"):
        host.get_by_label(re.compile(kind)).uncheck()
    host.get_by_label("Number of questions").fill("3")
    host.get_by_label(re.compile("Accuracy only")).check()
    host.get_by_role("button", name="Create the game").click()
    pin = host.locator("strong.pin").first.inner_text()
    assert re.fullmatch(r"\d{6}", pin)
    game_id = int(re.search(r"/live/games/(\d+)", host.url).group(1))

    players = {}
    for name in ("Ann", "Bob", "Cy"):
        page = new_page(width=375)
        page.goto(f"/play?pin={pin}")
        page.get_by_label("Nickname").fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#live-view")).to_contain_text("You're in!")
        players[name] = page
    expect(host.locator("#players-title")).to_contain_text("3 players")  # the lobby updates
    host.get_by_role("button", name="Start the game").click()

    for position in range(3):
        expect(host.locator(".screen-prompt")).to_be_visible()
        right, wrong = right_and_wrong(game_id)
        choose(players["Ann"], right)
        if position == 1:
            # Ann reloads mid-game: same player, same score, her answer still counted
            players["Ann"].reload()
            expect(players["Ann"].locator("#me-nick")).to_have_text("Ann")
            expect(players["Ann"].locator("#me-score")).to_have_text("1000")
            expect(players["Ann"].locator("#live-view")).to_contain_text("Answer received")
        choose(players["Bob"], right if position < 2 else wrong)
        choose(players["Cy"], wrong)
        # everyone answered: the host's screen reveals by itself
        expect(host.get_by_text("Answer:")).to_be_visible()
        expect(host.locator(".tiles .is-correct")).to_contain_text(right)
        expect(players["Ann"].locator("#live-view")).to_contain_text("Right!")
        expect(players["Cy"].locator("#live-view")).to_contain_text("Not this time")
        host.get_by_role("button", name="Show the top 5").click()
        expect(host.locator(".leaderboard li").first).to_contain_text("Ann")
        label = "Next question" if position < 2 else "Show the podium"
        host.get_by_role("button", name=label).click()

    # Accuracy only, streak bonus on: Ann 1000 + 1100 + 1200, Bob 1000 + 1100 + 0, Cy 0
    podium = host.locator(".podium-stand li")
    expect(podium).to_have_count(3)
    expect(podium.nth(0)).to_contain_text("Ann")
    expect(podium.nth(0)).to_contain_text("3300")
    expect(podium.nth(1)).to_contain_text("Bob")
    expect(podium.nth(1)).to_contain_text("2100")
    expect(podium.nth(2)).to_contain_text("Cy")
    for name, rank in (("Ann", 1), ("Bob", 2), ("Cy", 3)):
        view = players[name].locator("#live-view")
        expect(view).to_contain_text("Game over")
        expect(view).to_contain_text(f"#{rank} of 3")
    # the phone layout fits 375 px
    assert players["Bob"].evaluate("document.documentElement.scrollWidth") <= 375


def test_a_class_game_from_the_class_page_to_the_gradebook(app, make_user, new_page):
    from quizapp.services import classroom as classroom_service

    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    school_class = classroom_service.create_class(teacher, "History 9B")
    ana, bo = make_user(name="Ana Li"), make_user(name="Bo Chen")
    for student in (ana, bo):
        classroom_service.join_class(student, school_class.join_code)
    host = new_page(color_scheme="dark")
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/classes/{school_class.id}")
    host.get_by_role("link", name="Start a live game").click()
    expect(host.locator("main")).to_contain_text("For the class History 9B")
    host.locator(".deck-picks a").first.click()
    expect(host.get_by_label("Class")).to_have_value(str(school_class.id))
    # Multiple choice only: a drawn multiple-select question shows checkboxes, not the
    # buttons `choose` clicks (the test failed about one run in six without this).
    for kind in ("True or false", "Multiple select", "Reverse"):
        host.get_by_label(re.compile(kind)).uncheck()
    host.get_by_label("Number of questions").fill("1")
    host.get_by_role("button", name="Create the game").click()
    expect(host.locator(".screen-title")).to_contain_text("History 9B")
    expect(host.locator("#class-count")).to_contain_text("0 of 2 in the class")
    pin = host.locator("strong.pin").first.inner_text()

    # Ana joins logged in on her phone: whatever she types, she is "Ana Li"
    phone = new_page(width=375)
    log_in(phone, ana.email, PASSWORD)
    phone.goto(f"/play?pin={pin}")
    phone.get_by_label("Nickname").fill("ninja")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#me-nick")).to_have_text("Ana Li")
    expect(host.locator("#class-count")).to_contain_text("1 of 2 in the class")
    expect(host.locator("#roster li.member")).to_contain_text("Ana Li")

    host.get_by_role("button", name="Start the game").click()
    right, _ = right_and_wrong(int(re.search(r"/live/games/(\d+)", host.url).group(1)))
    choose(phone, right)
    expect(host.get_by_text("Answer:")).to_be_visible()
    host.get_by_role("button", name="End the game").click()
    expect(host.locator(".podium-stand li").first).to_contain_text("Ana Li")

    host.goto(f"/classes/{school_class.id}/gradebook")
    table = host.locator("#gradebook")
    expect(table.locator("thead")).to_contain_text("Live: ")
    expect(table.locator("tbody tr", has_text="Ana Li")).to_contain_text("100%")
    expect(table.locator("tbody tr", has_text="Bo Chen")).to_contain_text("absent")
