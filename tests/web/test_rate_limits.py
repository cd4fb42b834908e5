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
