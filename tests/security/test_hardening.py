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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        (" -3 ", -3),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (str(2**31 - 1), 2**31 - 1),
        (str(2**31), None),
        ("9" * 40, None),
    ],
)
def test_form_int_takes_ascii_whole_numbers_in_range(text, value):
    from quizapp.security import form_int

    assert form_int(text) == value


HUGE = "99999999999999999999"  # over 64 bits: SQLite raised OverflowError (a 500)
BIG = str(2**31)  # over 32 bits: PostgreSQL's integer columns refuse it (a 500)


@pytest.fixture
def world(shared_world):
    """The world of tests/security/world.py, built once: these tests change nothing."""
    return shared_world


@pytest.mark.parametrize("number", [HUGE, BIG])
def test_numbers_no_id_can_have_are_404_in_urls(world, number):
    teacher = world.clients["teacher_a"]
    for path in [f"/live/games/{number}", f"/play/{number}", f"/quiz/{number}"]:
        assert teacher.get(path).status_code == 404, path
    poll = teacher.get(f"/play/{number}/state", headers={"If-None-Match": '"1"'})
    assert poll.status_code == 404


@pytest.mark.parametrize("number", [HUGE, BIG, "²", "-1"])
def test_numbers_no_id_can_have_are_400_in_query_strings(world, number):
    assert world.clients["student_a"].get(f"/study/review?item={number}").status_code == 400


@pytest.mark.parametrize("number", [HUGE, BIG, "²", "-1"])
def test_numbers_no_id_can_have_are_400_in_forms(world, number):
    from tests.security.world import snapshot

    before = snapshot()
    student = world.clients["student_a"]
    game = world.ids["game_teacher_a"]
    responses = [
        student.post("/study/check", data={"item": number, "version": "1", "shown_at": "1"}),
        student.post("/study/undo", data={"review": number}),
        student.post(f"/play/{game}/answer", data={"position": number, "pick": "0"}),
        student.post(f"/play/{game}/answer", data={"position": "0", "pick": number}),
    ]
    assert all(r.status_code in (400, 404) for r in responses), [r.status_code for r in responses]
    assert snapshot() == before


def test_cookies_are_secure_when_served_over_https(app_config, monkeypatch, tmp_path):
    from quizapp.config import load_config
    from quizapp.services import accounts
    from tests.conftest import PASSWORD, running_app

    monkeypatch.setenv("QUIZAPP_SECURE_COOKIES", "1")
    secure = load_config(str(tmp_path), {})
    app_config.update({k: secure[k] for k in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")})
    with running_app(app_config) as app:
        user = accounts.register("secure@example.com", "Secure", PASSWORD)
        response = app.test_client().post(
            "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
        )
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    assert all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


@pytest.mark.parametrize("cookie", ["²." + "a" * 32, HUGE + ".token", BIG + ".token", ".", "x"])
def test_a_forged_live_player_cookie_is_no_player(world, cookie):
    # The rejoin cookie is not signed: its player id reached int() and the database.
    game = world.ids["game_teacher_a"]
    client = world.app.test_client()
    client.set_cookie("live_player", cookie, path=f"/play/{game}")
    assert client.get(f"/play/{game}").status_code == 302  # to the join form
    assert client.get(f"/play/{game}/state").status_code == 404
    assert (
        client.post(f"/play/{game}/answer", data={"position": "0", "pick": "0"}).status_code == 404
    )


def test_pages_of_a_logged_in_user_are_not_cached(client, make_user, login):
    # Students share classroom computers: Back after log-out must not show the
    # previous student's pages from the browser's cache.
    assert "no-store" not in client.get("/decks/").headers.get("Cache-Control", "")
    login(client, make_user())
    for path in ["/", "/decks/", "/scores/", "/quiz/"]:
        assert "no-store" in client.get(path).headers["Cache-Control"], path
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")
