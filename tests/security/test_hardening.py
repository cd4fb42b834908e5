"""Regression tests for the weaknesses the security audit (issue 10) found and fixed."""

from __future__ import annotations

import pytest

from quizapp.models import Deck, User
from tests.conftest import count_rows


@pytest.mark.parametrize(
    "body", ["true", "[1, 2]", '"text"', '{"title": {"nested": [1]}}', '{"title": "Fine"}']
)
def test_a_json_body_sent_to_a_form_is_refused_with_415(client, make_user, login, body):
    # Flask-WTF reads a JSON body as form data: `true` or `[1, 2]` made it raise a
    # TypeError (a 500) and nested values reached filters that expect text.
    login(client, make_user())
    response = client.post("/decks/new", data=body, content_type="application/json")
    assert response.status_code == 415
    assert "takes a form, not JSON" in response.get_data(as_text=True)
    assert count_rows(Deck) == 0


def test_json_refusal_also_covers_forms_without_login(client):
    response = client.post("/auth/register", data="[1]", content_type="application/json")
    assert response.status_code == 415
    assert count_rows(User) == 0


def test_json_refusal_answers_json_to_a_json_client(client, make_user, login):
    login(client, make_user())
    response = client.post(
        "/decks/new",
        data="true",
        content_type="application/json",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 415
    assert response.get_json()["status"] == 415


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("HTTP://example.com", "HTTP://example.com"),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//evil.example.com", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_http_sources_become_links(url, linked):
    # A fact's source is typed by its author; the quiz feedback page linked it as is,
    # so a `javascript:` source ran (where CSP did not stop it) when a learner clicked.
    from quizapp.security import http_url

    assert http_url(url) == linked
