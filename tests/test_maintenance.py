"""`quizapp backup` and `quizapp check-db`, and commands on an unmigrated database."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import ON_POSTGRES, base_config, running_app


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite backup API; PostgreSQL uses pg_dump")
def test_backup_is_a_consistent_copy(cli, builtin_decks, make_user, tmp_path):
    make_user(email="kept@example.com")
    target = tmp_path / "copy.sqlite"
    result = cli("backup", str(target))
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT email FROM users").fetchall() == [("kept@example.com",)]
    assert copy.execute("SELECT count(*) FROM facts").fetchone()[0] > 100
    copy.close()
    # An existing file is never overwritten by accident.
    again = cli("backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.output
    assert not (tmp_path / "copy.sqlite.partial").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL guidance")
def test_backup_on_postgres_points_to_pg_dump(cli, tmp_path):
    result = cli("backup", str(tmp_path / "x.dump"))
    assert result.exit_code == 1 and "pg_dump" in result.output


def test_check_db_reports_ok(cli, builtin_decks):
    result = cli("check-db")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ok")


@pytest.mark.skipif(ON_POSTGRES, reason="a corrupt file is a SQLite matter")
def test_check_db_finds_a_broken_foreign_key(app, cli, builtin_decks):
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("UPDATE facts SET deck_id = 9999 WHERE id = 1")
    raw.commit()
    raw.close()
    result = cli("check-db")
    assert result.exit_code == 1
    assert "foreign key broken: table facts" in result.output


def test_commands_on_an_empty_database_say_what_to_do(tmp_path):
    with running_app(base_config(f"sqlite:///{tmp_path}/empty.sqlite")) as app:
        result = app.test_cli_runner().invoke(args=["questions", "load"])
    assert result.exit_code == 1
    assert "quizapp db upgrade" in result.output
    assert "Traceback" not in result.output
