"""Uploads cannot fill the disk or a page (issue 15): staged uploads are capped and
expire, uploads are rate-limited per user, every text of a deck has a length cap,
and a deck key or a nesting that used to reach a 500 gets a message instead."""

from __future__ import annotations

import io
from datetime import timedelta

from quizapp.extensions import db
from quizapp.models import Deck, PendingImport
from quizapp.models.types import utcnow
from quizapp.services import user_decks
from tests.conftest import count_rows, running_app
from tests.factories import SMALL


def fact_file(key: str = "tiny", description: str = "A deck.") -> bytes:
    text = SMALL.replace('key = "tiny"', f'key = "{key}"', 1)
    with_description = f'language = "en"\ndescription = "{description}"'
    return text.replace('language = "en"', with_description, 1).encode()


def upload(client, url: str, data: bytes, filename: str):
    return client.post(
        url,
        data={"file": (io.BytesIO(data), filename), "visibility": "private"},
        content_type="multipart/form-data",
    )


CSV = b"Question,Answer\nCapital of France?,Paris\nCapital of Peru?,Lima\n"


def test_a_user_keeps_at_most_three_staged_uploads(client, make_user, login):
    login(client, make_user("teacher"))
    tokens = []
    for n in range(5):
        response = upload(client, "/decks/import/csv", CSV, f"t{n}.csv")
        assert response.status_code == 302
        tokens.append(response.headers["Location"].rsplit("/", 1)[1])
    kept = {row.id for row in PendingImport.query.all()}
    assert kept == set(tokens[-user_decks.MAX_PENDING_PER_USER :])
    assert client.get(f"/decks/import/csv/{tokens[0]}").status_code == 404


def test_staged_uploads_of_anyone_expire(client, make_user, login):
    other = make_user("teacher")
    old = PendingImport(
        id="a" * 32,
        owner_id=other.id,
        kind="csv",
        filename="old.csv",
        payload={"text": "x"},
        created_at=utcnow() - user_decks.PENDING_LIFETIME - timedelta(minutes=1),
    )
    db.session.add(old)
    db.session.commit()
    login(client, make_user("teacher"))
    assert upload(client, "/decks/import/csv", CSV, "t.csv").status_code == 302
    assert [row.filename for row in PendingImport.query.all()] == ["t.csv"]


def test_uploads_are_rate_limited_per_user(app_config, make_user):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with running_app(app_config) as app:
        from quizapp.services import accounts

        client = app.test_client()
        user = accounts.register("up@example.com", "Up", "correct horse battery", "teacher")
        client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"})
        statuses = [
            upload(client, "/decks/import/csv", b"bad", "x.csv").status_code for _ in range(31)
        ]
        assert statuses[:30] == [400] * 30
        assert statuses[30] == 429
        # The limit is the user's: another user from the same address may still upload.
        other = accounts.register("up2@example.com", "Up 2", "correct horse battery", "teacher")
        second = app.test_client()
        second.post("/auth/login", data={"email": other.email, "password": "correct horse battery"})
        assert upload(second, "/decks/import/csv", CSV, "x.csv").status_code == 302


def test_a_long_description_is_refused_with_its_length(client, make_user, login):
    # 9 MB were accepted, and made a 9.4 MB deck page; under the test client's 500 KB
    # spooling threshold here, the same rule.
    login(client, make_user("teacher"))
    response = upload(client, "/decks/upload", fact_file(description="x" * 400_000), "big.toml")
    assert response.status_code == 400
    assert "400,000 characters long; at most 2,000" in response.get_data(as_text=True)
    assert count_rows(Deck) == 0


def test_a_deck_key_ending_in_a_newline_is_refused(client, make_user, login):
    login(client, make_user("teacher"))
    response = upload(client, "/decks/upload", fact_file(key="nl-deck\\n"), "nl.toml")
    assert response.status_code == 400
    assert count_rows(Deck) == 0


def test_a_fact_file_nested_50000_deep_gets_a_message(client, make_user, login):
    login(client, make_user("teacher"))
    deep = b"x = " + b"[" * 50_000 + b"]" * 50_000
    response = upload(client, "/decks/upload", deep, "deep.toml")
    assert response.status_code == 400
    assert "nested too deeply" in response.get_data(as_text=True)
    assert count_rows(Deck) == 0
