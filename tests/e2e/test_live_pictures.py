"""A live game of a private deck whose facts have pictures: the host's projector shows
the question's picture large, each player's phone small (in dark mode too), from the
lead-in on; a homework game shows it too, and scores speed when the host chose it.

With LIVE_SCREENSHOTS=<folder> the screens are saved (to look at, not compared).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from quizapp.domain import images
from quizapp.domain.facts import parse_deck
from quizapp.extensions import db
from quizapp.models import utcnow
from quizapp.models.live import LiveAnswer
from quizapp.services import live as live_service
from quizapp.services import user_decks
from tests.conftest import PASSWORD
from tests.e2e.pages import log_in
from tests.e2e.test_live import choose, right_and_wrong
from tests.e2e.test_live_classroom import join, lead_in  # noqa: F401 (fixture)
from tests.pictures import png

SHOTS = os.environ.get("LIVE_SCREENSHOTS")
# Pictures of every shape: the layout must hold for each (landscape, portrait, a
# panorama, a tiny icon, a large photo's size).
COUNTRIES = [
    ("France", "Paris", (0, 85, 164), (480, 300)),
    ("Italy", "Rome", (0, 146, 70), (300, 900)),
    ("Spain", "Madrid", (198, 11, 30), (1600, 200)),
    ("Peru", "Lima", (217, 16, 35), (64, 64)),
    ("Chile", "Santiago", (0, 57, 166), (2400, 1600)),
]


def deck_toml() -> str:
    lines = [
        '[deck]\nkey = "flags"\ntitle = "Flags and capitals"',
        'source = "https://example.com/flags"\nas_of = "2025"\nlanguage = "en"\n',
        '[relations.capital]\nlabel = "capitals"\nsubject = "place"\nvalue = "place"',
        'forward = "What is the capital of {subject}?"',
        'reverse = "{value} is the capital of which country?"',
        'statement = "The capital of {subject} is {value}."\n',
    ]
    for country, city, _, _ in COUNTRIES:
        lines.append(f'[entities.{country.lower()}]\nname = "{country}"\ntype = "place"\n')
        lines.append(f'[entities.{city.lower()}]\nname = "{city}"\ntype = "place"\n')
    for country, city, colour, size in COUNTRIES:
        lines.append(
            f'[[facts]]\nkey = "{country.lower()}-capital"\nsubject = "{country.lower()}"\n'
            f'relation = "capital"\nvalue = "{city.lower()}"\n'
            f'evidence = "The capital of {country} is {city}."\n'
            f'image = "{picture(colour, size).name}"\n'
        )
    return "\n".join(lines)


def picture(colour, size) -> images.Image:
    return images.accept(png(*size, colour))


def pictured_deck(teacher) -> str:
    row = user_decks.create_deck(teacher, parse_deck(deck_toml()).to_dict(), visibility="private")
    user_decks.change_deck(
        teacher,
        row.key,
        lambda data: data,
        "Pictures",
        images=[picture(colour, size) for _, _, colour, size in COUNTRIES],
    )
    return row.key


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def shoot_big(page, name: str) -> None:
    """The host's screen at 1280x720 and 1920x1080 (the whole page: a scrollbar shows)."""
    if SHOTS:
        for width, height in ((1280, 720), (1920, 1080)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})


def loaded(page, selector: str) -> None:
    """The picture is on the page, with its alt text, and its bytes arrived."""
    img = page.locator(selector)
    expect(img).to_be_visible()
    expect(img).to_have_attribute("alt", "The picture that goes with this question")
    page.wait_for_function(
        "s => { const i = document.querySelector(s);"
        " return i && i.complete && i.naturalWidth > 0; }",
        arg=selector,
    )


def test_host_and_players_see_the_question_s_picture(app, make_user, new_page, lead_in):  # noqa: F811
    teacher = make_user(role="teacher")
    deck = pictured_deck(teacher)
    game = live_service.create_game(
        teacher, deck, kinds=["multiple_choice"], question_count=2, seconds=60
    )
    host = new_page(width=1280)
    host.set_viewport_size({"width": 1280, "height": 720})
    log_in(host, teacher.email, PASSWORD)
    host.goto(f"/live/games/{game.id}")
    ann = new_page(width=375, color_scheme="dark")
    bo = new_page(width=375)
    join(ann, game.pin, "Ann")
    join(bo, game.pin, "Bo")
    expect(host.locator("#player-count")).to_have_text("2")

    host.get_by_role("button", name="Start the game").click()
    loaded(host, ".screen-picture img")
    # the picture comes with the question, before its options open
    expect(ann.locator(".get-ready")).to_be_visible()
    loaded(ann, ".live-picture img")
    shoot_big(host, "host-picture-lead-in")
    shoot(ann, "phone-picture-lead-in-dark")
    expect(host.locator(".tiles")).to_be_visible()
    right, wrong = right_and_wrong(game.id)
    expect(ann.get_by_role("button", name=right, exact=True)).to_be_visible()
    loaded(ann, ".live-picture img")
    loaded(bo, ".live-picture img")
    # a phone's picture leaves room for the options: it is less than half its screen
    box = ann.locator(".live-picture img").bounding_box()
    assert box["width"] <= 375 and box["height"] <= 800 * 0.3
    shoot_big(host, "host-picture-question")
    shoot(ann, "phone-picture-question-dark")
    shoot(bo, "phone-picture-question-light")
    # on the projector the picture is large, and the tiles still fit the screen
    big = host.locator(".screen-picture img").bounding_box()
    assert big["width"] >= 1280 * 0.4 or big["height"] >= 720 * 0.45
    last_tile = host.locator(".tiles .tile").last.bounding_box()
    assert last_tile["y"] + last_tile["height"] <= 720
    end = host.get_by_role("button", name="End the game").bounding_box()
    assert end["y"] + end["height"] <= 720  # the whole screen fits: nothing to scroll
    choose(ann, right)
    loaded(ann, ".live-picture img")  # still there while waiting for the reveal
    choose(bo, wrong)
    expect(host.locator(".tiles .is-correct")).to_contain_text(right)
    loaded(host, ".screen-picture img")
    shoot_big(host, "host-picture-reveal")
    shoot(ann, "phone-picture-reveal-dark")


def test_a_homework_game_with_speed_shows_the_picture_and_scores_speed(app, make_user, new_page):
    teacher = make_user(role="teacher")
    deck = pictured_deck(teacher)
    game = live_service.create_game(
        teacher,
        deck,
        kinds=["multiple_choice"],
        question_count=2,
        seconds=120,
        mode="homework",
        scoring="speed",
        closes_at=utcnow() + timedelta(days=1),
    )
    phone = new_page(width=375, color_scheme="dark")
    join(phone, game.pin, "Ann")
    loaded(phone, ".live-picture img")
    expect(phone.locator(".speed-note")).to_contain_text("Speed counts")
    shoot(phone, "phone-homework-picture-dark")
    db.session.rollback()
    payload = game.questions[0].payload
    phone.get_by_role("button", name=payload["correct"][0], exact=True).click()
    expect(phone.locator(".homework-last")).to_contain_text("Right!")
    loaded(phone, ".live-picture img")  # the next question's
    db.session.rollback()
    (answer,) = db.session.scalars(db.select(LiveAnswer)).all()
    # answered within the two minutes of its question: more than the buzzer's 500
    assert 500 < answer.points <= 1000
    assert re.search(rf"\+{answer.points} points", phone.locator(".homework-last").inner_text())
