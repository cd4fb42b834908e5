"""A world shared by the tests of one module (building it per test would be slow)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.conftest import ON_POSTGRES, base_config, running_app
from tests.security.world import World, build_world


def _fresh_database(migrated_database: str, tmp_path_factory) -> str:
    """Like the `database_url` fixture, for a module instead of a test."""
    if ON_POSTGRES:
        engine = sa.create_engine(migrated_database)
        with engine.begin() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        engine.dispose()
        return migrated_database
    path = tmp_path_factory.mktemp("world") / "quizapp.sqlite"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def shared_world(migrated_database, tmp_path_factory) -> Iterator[World]:
    """The world of tests/security/world.py, built once for the whole module."""
    url = _fresh_database(migrated_database, tmp_path_factory)
    with running_app(base_config(url)) as app:
        yield build_world(app)
