"""Deck keys can't be probed: a key held by a deck you can't see answers like a free one.

A user's deck is stored under the key they ask for plus "-u<their id>", so two users
never compete for a key and creating a deck says nothing about anyone else's decks.
"""

from __future__ import annotations

import io

import pytest

from quizapp.models import Deck
from quizapp.services import user_decks
from tests.conftest import count_rows
from tests.security.world import deck_toml

FORM = {"title": "Exam", "source": "https://example.com", "as_of": "2025", "language": "en"}


@pytest.fixture
def secret_deck(make_user):
    """A teacher's private deck with a key worth probing for."""
    owner = make_user(role="teacher")
    data = {"deck": {"key": "exam-answers", **FORM}, "relations": {}, "entities": {}}
    return user_decks.create_deck(owner, {**data, "facts": []}, visibility="private")


def new_deck(client, key: str):
    response = client.post("/decks/new", data={**FORM, "key": key, "visibility": "private"})
    return response.status_code, response.headers.get("Location", "")


def test_a_key_held_by_a_private_deck_answers_like_a_free_one(
    client, make_user, login, secret_deck
):
    prober = make_user()
    login(client, prober)
    taken = new_deck(client, secret_deck.key.removesuffix(f"-u{secret_deck.owner_id}"))
    free = new_deck(client, "no-deck-has-this")
    assert taken == (302, f"/decks/exam-answers-u{prober.id}/edit")
    assert free == (302, f"/decks/no-deck-has-this-u{prober.id}/edit")
    # Even the stored key itself: it becomes the prober's own.
    assert new_deck(client, secret_deck.key) == (
        302,
        f"/decks/{secret_deck.key}-u{prober.id}/edit",
    )
    assert count_rows(Deck) == 4


def test_an_upload_with_a_private_decks_key_answers_like_a_free_one(
    client, make_user, login, secret_deck
):
    prober = make_user()
    login(client, prober)
    for key in ("exam-answers", "free-key"):
        toml = deck_toml(key, key).encode()
        response = client.post(
            "/decks/upload",
            data={"file": (io.BytesIO(toml), "deck.toml"), "visibility": "private"},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert response.headers["Location"] == f"/decks/{key}-u{prober.id}"


def test_your_own_key_twice_is_refused_with_a_message(client, make_user, login):
    login(client, make_user())
    assert new_deck(client, "mine")[0] == 302
    response = client.post("/decks/new", data={**FORM, "key": "mine", "visibility": "private"})
    assert response.status_code == 400
    assert "You already have a deck with the key" in response.get_data(as_text=True)
    assert count_rows(Deck) == 1


def test_keys_stay_within_the_column_and_are_kept_when_already_yours(make_user):
    user = make_user()
    long_key = "a" * 80
    scoped = user_decks.owner_key(user, long_key)
    assert len(scoped) <= Deck.__table__.c.key.type.length
    assert scoped.endswith(f"-u{user.id}")
    assert user_decks.owner_key(user, scoped) == scoped
    assert user_decks.owner_key(user, "x-u999999") == f"x-u999999-u{user.id}"
