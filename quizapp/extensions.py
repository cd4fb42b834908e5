"""Flask extensions, created unbound here and bound to the app in `init_app`."""

from __future__ import annotations

import sqlite3

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic can alter them (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

SQLITE_BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", _migrations_dir()))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)


def _migrations_dir() -> str:
    import os

    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Make every SQLite connection safe for concurrent users.

    WAL lets readers and one writer work at once; busy_timeout makes a writer wait for
    the lock instead of failing with "database is locked"; foreign keys are off in
    SQLite unless asked for. Autocommit at the driver level hands transaction control
    to SQLAlchemy, so `_begin_sqlite` below decides how each transaction starts.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn) -> None:
    """Start SQLite transactions ourselves (pysqlite's own BEGIN handling is off).

    A transaction with the execution option ``quizapp_write`` (set by
    `quizapp.services.write_transaction`) starts with BEGIN IMMEDIATE: it takes the write
    lock up front, so concurrent writers queue on busy_timeout instead of failing halfway
    with SQLITE_BUSY.
    """
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("quizapp_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")
