"""Configuration: database URL, secret key, SQLite pragmas."""

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa

from quizapp import create_app
from quizapp.config import ConfigError, database_url, instance_secret_key, load_config
from quizapp.extensions import db
from tests.conftest import ON_POSTGRES


def test_postgres_urls_use_psycopg():
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite"
    assert app.config["SECRET_KEY"] == "from-env"


def test_default_database_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + os.path.join(
        app.instance_path, "quizapp.sqlite"
    )


def test_secret_key_generated_once_with_private_mode(tmp_path):
    first = instance_secret_key(str(tmp_path))
    second = instance_secret_key(str(tmp_path))
    assert first == second and len(first) >= 32
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_sqlite_pragmas_on_every_connection(app):
    if ON_POSTGRES:
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        # NORMAL is 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1


def test_write_transactions_begin_immediate_on_sqlite(app):
    """A write transaction holds SQLite's write lock from its first statement."""
    if ON_POSTGRES:
        return
    from quizapp.services import write_transaction

    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], connect_args={"timeout": 0})
    with write_transaction() as session:
        session.execute(sa.text("SELECT 1"))
        raw = other.raw_connection()
        try:
            raw.execute("PRAGMA busy_timeout=0")
            try:
                raw.execute("BEGIN IMMEDIATE")
                locked = False
            except Exception as exc:  # sqlite3.OperationalError: database is locked
                locked = "locked" in str(exc)
        finally:
            raw.close()
    other.dispose()
    assert locked


def test_production_hashes_passwords_with_scrypt(monkeypatch, tmp_path):
    """Tests use a cheap hash; without the setting, a password is hashed with scrypt."""
    from quizapp.services import accounts

    monkeypatch.delenv("QUIZAPP_PASSWORD_HASH_METHOD", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/hash.sqlite")
    app = create_app()
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    from tests.conftest import migrate_to_head

    migrate_to_head(f"sqlite:///{tmp_path}/hash.sqlite")
    with app.app_context():
        user = accounts.register("s@example.com", "S", "a long password here", "student")
        assert user.password_hash.startswith("scrypt:")
        assert accounts.authenticate("s@example.com", "a long password here") is not None
        db.engine.dispose()


@pytest.mark.parametrize("value", ["fast", "0", "99", "3001", "-5", ""])
def test_a_live_poll_interval_out_of_range_stops_start_up_with_a_message(
    monkeypatch, tmp_path, value
):
    monkeypatch.setenv("QUIZAPP_LIVE_POLL_MS", value)
    with pytest.raises(ConfigError, match=r"QUIZAPP_LIVE_POLL_MS.*100 to 3000"):
        load_config(str(tmp_path), {"SECRET_KEY": "x"})


def test_the_live_poll_interval_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_LIVE_POLL_MS", "400")
    assert load_config(str(tmp_path), {"SECRET_KEY": "x"})["LIVE_POLL_MS"] == 400
    monkeypatch.delenv("QUIZAPP_LIVE_POLL_MS")
    assert load_config(str(tmp_path), {"SECRET_KEY": "x"})["LIVE_POLL_MS"] == 1000
