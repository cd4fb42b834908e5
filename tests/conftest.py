"""Fixtures shared by every test: an app on a fresh database, clients, users.

The database is SQLite by default. Set TEST_DATABASE_URL (for example
postgresql+psycopg://postgres@127.0.0.1/test) to run the same suite on PostgreSQL:
the run then works in a database of its own, created next to that one and
dropped at the end, so concurrent runs never see each other's rows.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from quizapp import create_app
from quizapp.extensions import db, limiter
from quizapp.models import User

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgres")
PASSWORD = "correct horse battery"
# Production hashes with scrypt (0.1 s a hash); one iteration of PBKDF2 keeps the
# suite's hundreds of sign-ups and log-ins cheap. Servers the tests start inherit it.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
os.environ.setdefault("QUIZAPP_PASSWORD_HASH_METHOD", TEST_HASH_METHOD)


# The long tests (browsers, servers, whole-app sweeps) go first: a worker that starts one
# near the end keeps the run waiting for it, while started first the many short tests
# fill in around them on the other workers. The order within each group is kept.
LONG_FIRST = (
    "tests/e2e/",
    "tests/security/test_fault_kill.py",
    "tests/web/test_live_workers.py",
    "tests/security/test_access_matrix.py",
    "tests/services/test_review_days.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not any(part in item.nodeid for part in LONG_FIRST))


def base_config(database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        # Questions open their options at once; tests of the lead-in turn it back on.
        "LIVE_LEAD_IN": False,
        # Live screens poll four times a second: a browser test waits for each phase.
        "LIVE_POLL_MS": 250,
    }


def migrate_to_head(database_url: str) -> None:
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


class PostgresDatabases:
    """Creates and drops throwaway databases on the server of TEST_DATABASE_URL."""

    def __init__(self, url: str) -> None:
        self.url = sa.make_url(url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        name = f"quizapp_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    if not ON_POSTGRES:
        yield None
        return
    databases = PostgresDatabases(TEST_DATABASE_URL)
    yield databases
    databases.admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, postgres) -> Iterator[str]:
    """A database at the newest migration, made once per test run.

    On SQLite it is a template file that each test copies; on PostgreSQL each test
    empties its tables instead.
    """
    if postgres is not None:
        url = postgres.create()
        migrate_to_head(url)
        yield url
        for engine in _RESET_ENGINES.values():
            engine.dispose()
        postgres.drop(url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        migrate_to_head(f"sqlite:///{path}")
        yield str(path)


QUESTIONS_DIR = Path(__file__).resolve().parents[1] / "questions"


# --- rows written once per run ------------------------------------------------------------
# Fixture name -> a function that writes that fixture's rows (see `database_template`).
TEMPLATES: dict[str, Callable[[], None]] = {}


def database_template(build: Callable[[], None]):
    """Make `build` a fixture whose rows are written once per run instead of once per test.

    `build()` writes rows through the services, in an app context on an empty database,
    and returns nothing. The first test whose fixtures include its name runs it and keeps
    the database as a template; that test and every later one start from a copy (SQLite:
    a copy of the file; PostgreSQL: the rows, inserted after emptying the tables). The
    fixture's value is None: a fixture that returns rows reads them from the database. A
    test that asks for several gets a template of all of them, built in registration
    order. What a build writes must not depend on the test (no users from `make_user`,
    whose addresses a test would make again).
    """
    name = build.__name__
    if not name.endswith("_rows"):  # the convention that keeps them apart from other fixtures
        raise ValueError(f"a database template's name ends in _rows, not {name!r}")
    if TEMPLATES.setdefault(name, build) is not build:
        raise ValueError(f"two database templates are named {name!r}")

    def fixture(database_url) -> None:
        return None

    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=name)(fixture)


def load_builtin_decks() -> None:
    """Sync the decks of questions/ into the database of the current app context."""
    from quizapp.domain.facts import load_decks
    from quizapp.services import decks as deck_service

    for deck in load_decks([QUESTIONS_DIR]):
        deck_service.sync_deck(deck)


@database_template
def builtin_rows() -> None:
    """The built-in decks of questions/, synced."""
    load_builtin_decks()


@database_template
def software_rows() -> None:
    """The small built-in software-companies deck, synced."""
    from tests.factories import load_software_deck

    load_software_deck()


@database_template
def startups_rows() -> None:
    """The small startups deck of tests/domain/conftest.py (key "startups"), synced."""
    from quizapp.domain.facts import parse_deck
    from quizapp.services.decks import sync_deck
    from tests.domain.conftest import STARTUPS_TOML

    sync_deck(parse_deck(STARTUPS_TOML, "startups.toml"))


@pytest.fixture(scope="session")
def templates(migrated_database, postgres, tmp_path_factory) -> Callable[[tuple[str, ...]], object]:
    """``templates(names)``: the template of those database templates, made at first use.

    On SQLite a file (the migrated database plus the rows) that a test copies; on
    PostgreSQL a schema of the test database holding a copy of each table that has rows,
    which a test copies back after emptying its tables (`_reset_postgres`).
    """
    made: dict[tuple[str, ...], object] = {}

    def build(names: tuple[str, ...], url: str) -> None:
        with running_app(base_config(url)):
            for name in names:
                TEMPLATES[name]()

    def get(names: tuple[str, ...]) -> object:
        if names in made:
            return made[names]
        if postgres is None:
            path = tmp_path_factory.mktemp("template") / f"{'-'.join(names)}.sqlite"
            shutil.copyfile(migrated_database, path)
            build(names, f"sqlite:///{path}")
            made[names] = str(path)
        else:
            _reset_postgres(migrated_database, None)
            build(names, migrated_database)
            made[names] = _keep_postgres_rows(migrated_database, f"template_{len(made) + 1}")
        return made[names]

    return get


@dataclass(frozen=True)
class PostgresTemplate:
    """Rows kept in a schema of their own: the tables that have rows, and their top ids."""

    schema: str
    tables: tuple[str, ...]
    top_ids: dict[str, int]


def _keep_postgres_rows(url: str, schema: str) -> PostgresTemplate:
    """Copy every table of `url` that has rows into `schema` (made here)."""
    tables, top_ids = [], {}
    with _reset_engine(url).begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        for table in db.metadata.sorted_tables:
            if not conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                continue
            conn.exec_driver_sql(
                f'CREATE TABLE "{schema}"."{table.name}" AS SELECT * FROM "{table.name}"'
            )
            tables.append(table.name)
            if "id" in table.c:
                top_ids[table.name] = conn.execute(sa.select(sa.func.max(table.c.id))).scalar()
    return PostgresTemplate(schema, tuple(tables), top_ids)


def _reset_postgres(url: str, template: PostgresTemplate | None) -> None:
    """Empty every table; then, if given, copy a template's rows back and move the id
    sequences past them.

    DELETE, children first, and the sequences set back: a test's few rows go in a few
    milliseconds, where TRUNCATE of every table costs a quarter of a second (it makes
    new files for each), which over two thousand tests was most of the run. The rows
    are copied inside the server (INSERT ... SELECT), not sent from here.
    """
    with _reset_engine(url).begin() as conn:
        # No foreign-key triggers while emptying and refilling: every table is emptied,
        # and a template's rows were consistent when kept (a check per row was most of
        # the cost of a reset with the built-in decks' few thousand rows).
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        present = set(sa.inspect(conn).get_table_names())
        for table in reversed(db.metadata.sorted_tables):
            if table.name in present:
                conn.execute(table.delete())
        conn.exec_driver_sql(
            "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
        )
        if template is None:
            return
        for name in template.tables:
            conn.exec_driver_sql(f'INSERT INTO "{name}" SELECT * FROM "{template.schema}"."{name}"')
        for name, top in template.top_ids.items():
            sequence = conn.exec_driver_sql(
                "SELECT pg_get_serial_sequence(%s, 'id')", (f'"{name}"',)
            ).scalar()
            if sequence:
                conn.exec_driver_sql("SELECT setval(%s, %s)", (sequence, top))


# One engine (and pooled connection) per database for the resets of a run: a connection
# a test costs a few milliseconds more. DROP DATABASE ... WITH (FORCE) ends it.
_RESET_ENGINES: dict[str, sa.Engine] = {}


def _reset_engine(url: str) -> sa.Engine:
    return _RESET_ENGINES.get(url) or _RESET_ENGINES.setdefault(url, sa.create_engine(url))


@pytest.fixture
def database_url(request, migrated_database) -> str:
    """A URL of a migrated database for one test: empty, or with the rows of the database
    templates among the test's fixtures (`database_template`)."""
    names = tuple(name for name in TEMPLATES if name in request.fixturenames)
    template = request.getfixturevalue("templates")(names) if names else None
    if ON_POSTGRES:
        _reset_postgres(migrated_database, template)
        return migrated_database
    # One path per worker, the template copied over it for each test: the URL stays the
    # same from test to test, so the app made for it can serve the next test too.
    path = request.getfixturevalue("sqlite_path")
    for engine in _CACHED_ENGINES:
        engine.dispose()  # no connection of the previous test may outlive its file
    for stale in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)  # a stale WAL would be replayed into the new copy
    # A new file (a new inode), not the old one rewritten: SQLite shares lock and WAL-index
    # state between connections to one inode, and a connection a test leaked would
    # otherwise make the next test's copy fail with "disk I/O error".
    fresh = path.with_name(path.name + ".new")
    shutil.copyfile(template or migrated_database, fresh)
    os.replace(fresh, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("db") / "quizapp.sqlite"


@pytest.fixture
def app_config(database_url) -> dict:
    """Settings for the `app` fixture; a test may change them before using `app`."""
    return base_config(database_url)


class IsolatedClient(FlaskClient):
    """A test client whose requests run as in production: each in its own app context.

    The test body keeps an app context of its own (to query the database), but a
    request must not share it: Flask-Login caches the user on `g` and Flask-SQLAlchemy
    scopes its session to the context, so sharing would carry one request's user and
    objects into the next. After each request the test's session is rolled back, so
    what the test reads next comes fresh from the database.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


@contextmanager
def running_app(config: dict) -> Iterator[Flask]:
    """An app with its context pushed; its connections are closed afterwards."""
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


# Making an app costs 60 ms (werkzeug compiles every URL rule): over a thousand tests,
# a minute of CPU. An app is kept per configuration and serves every test with that
# configuration, each in a fresh app context on a fresh copy of the database, with
# `app.config` restored afterwards. Apps with rate limits on are never kept (their
# counters would carry over).
_CACHED_APPS: dict[tuple, Flask] = {}
_CACHED_ENGINES: list[sa.Engine] = []


def _reusable_app(config: dict) -> Flask:
    if config.get("RATELIMIT_ENABLED"):
        return _new_app(config)
    key = tuple(sorted((name, repr(value)) for name, value in config.items()))
    if key not in _CACHED_APPS:
        app = _CACHED_APPS[key] = _new_app(config)
        with app.app_context():
            _CACHED_ENGINES.append(db.engine)
    return _CACHED_APPS[key]


def _new_app(config: dict) -> Flask:
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(app_config) -> Iterator[Flask]:
    app = _reusable_app(app_config)
    # Flask-Limiter keeps `enabled` on its one (module-level) instance, set by the last
    # init_app: an app made since, with limits on, must not turn them on for this one.
    limiter.enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    saved = dict(app.config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
            app.config.clear()
            app.config.update(saved)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create users: ``make_user(role="teacher", email=..., name=...)``."""
    counter = iter(range(1, 10_000))

    def make(role: str = "student", email: str | None = None, name: str | None = None) -> User:
        from quizapp.services import accounts

        n = next(counter)
        return accounts.register(
            email or f"{role}{n}@example.com", name or f"{role.title()} {n}", PASSWORD, role
        )

    return make


@pytest.fixture
def login():
    """Log a test client in: ``login(client, user)``."""

    def do_login(client: FlaskClient, user: User, password: str = PASSWORD):
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def software_deck(app, software_rows) -> str:
    """The small built-in software-companies deck, synced; its key."""
    from tests.factories import SOFTWARE_DECK

    return SOFTWARE_DECK


# --- a class: its teacher, the class, students enrolled in it -----------------------------
# (modules that need another teacher or class define their own fixture of the same name)


@pytest.fixture
def teacher(make_user):
    return make_user(role="teacher", name="Ms Rivera")


@pytest.fixture
def school_class(teacher):
    from quizapp.services import classroom as classroom_service

    return classroom_service.create_class(teacher, "History 9B")


@pytest.fixture
def enrol(make_user, school_class):
    """Make a student and enrol them in `school_class`: ``enrol(name=None)``."""
    from quizapp.services import classroom as classroom_service

    def make(name=None):
        student = make_user(name=name)
        classroom_service.join_class(student, school_class.join_code)
        return student

    return make


@pytest.fixture
def as_user(app, login):
    """A fresh client logged in as the given user: ``as_user(user)``."""

    def make(user):
        client = app.test_client()
        login(client, user)
        return client

    return make


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@pytest.fixture
def builtin_decks(app, builtin_rows) -> dict:
    """The built-in decks of questions/, already in the test's database (see
    `builtin_rows`); returns rows by key."""
    from quizapp.models import Deck

    return {deck.key: deck for deck in Deck.query.all()}
