"""Loading decks into the database, and browsing them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from quizapp.domain.facts import load_deck, parse_deck
from quizapp.extensions import db
from quizapp.models import Deck, Fact, Question
from quizapp.services import decks as deck_service
from tests.conftest import count_rows
from tests.factories import SMALL

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
BUILTIN = QUESTIONS / "chinese_ai_startups.toml"


def active(model, **where):
    query = select(model).filter_by(**where).where(model.retired_at.is_(None))
    return list(db.session.scalars(query))


def test_load_is_idempotent(app):
    deck = parse_deck(SMALL, "tiny.toml")
    first = deck_service.sync_deck(deck)
    assert first.created and first.facts["added"] == 2
    version = Deck.query.one().version
    questions = {q.id: q.payload for q in Question.query.all()}

    second = deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    assert not second.changed
    assert second.facts["unchanged"] == 2
    assert Deck.query.one().version == version
    assert {q.id: q.payload for q in Question.query.all()} == questions


def test_editing_a_fact_changes_only_its_questions(app):
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    before = {q.id: (q.fact.key, q.payload) for q in Question.query.all()}

    edited = SMALL.replace('value = "bob"', 'value = "cy"').replace("Bob Jones.", "Cy Young.")
    report = deck_service.sync_deck(parse_deck(edited, "tiny.toml"))
    assert report.facts["updated"] == 1 and report.facts["unchanged"] == 1
    after = {q.id: (q.fact.key, q.payload) for q in Question.query.all()}
    assert set(after) == set(before)  # same ids: history keeps pointing at them
    changed = {qid for qid in after if after[qid] != before[qid]}
    assert changed
    # Acme's questions may mention Bolt's founder as a distractor; none asks about Bolt.
    for qid in changed:
        fact_key, payload = after[qid]
        assert fact_key == "bolt-founder" or "Cy Young" in json.dumps(payload)
    assert Fact.query.filter_by(key="bolt-founder").one().value == "Cy Young"


def test_reordering_the_file_changes_nothing(app):
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    head, first, second = SMALL.split("[[facts]]")
    reordered = head + "[[facts]]" + second + "\n[[facts]]" + first
    assert not deck_service.sync_deck(parse_deck(reordered, "tiny.toml")).changed


def test_removed_fact_is_retired_not_deleted(app):
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    n_questions = count_rows(Question)
    without_bolt = SMALL.split('[[facts]]\nkey = "bolt-founder"')[0]
    report = deck_service.sync_deck(parse_deck(without_bolt, "tiny.toml"))
    assert report.facts["retired"] == 1
    assert count_rows(Question) == n_questions  # nothing deleted
    retired = Fact.query.filter_by(key="bolt-founder").one()
    assert retired.retired_at is not None
    assert all(q.retired_at is not None for q in retired.questions)
    # Putting it back brings the same rows back to life.
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    assert Fact.query.filter_by(key="bolt-founder").one().retired_at is None


def test_builtin_deck_loads_every_fact(app):
    deck = load_deck(BUILTIN)
    deck_service.sync_deck(deck)
    assert len(active(Fact)) == len(deck.facts) >= 80
    assert len(active(Question)) > 300


def test_deck_list_and_page(client, builtin_decks):
    listing = client.get("/decks/").get_data(as_text=True)
    assert "Chinese AI startups" in listing
    page = client.get("/decks/chinese-ai-startups")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Jiang Daxin" in body and "Founded in April 2023" in body  # value and evidence


def test_fact_preview_shows_generated_questions(client, builtin_decks):
    page = client.get("/decks/chinese-ai-startups/facts/stepfun-founder")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Who founded Stepfun?" in body
    assert "Jiang Daxin" in body


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/decks/no-such-deck", "There is no deck"),
        ("/decks/chinese-ai-startups/facts/no-such-fact", "has no fact"),
    ],
)
def test_unknown_deck_or_fact_is_404(client, builtin_decks, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


def test_private_deck_of_another_user_is_invisible(client, app, make_user, login):
    owner, other = make_user(), make_user()
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"), owner=owner, visibility="private")
    login(client, other)
    assert client.get("/decks/tiny").status_code == 404
    assert "Tiny deck" not in client.get("/decks/").get_data(as_text=True)
    client.post("/auth/logout")
    login(client, owner)
    assert client.get("/decks/tiny").status_code == 200


def test_deck_key_of_another_owner_is_refused(app, make_user):
    deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"))
    with pytest.raises(deck_service.ServiceError, match="already used"):
        deck_service.sync_deck(parse_deck(SMALL, "tiny.toml"), owner=make_user())
