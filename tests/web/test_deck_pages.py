"""Deck pages that do not grow with the deck (issue 21): pages of 50 facts, search.

A 600-fact deck (synthetic, every value type) against a 120-fact one: the page
weighs the same, far under the 100 KB page budget; search finds what it says and
takes `%` and `_` literally; bad page numbers and searches get messages.
"""

from __future__ import annotations

import random
import re

import pytest

from bench.synthetic import synthetic_deck
from quizapp.services.decks import FACTS_PER_PAGE, sync_deck
from tests.conftest import database_template

BIG = 600  # facts: twelve pages, and more entities than the Export menu lists


@database_template
def page_deck_rows() -> None:
    """The decks "big" (600 facts) and "small" (120), synthetic."""
    sync_deck(synthetic_deck(BIG, random.Random(3), key="big"))
    sync_deck(synthetic_deck(120, random.Random(3), key="small"))


@pytest.fixture
def decks(app, page_deck_rows) -> None:
    """The decks "big" and "small", in the test's database."""


def test_forms_on_the_page_list_entities_only_while_they_fit(client, decks, make_user, login):
    # The Export menu's entities and the custom quiz's topics: one checkbox each.
    login(client, make_user())
    small = client.get("/decks/small").get_data(as_text=True)
    big = client.get("/decks/big").get_data()
    assert "Only some entities" in small and 'name="subjects"' in small
    assert b"Only some entities" not in big and b'name="subjects"' not in big
    assert len(big) < 100_000


def facts_shown(html: str) -> int:
    return html.count('class="fact"')


def test_a_big_deck_page_weighs_what_a_small_one_does(client, decks):
    big = client.get("/decks/big").get_data()
    small = client.get("/decks/small").get_data()
    assert facts_shown(big.decode()) == facts_shown(small.decode()) == FACTS_PER_PAGE
    assert len(big) < 100_000
    assert len(big) < 1.1 * len(small)
    assert f"{BIG} facts" in big.decode()
    assert f"Facts 1–50 of {BIG}." in big.decode()


def test_pages_cover_every_fact_once(client, decks):
    seen = []
    pages = -(-BIG // FACTS_PER_PAGE)
    for page in range(1, pages + 1):
        html = client.get(f"/decks/big?page={page}").get_data(as_text=True)
        seen += re.findall(r"/decks/big/facts/([a-z0-9-]+)", html)
    assert len(seen) == len(set(seen)) == BIG
    last = client.get(f"/decks/big?page={pages}").get_data(as_text=True)
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_search_finds_matching_facts_only(client, decks):
    html = client.get("/decks/big?q=Company+17").get_data(as_text=True)
    assert "facts match “Company 17”" in html
    subjects = set(re.findall(r'<h2 id="subject-\d+">([^<]+)</h2>', html))
    assert subjects and all(s.startswith("Company 17") for s in subjects)
    assert 'value="Company 17"' in html  # the search stays in its box


def test_search_takes_wildcards_literally(client, decks):
    html = client.get("/decks/small?q=%25").get_data(as_text=True)
    assert "0 of 120 facts match" in html
    assert facts_shown(html) == 0
    assert facts_shown(client.get("/decks/small?q=_").get_data(as_text=True)) == 0


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("page=0", 400, "whole number from 1"),
        ("page=abc", 400, "whole number from 1"),
        ("page=²", 400, "whole number from 1"),
        ("page=999", 404, "no page 999: the facts fill 3 page(s)"),
        ("q=" + "x" * 101, 400, "at most 100 characters"),
    ],
)
def test_bad_pages_and_searches_get_words(client, decks, query, status, words):
    response = client.get(f"/decks/small?{query}")
    assert response.status_code == status
    assert words in response.get_data(as_text=True)


def test_the_quiz_kinds_a_deck_offers_are_found_with_its_questions(app, decks):
    """Every deck page's quiz form asks which kinds the deck offers, which builds every
    estimate and order question of it: `sync_deck` finds them and stores them on the
    deck, so a page reads them; a deck synced before that column existed has them worked
    out once per version of the deck."""
    from sqlalchemy import event, update

    from quizapp.extensions import db
    from quizapp.models import Deck
    from quizapp.services import quizzes as quiz_service
    from quizapp.services import write_transaction
    from quizapp.services.quizzes.starting import find_fact_kinds

    deck = db.session.scalar(db.select(Deck).where(Deck.key == "big"))
    assert deck.quiz_kinds == ",".join(find_fact_kinds(deck)) == "estimate,order"
    offered = quiz_service.deck_kinds(deck)
    assert offered[-2:] == ("estimate", "order")
    statements = []

    def record(conn, cursor, statement, *rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert quiz_service.deck_kinds(deck) == offered
        assert not [s for s in statements if "questions" in s]  # read from the deck
        with write_transaction():  # as a deck synced before 0020 is
            db.session.execute(update(Deck).where(Deck.id == deck.id).values(quiz_kinds=None))
        db.session.refresh(deck)
        assert quiz_service.deck_kinds(deck) == offered
        asked = len([s for s in statements if "questions" in s])
        assert asked and quiz_service.deck_kinds(deck) == offered
        assert len([s for s in statements if "questions" in s]) == asked  # once a version
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    sync_deck(synthetic_deck(BIG, random.Random(4), key="big"))  # a new version: found again
    db.session.refresh(deck)
    assert deck.quiz_kinds == "estimate,order"
