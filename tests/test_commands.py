"""The `quizapp` command line."""

from __future__ import annotations

from click.testing import CliRunner

from quizapp.commands import main
from quizapp.models import User


def test_set_role(app, make_user):
    make_user(email="t@example.com")
    result = app.test_cli_runner().invoke(args=["users", "set-role", "t@example.com", "teacher"])
    assert result.exit_code == 0, result.output
    assert "now a teacher" in result.output
    assert User.query.filter_by(email="t@example.com").one().role == "teacher"


def test_set_role_unknown_email_changes_nothing(app, make_user):
    make_user(email="s@example.com")
    result = app.test_cli_runner().invoke(args=["users", "set-role", "x@example.com", "teacher"])
    assert result.exit_code == 1
    assert "No user with email" in result.output
    assert User.query.one().role == "student"


def test_set_role_bad_role(app):
    result = app.test_cli_runner().invoke(args=["users", "set-role", "x@example.com", "admin"])
    assert result.exit_code == 2
    assert "'admin' is not one of" in result.output


def test_console_script_needs_no_app_option():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "db", "routes", "users"):
        assert command in result.output
