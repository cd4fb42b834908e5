"""Helpers that tests of several modules share: decks to load, quizzes to take, games to play.

Fixtures live in conftest.py; these are plain functions and constants, imported by
the tests that need them (never from another test module).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Deck, Question, QuizQuestion
from quizapp.models.live import LiveGame, LiveQuestion
from quizapp.services import live as live_service
from quizapp.services import quizzes as quiz_service

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
STARTUPS_DECK = "chinese-ai-startups"
SOFTWARE_DECK_FILE = Path(__file__).resolve().parents[1] / "questions" / "software_companies.toml"
SOFTWARE_DECK = "software-companies"


def load_software_deck() -> str:
    """Sync the small built-in software-companies deck; returns its key."""
    from quizapp.domain.facts import load_deck
    from quizapp.services.decks import sync_deck

    sync_deck(load_deck(SOFTWARE_DECK_FILE))
    return SOFTWARE_DECK


def order_places(payload: dict, order) -> list[str]:
    """What an order question's selects send to put its items in `order`."""
    return [f"{i}:{list(order).index(item) + 1}" for i, item in enumerate(payload["choices"])]


def right_answer(payload: dict):
    if payload["kind"] == "estimate":
        value = payload["value"]
        return str(int(value)) if payload["unit"] == "year" else format(value, "f")
    if payload["kind"] == "order":
        return order_places(payload, payload["correct"])
    if payload["kind"] == "multiple_select":
        return list(payload["correct"])
    if payload["choices"]:
        return payload["correct"][0]
    return payload["accepted"][0]


def half_answer(payload):
    """An answer worth part of a point: an estimate a factor 2 (or 5 years) off, an
    order with the first two items swapped."""
    if payload["kind"] == "estimate":
        value = payload["value"]
        return str(int(value) + 5) if payload["unit"] == "year" else format(value * 2, "f")
    correct = list(payload["correct"])
    correct[0], correct[1] = correct[1], correct[0]
    return order_places(payload, correct)


def wrong_answer(payload: dict):
    """A wrong answer with no credit."""
    if payload["kind"] == "estimate":
        value = payload["value"]
        return str(int(value) - 30) if payload["unit"] == "year" else format(value * 100, "f")
    if payload["kind"] == "order":
        return order_places(payload, list(reversed(payload["correct"])))
    if payload["choices"]:
        wrong = next(c for c in payload["choices"] if c not in payload["correct"])
        return [wrong] if payload["kind"] == "multiple_select" else wrong
    return "certainly not this"


def quiz_questions(attempt_id: int) -> list[QuizQuestion]:
    return list(
        db.session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.attempt_id == attempt_id)
            .order_by(QuizQuestion.position)
        )
    )


def one_question_of_kind(kind: str, deck_key: str = STARTUPS_DECK) -> Question:
    deck = db.session.scalar(select(Deck).where(Deck.key == deck_key))
    return db.session.scalar(
        select(Question)
        .where(Question.deck_id == deck.id, Question.kind == kind, Question.retired_at.is_(None))
        .order_by(Question.id)
    )


def take(user, attempt_id, answers, start=NOW, step=timedelta(seconds=5)):
    """Answer an attempt's questions in order: answers[i] is "right" or "wrong"."""
    now = start
    results = []
    for verdict in answers:
        shown = quiz_service.current_question(user, attempt_id, now=now)
        payload = quiz_questions(attempt_id)[shown.position - 1].payload
        response = right_answer(payload) if verdict == "right" else wrong_answer(payload)
        now += step
        results.append(
            quiz_service.answer(
                user,
                attempt_id,
                position=shown.position,
                question_id=shown.question_id,
                response=response,
                request_id=f"request-r{attempt_id}-{shown.position}",
                now=now,
            )
        )
    return results


def make_game(teacher, **options):
    options.setdefault("question_count", 3)
    options.setdefault("kinds", ["multiple_choice"])
    return live_service.create_game(teacher, SOFTWARE_DECK, rng=random.Random(7), **options)


def pick_index(state, right: bool) -> int:
    payload = current_question(state["game"]).payload
    for i, option in enumerate(state["question"]["options"]):
        if (option in payload["correct"]) == right:
            return i
    raise AssertionError("no such option")


def current_question(game_id) -> LiveQuestion:
    game = db.session.get(LiveGame, game_id)
    return db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.game_id == game_id, LiveQuestion.position == game.current_index
        )
    )


SMALL = """
[deck]
key = "tiny"
title = "Tiny deck"
source = "https://example.com/tiny"
as_of = "2025"
language = "en"

[relations.founder]
label = "founders"
subject = "company"
value = "person"
forward = "Who founded {subject}?"
reverse = "Which company was founded by {value}?"
statement = "{subject} was founded by {value}."

[entities.acme]
name = "Acme"
type = "company"

[entities.bolt]
name = "Bolt"
type = "company"

[entities.ann]
name = "Ann Smith"
type = "person"

[entities.bob]
name = "Bob Jones"
type = "person"

[entities.cy]
name = "Cy Young"
type = "person"

[entities.di]
name = "Di Prince"
type = "person"

[[facts]]
key = "acme-founder"
subject = "acme"
relation = "founder"
value = "ann"
evidence = "Acme was founded by Ann Smith."

[[facts]]
key = "bolt-founder"
subject = "bolt"
relation = "founder"
value = "bob"
evidence = "Bolt was founded by Bob Jones."
"""


# --- pictures ---------------------------------------------------------------------------------

# A 1x1 PNG, the start and end of a JPEG, and an SVG with a script (never accepted).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64 + b"\xff\xd9"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
