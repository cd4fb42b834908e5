"""Rate limits on log-in and registration, shared between workers through Redis."""

from __future__ import annotations

import uuid

import pytest
import redis

from tests.conftest import running_app

REDIS_URL = "redis://127.0.0.1:6379"


def attempts(client, n):
    return [
        client.post("/auth/login", data={"email": "a@example.com", "password": "wrong-wrong"})
        for _ in range(n)
    ]


def test_login_is_rate_limited_with_a_friendly_page(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with running_app(app_config) as app:
        responses = attempts(app.test_client(), 11)
    assert [r.status_code for r in responses[:10]] == [401] * 10
    assert responses[10].status_code == 429
    assert "Too many attempts" in responses[10].get_data(as_text=True)


def test_get_of_the_form_is_not_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with running_app(app_config) as app:
        client = app.test_client()
        assert all(client.get("/auth/login").status_code == 200 for _ in range(15))


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


def test_workers_share_counters_through_redis(app_config, redis_url):
    # Two app instances stand for two gunicorn workers behind one address.
    app_config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=f"quizapp-test-{uuid.uuid4().hex}",
    )
    with running_app(app_config) as first, running_app(app_config) as second:
        assert {r.status_code for r in attempts(first.test_client(), 6)} == {401}
        assert {r.status_code for r in attempts(second.test_client(), 4)} == {401}
        assert attempts(second.test_client(), 1)[0].status_code == 429


def test_live_pin_guessing_is_rate_limited_but_right_pins_are_not(app_config, make_user):
    from quizapp.services import live as live_service
    from tests.security.world import deck_toml

    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with running_app(app_config) as app:
        from quizapp.domain.facts import parse_deck
        from quizapp.services import accounts
        from quizapp.services import decks as deck_service

        deck_service.sync_deck(parse_deck(deck_toml("pub", "pub")))
        host = accounts.register("host@example.com", "Host", "correct horse battery", "teacher")
        game = live_service.create_game(host, "pub", question_count=2)
        client = app.test_client()
        # A class behind one address: many right PINs are never limited.
        joins = [
            client.post("/play", data={"pin": game.pin, "nickname": f"Kid {n}"}) for n in range(25)
        ]
        assert {r.status_code for r in joins} == {302}
        wrong = "000000" if game.pin != "000000" else "111111"
        guesses = [client.post("/play", data={"pin": wrong, "nickname": "x"}) for _ in range(21)]
        assert [r.status_code for r in guesses[:20]] == [404] * 20
        assert guesses[20].status_code == 429
        assert "Too many attempts" in guesses[20].get_data(as_text=True)
        # Once limited, even the right PIN waits: guessing can't be resumed by luck.
        right = client.post("/play", data={"pin": game.pin, "nickname": "Late"})
        assert right.status_code == 429


def test_registration_and_password_changes_are_rate_limited(app_config, make_user):
    from tests.conftest import PASSWORD

    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with running_app(app_config) as app:
        client = app.test_client()
        bad = {"email": "not-an-email", "display_name": "X", "password": "x", "confirm": "y"}
        statuses = [client.post("/auth/register", data=bad).status_code for _ in range(11)]
        assert statuses == [400] * 10 + [429]

        from quizapp.services import accounts

        user = accounts.register("limited@example.com", "Limited", PASSWORD)
        other = app.test_client()
        with other.session_transaction() as session:
            session["_user_id"] = accounts.start_session(user)
        wrong = {
            "current": "not my password",
            "password": "a-new-secret-9",
            "confirm": "a-new-secret-9",
        }
        statuses = [other.post("/auth/password", data=wrong).status_code for _ in range(11)]
        assert statuses[-1] == 429 and 429 not in statuses[:10]
