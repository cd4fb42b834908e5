"""Accounts through the browser's eyes: register, log in, log out, change password."""

from __future__ import annotations

import pytest

from quizapp.models import User
from tests.conftest import PASSWORD, count_rows


def register(client, email="ada@example.com", password="lovelace-1843", **extra):
    data = {
        "email": email,
        "display_name": "Ada",
        "password": password,
        "confirm": password,
        "role": "student",
    }
    data.update(extra)
    return client.post("/auth/register", data=data)


def test_register_logs_in_and_shows_name(client):
    response = register(client)
    assert response.status_code == 302
    home = client.get("/")
    assert "Ada" in home.get_data(as_text=True)
    assert count_rows(User) == 1


def test_register_as_teacher(client):
    register(client, role="teacher")
    assert User.query.one().role == "teacher"


def test_password_is_hashed(client):
    register(client)
    user = User.query.one()
    assert "lovelace-1843" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("password", "message"),
    [("short1", "at least 8 characters"), ("password123", "most common")],
)
def test_weak_password_refused(client, password, message):
    response = register(client, password=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_rows(User) == 0


def test_duplicate_email_refused(client, make_user):
    make_user(email="ada@example.com")
    response = register(client, email="ADA@example.com ")
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    assert count_rows(User) == 1


def test_invalid_role_refused(client):
    response = register(client, role="admin")
    assert response.status_code == 400
    assert count_rows(User) == 0


def test_login_wrong_password_does_not_reveal_email(client, make_user):
    user = make_user()
    wrong_password = client.post("/auth/login", data={"email": user.email, "password": "nope-nope"})
    unknown_email = client.post(
        "/auth/login", data={"email": "nobody@example.com", "password": "nope-nope"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert "Email or password is not right." in wrong_password.get_data(as_text=True)
    assert "Email or password is not right." in unknown_email.get_data(as_text=True)


def test_login_and_logout(client, make_user, login):
    user = make_user(name="Grace")
    login(client, user)
    assert "Grace" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    assert "Grace" not in client.get("/").get_data(as_text=True)


def test_logout_is_post_only(client, make_user, login):
    login(client, make_user())
    assert client.get("/auth/logout").status_code == 405


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/auth/password", "/auth/password"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_next_only_same_site(client, make_user, next_url, expected):
    user = make_user()
    response = client.post(
        "/auth/login",
        query_string={"next": next_url},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_change_password_logs_out_other_sessions(app, make_user, login):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.post(
        "/auth/password",
        data={"current": PASSWORD, "password": "a-new-secret-9", "confirm": "a-new-secret-9"},
    )
    assert response.status_code == 302
    # The session that changed the password stays logged in; the other one is out.
    assert first.get("/auth/password").status_code == 200
    assert second.get("/auth/password").status_code == 302
    # The new password works, the old one does not.
    fresh = app.test_client()
    assert (
        fresh.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code
        == 401
    )
    login(fresh, user, "a-new-secret-9")


def test_change_password_wrong_current(client, make_user, login):
    user = make_user()
    login(client, user)
    password_hash = User.query.one().password_hash
    response = client.post(
        "/auth/password",
        data={
            "current": "not-my-password",
            "password": "a-new-secret-9",
            "confirm": "a-new-secret-9",
        },
    )
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)
    assert User.query.one().password_hash == password_hash
    assert client.get("/auth/password").status_code == 200  # still logged in


def test_change_password_requires_login(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


def test_session_cookie_flags(client, make_user, login):
    response = login(client, make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_remember_me_cookie_is_revoked_by_a_password_change(app, make_user):
    user = make_user()
    remembered = app.test_client()
    response = remembered.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    # Drop the session cookie: only the remember-me cookie logs this browser in now.
    remembered.delete_cookie("session")
    assert remembered.get("/auth/password").status_code == 200

    other = app.test_client()
    login_response = other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert login_response.status_code == 302
    other.post(
        "/auth/password",
        data={"current": PASSWORD, "password": "a-new-secret-9", "confirm": "a-new-secret-9"},
    )
    remembered.delete_cookie("session")
    assert remembered.get("/auth/password").status_code == 302


def test_session_is_renewed_at_login(app, make_user):
    user = make_user()
    client = app.test_client()
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before log-in"
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session
