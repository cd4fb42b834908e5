"""Log-out ends the session on the server: a copied cookie is useless afterwards.

Each log-in is a row of `login_sessions`; the session cookie and the remember-me cookie
carry its secret. Log-out deletes this browser's row, "Log out everywhere" all the
user's rows, so a cookie copied before either answers as nobody.
"""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.conftest import PASSWORD, count_rows

ACCOUNT_PAGE = "/auth/password"  # needs a log-in: 200 when logged in, 302 when not


def cookie(client: FlaskClient, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def replay(app, **cookies: str) -> FlaskClient:
    """A new browser that sends only the given cookies (as an attacker who copied them)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def log_in(client: FlaskClient, user, remember: bool = False) -> None:
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302


def test_a_copied_session_cookie_is_useless_after_log_out(app, make_user):
    user = make_user()
    browser = app.test_client()
    log_in(browser, user)
    copied = cookie(browser, "session")
    assert replay(app, session=copied).get(ACCOUNT_PAGE).status_code == 200

    assert browser.post("/auth/logout").status_code == 302

    assert replay(app, session=copied).get(ACCOUNT_PAGE).status_code == 302
    assert browser.get(ACCOUNT_PAGE).status_code == 302


def test_a_copied_remember_cookie_is_useless_after_log_out(app, make_user):
    user = make_user()
    browser = app.test_client()
    log_in(browser, user, remember=True)
    copied = cookie(browser, "remember_token")
    assert replay(app, remember_token=copied).get(ACCOUNT_PAGE).status_code == 200

    browser.post("/auth/logout")

    assert replay(app, remember_token=copied).get(ACCOUNT_PAGE).status_code == 302


def test_log_out_ends_only_this_browsers_session(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user, remember=True)

    laptop.post("/auth/logout")

    assert phone.get(ACCOUNT_PAGE).status_code == 200
    phone.delete_cookie("session")
    assert phone.get(ACCOUNT_PAGE).status_code == 200  # its remember-me cookie too


def test_log_out_everywhere_ends_every_session_and_remember_cookie(app, make_user):
    from quizapp.models import LoginSession

    user, someone_else = make_user(), make_user()
    laptop, phone, other = app.test_client(), app.test_client(), app.test_client()
    log_in(laptop, user)
    log_in(phone, user, remember=True)
    log_in(other, someone_else)
    remembered = cookie(phone, "remember_token")

    response = laptop.post("/auth/logout-everywhere")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert laptop.get(ACCOUNT_PAGE).status_code == 302
    assert phone.get(ACCOUNT_PAGE).status_code == 302
    assert replay(app, remember_token=remembered).get(ACCOUNT_PAGE).status_code == 302
    assert other.get(ACCOUNT_PAGE).status_code == 200
    assert count_rows(LoginSession) == 1  # someone else's


def test_log_out_everywhere_is_offered_on_the_account_page(client, make_user, login):
    login(client, make_user())
    page = client.get(ACCOUNT_PAGE).get_data(as_text=True)
    assert 'action="/auth/logout-everywhere"' in page
    assert "Log out everywhere" in page


def test_log_out_everywhere_needs_a_post_with_a_csrf_token(app_config):
    from quizapp.services import accounts
    from tests.conftest import running_app

    with running_app({**app_config, "WTF_CSRF_ENABLED": True}) as csrf_app:
        user = accounts.register("csrf@example.com", "Csrf", PASSWORD)
        browser = csrf_app.test_client()
        page = browser.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
        assert browser.post("/auth/login", data=data).status_code == 302
        assert browser.get("/auth/logout-everywhere").status_code == 405
        assert browser.post("/auth/logout-everywhere").status_code == 400
        assert browser.get(ACCOUNT_PAGE).status_code == 200


def test_a_session_id_without_its_secret_finds_no_one(app, make_user):
    from quizapp.services import accounts

    user = make_user()
    with app.test_request_context():
        good = accounts.start_session(user)
        user_id, _, secret = good.partition(":")
        assert accounts.load_user(good) is not None
        for forged in (user_id, f"{user_id}:", f"{user_id}:{secret[:-1]}x", f"0:{secret}"):
            assert accounts.load_user(forged) is None, forged
