"""Who may be a teacher: QUIZAPP_TEACHER_SIGNUP=open (default) | approval | closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.config import ConfigError, load_config
from quizapp.models import User
from tests.conftest import PASSWORD, count_rows

QUIZAPP = Path(sys.executable).with_name("quizapp")


def sign_up(client, email: str, role: str = "teacher"):
    data = {
        "email": email,
        "display_name": email.split("@")[0],
        "password": PASSWORD,
        "confirm": PASSWORD,
        "role": role,
    }
    return client.post("/auth/register", data=data)


def user(email: str) -> User | None:
    return User.query.filter_by(email=email).one_or_none()


@pytest.fixture
def setting(app_config, request):
    app_config["TEACHER_SIGNUP"] = request.param
    return request.param


def test_open_is_the_default_and_anyone_may_sign_up_as_a_teacher(app, client):
    assert app.config["TEACHER_SIGNUP"] == "open"
    assert "Teacher" in client.get("/auth/register").get_data(as_text=True)
    assert sign_up(client, "t@example.com").status_code == 302
    assert user("t@example.com").role == "teacher"


@pytest.mark.parametrize("setting", ["approval"], indirect=True)
def test_approval_makes_a_student_with_a_request_an_admin_approves(setting, app, client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert "an administrator approves" in page
    response = sign_up(client, "t@example.com")
    assert response.status_code == 302
    assert "waiting for an administrator" in client.get("/").get_data(as_text=True)
    requested = user("t@example.com")
    assert requested.role == "student" and requested.teacher_requested_at is not None
    assert client.get("/classes/new").status_code == 403  # not a teacher yet
    assert "waiting for an administrator" in client.get("/auth/password").get_data(as_text=True)

    cli = app.test_cli_runner()
    listed = cli.invoke(args=["users", "teacher-requests"])
    assert listed.exit_code == 0 and "t@example.com" in listed.output
    approved = cli.invoke(args=["users", "approve-teacher", "t@example.com"])
    assert approved.exit_code == 0, approved.output
    assert "t@example.com is now a teacher" in approved.output
    done = user("t@example.com")
    assert done.role == "teacher" and done.teacher_requested_at is None
    assert "No one is waiting" in cli.invoke(args=["users", "teacher-requests"]).output
    assert client.get("/classes/new").status_code == 200


@pytest.mark.parametrize("setting", ["approval"], indirect=True)
def test_approving_someone_who_asked_nothing_changes_nothing(setting, app, make_user):
    make_user(email="s@example.com")
    result = app.test_cli_runner().invoke(args=["users", "approve-teacher", "s@example.com"])
    assert result.exit_code == 1
    assert "s@example.com has not asked to be a teacher" in result.output
    assert user("s@example.com").role == "student"


@pytest.mark.parametrize("setting", ["approval"], indirect=True)
def test_a_student_sign_up_asks_for_nothing(setting, client):
    assert sign_up(client, "s@example.com", role="student").status_code == 302
    assert user("s@example.com").teacher_requested_at is None


@pytest.mark.parametrize("setting", ["closed"], indirect=True)
def test_closed_offers_no_teacher_choice_and_refuses_one(setting, client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert 'value="teacher"' not in page
    response = sign_up(client, "t@example.com")
    assert response.status_code == 400
    assert count_rows(User) == 0
    assert sign_up(client, "s@example.com", role="student").status_code == 302
    assert user("s@example.com").role == "student"


def test_a_bad_value_is_a_clear_error_at_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_TEACHER_SIGNUP", "maybe")
    with pytest.raises(ConfigError, match=r"QUIZAPP_TEACHER_SIGNUP='maybe'.*open, approval or"):
        load_config(str(tmp_path))
    env = {**os.environ, "QUIZAPP_TEACHER_SIGNUP": "maybe", "SECRET_KEY": "x"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'q.sqlite'}"
    result = subprocess.run(
        [str(QUIZAPP), "serve", "--workers", "1"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "QUIZAPP_TEACHER_SIGNUP='maybe'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("setting", ["approval"], indirect=True)
def test_set_role_decides_a_request_too(setting, app, client):
    sign_up(client, "t@example.com")
    cli = app.test_cli_runner()
    assert cli.invoke(args=["users", "set-role", "t@example.com", "student"]).exit_code == 0
    assert user("t@example.com").teacher_requested_at is None
    assert "No one is waiting" in cli.invoke(args=["users", "teacher-requests"]).output
