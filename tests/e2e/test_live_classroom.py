"""A live game as a class plays it: the host approves players and locks the lobby, the
options open after a lead-in, one child comes back through /play in the same browser,
another on a new device with the rejoin code, and the podium shows the top three.

With LIVE_SCREENSHOTS=<folder> the host's screen is saved at 1280x720 and 1920x1080
in each phase (to look at, not compared).
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from quizapp.domain.facts import load_deck
from quizapp.extensions import db
from quizapp.models.live import LiveGame
from quizapp.services.decks import sync_deck
from tests.conftest import PASSWORD
from tests.e2e.pages import log_in
from tests.e2e.test_live import choose, right_and_wrong
from tests.factories import SOFTWARE_DECK as DECK
from tests.factories import SOFTWARE_DECK_FILE as DECK_FILE

SHOTS = os.environ.get("LIVE_SCREENSHOTS")


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 720})


def shoot_phone(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"phone-{name}.png"), full_page=True)


@pytest.fixture
def lead_in(app):
    app.config["LIVE_LEAD_IN"] = True
    yield
    app.config["LIVE_LEAD_IN"] = False


def join(page, pin: str, name: str, code: str = "") -> None:
    page.goto(f"/play?pin={pin}")
    page.get_by_label("Nickname").fill(name)
    if code:
        page.get_by_text("Coming back on another device?").click()
        page.get_by_label(re.compile("Rejoin code")).fill(code)
    page.get_by_role("button", name="Join").click()


def test_a_class_plays_with_approval_a_lead_in_and_both_ways_back(
    app, make_user, new_page, browser, live_server, lead_in
):
    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    host = new_page(width=1280)
    host.set_viewport_size({"width": 1280, "height": 720})
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/live/new?deck={DECK}")
    for kind in ("True or false", "Multiple select", "Reverse"):
        host.get_by_label(re.compile(kind)).uncheck()
    host.get_by_label("Number of questions").fill("2")
    host.get_by_label(re.compile("Accuracy only")).check()
    host.get_by_label(re.compile("Let each player in myself")).check()
    host.get_by_role("button", name="Create the game").click()
    pin = host.locator("strong.pin").first.inner_text()
    game_id = int(re.search(r"/live/games/(\d+)", host.url).group(1))
    assert host.locator("nav.nav").count() == 0  # a screen for the projector, no site nav

    players = {}
    for name in ("Ann", "Bob", "Cy"):
        page = new_page(width=375)
        join(page, pin, name)
        expect(page.locator("#live-view")).to_contain_text("Almost in")
        players[name] = page
    pending = host.locator("#pending li")
    expect(pending).to_have_count(3)
    shoot(host, "lobby")
    for name in ("Ann", "Bob", "Cy"):
        host.locator("#pending li", has_text=name).get_by_role("button", name="Let in").click()
        expect(players[name].locator("#live-view")).to_contain_text("You're in!")
    host.get_by_role("button", name="Lock the lobby").click()
    late = new_page(width=375)
    join(late, pin, "Dan")
    expect(late.locator("main")).to_contain_text("locked")

    host.get_by_role("button", name="Start the game").click()
    # the question first; its options open on every screen at the announced moment
    expect(host.locator("#lead-in")).to_be_visible()
    expect(players["Ann"].locator(".get-ready")).to_be_visible()
    shoot(host, "lead-in")
    shoot_phone(players["Ann"], "lead-in")
    right, wrong = right_and_wrong(game_id)
    expect(host.locator(".tiles")).to_be_visible()
    shoot(host, "question")
    choose(players["Ann"], right)
    # Bob closes his tab and comes back through /play with the PIN and his name
    context = players["Bob"].context
    players["Bob"].close()
    players["Bob"] = context.new_page()
    join(players["Bob"], pin, "Bob")
    expect(players["Bob"].locator("#me-nick")).to_have_text("Bob")
    choose(players["Bob"], right)
    # Cy's tablet dies; on a new device she types the code her old screen showed
    code = players["Cy"].locator("#rejoin-code").inner_text()
    phone = new_page(width=375)
    join(phone, pin, "Cy", code=code)
    expect(phone.locator("#me-nick")).to_have_text("Cy")
    players["Cy"] = phone
    choose(players["Cy"], wrong)
    expect(host.locator(".tiles .is-correct")).to_contain_text(right)
    expect(host.locator(".tiles .is-wrong").first).to_be_visible()
    shoot(host, "reveal")
    host.get_by_role("button", name="End the game").click()

    podium = host.locator(".podium-stand li")
    expect(podium).to_have_count(3)
    expect(podium.nth(0)).to_contain_text("1000 points")
    shoot(host, "podium")
    for name in ("Ann", "Bob", "Cy"):
        expect(players[name].locator("#live-view")).to_contain_text("Game over")


def test_a_team_game_with_an_estimate_and_an_order_question(app, make_user, new_page):
    from quizapp.services import live as live_service
    from tests.e2e.test_live import current_payload

    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    # Two questions, one of each kind (estimates far outnumber orders in this deck: with
    # questions drawn at random the game took several rounds to ask an order)
    game = live_service.create_game(
        teacher,
        DECK,
        kinds=["estimate", "order"],
        question_count=2,
        team_count=2,
        rng=random.Random(6),
    )
    assert sorted(q.payload["kind"] for q in game.questions) == ["estimate", "order"]
    host = new_page(width=1280)
    host.set_viewport_size({"width": 1280, "height": 720})
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/live/games/{game.id}")
    players = {}
    for name in ("Ann", "Bob", "Cy"):
        page = new_page(width=375)
        join(page, game.pin, name)
        expect(page.locator("#me-team")).to_have_text(re.compile("Red|Blue"))
        players[name] = page
    expect(host.locator("#roster .team-badge")).to_have_count(3)
    shoot(host, "team-lobby")
    host.get_by_role("button", name="Start the game").click()
    seen = set()
    while seen != {"estimate", "order"}:
        expect(host.locator(".screen-prompt")).to_be_visible()
        payload = current_payload(game.id)
        seen.add(payload["kind"])
        expect(players["Ann"].locator(".option-buttons, .typed-answer")).to_be_visible()
        shoot_phone(players["Ann"], payload["kind"])
        for name, page in players.items():
            if payload["kind"] == "estimate":
                guess = int(payload["value"]) + (0 if name == "Ann" else 3)
                page.get_by_label(re.compile("Your guess")).fill(str(guess))
                page.get_by_role("button", name="Send my answer").click()
            else:
                items = payload["correct"] if name != "Cy" else payload["correct"][::-1]
                for item in items:
                    page.get_by_role("button", name=item, exact=True).click()
                page.get_by_role("button", name="Send my order").click()
            expect(page.locator("#live-view")).to_contain_text(
                re.compile("Answer received|Right!|Partly right|Not this time")
            )
        if payload["kind"] == "estimate":
            expect(host.locator(".true-value")).to_contain_text("True value")
            expect(host.locator(".guesses li").first).to_contain_text("Ann")
            shoot(host, "estimate-reveal")
        else:
            expect(host.locator(".right-order li")).to_have_count(len(payload["correct"]))
            shoot(host, "order-reveal")
        expect(host.locator(".team-scores li")).to_have_count(2)
        host.get_by_role("button", name="Show the top 5").click()
        if seen != {"estimate", "order"}:  # the kind still missing may be the last question
            host.get_by_role("button", name="Next question").click()
    host.get_by_role("button", name="End the game").click()
    expect(host.locator(".podium-stand li").first).to_contain_text("Team")
    shoot(host, "team-podium")


def test_homework_taken_by_two_students_at_different_times_lands_in_the_gradebook(
    app, make_user, new_page
):
    from quizapp.services import classroom as classroom_service

    sync_deck(load_deck(DECK_FILE))
    teacher = make_user(role="teacher")
    school_class = classroom_service.create_class(teacher, "History 9B")
    ana, bo = make_user(name="Ana Li"), make_user(name="Bo Chen")
    for student in (ana, bo):
        classroom_service.join_class(student, school_class.join_code)
    host = new_page(width=1280)
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/live/new?deck={DECK}&class_id={school_class.id}")
    for kind in ("True or false", "Multiple select", "Reverse"):
        host.get_by_label(re.compile(kind)).uncheck()
    host.get_by_label("Number of questions").fill("2")
    host.get_by_label(re.compile("Homework: each player")).check()
    host.get_by_role("button", name="Create the game").click()
    expect(host.locator("#join-how")).to_contain_text("Homework")
    pin = host.locator("strong.pin").first.inner_text()
    game_id = int(re.search(r"/live/games/(\d+)", host.url).group(1))
    shoot(host, "homework-host")

    for student, right in ((ana, True), (bo, False)):
        phone = new_page(width=375)
        log_in(phone, student.email, PASSWORD)
        phone.goto(f"/play?pin={pin}")
        phone.get_by_role("button", name="Join").click()
        for position in range(2):
            expect(phone.locator(".live-prompt")).to_contain_text(f"{position + 1}.")
            db.session.rollback()
            payload = db.session.get(LiveGame, game_id).questions[position].payload
            options = payload["choices"]
            choice = (
                payload["correct"][0]
                if right
                else next(o for o in options if o not in payload["correct"])
            )
            phone.get_by_role("button", name=choice, exact=True).click()
            expect(phone.locator(".homework-last")).to_contain_text(
                "Right!" if right else "Not this time"
            )
        expect(phone.locator("main")).to_contain_text("Done!")
        shoot_phone(phone, f"homework-{student.display_name.split()[0]}")
        phone.context.close()

    # The host's screen reloads itself when players join (no reload here: one of ours
    # could cross one of its own).
    expect(host.locator(".homework-progress tbody tr")).to_have_count(2)
    host.get_by_role("button", name="Close the homework now").click()
    host.goto(f"/classes/{school_class.id}/gradebook")
    table = host.locator("#gradebook")
    expect(table.locator("tbody tr", has_text="Ana Li")).to_contain_text("100%")
    expect(table.locator("tbody tr", has_text="Bo Chen")).to_contain_text("0%")
