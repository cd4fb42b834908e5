"""Bad requests get friendly pages with the right status and change nothing."""

from __future__ import annotations

import pytest

from quizapp.models import User
from tests.conftest import count_rows, running_app


def test_unknown_url_is_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "There is no page at this address." in body
    assert "Traceback" not in body


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@pytest.fixture
def csrf_client(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    with running_app(app_config) as app:
        yield app.test_client()


def test_missing_csrf_token_refused(csrf_client):
    response = csrf_client.post(
        "/auth/register",
        data={
            "email": "a@example.com",
            "display_name": "A",
            "password": "lovelace-1843",
            "confirm": "lovelace-1843",
        },
    )
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert count_rows(User) == 0


def test_oversized_request_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/register", data={"email": "a@example.com", "x": "y" * 4096})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count_rows(User) == 0


def test_unexpected_error_is_friendly_500(app_config):
    # An app of its own: a route is added to it.
    with running_app({**app_config, "PROPAGATE_EXCEPTIONS": False}) as app:

        @app.get("/boom")
        def boom():
            raise RuntimeError("secret internals")

        response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body


def test_security_headers_on_every_response(client):
    for url in ("/", "/auth/login", "/no/such/page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("get", "/decks/%00", {}),
        ("get", "/decks/", {"query_string": {"q": "a\x00b"}}),
        ("post", "/auth/login", {"data": {"email": "a\x00@example.com", "password": "x"}}),
        ("post", "/auth/login", {"json": {"email": "a\x00"}}),
    ],
)
def test_nul_characters_are_refused_everywhere(client, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
