"""A world shared by the tests of one module (building it per test would be slow)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import base_config, migrate_to_head, running_app
from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def shared_world(migrated_database, postgres, tmp_path_factory) -> Iterator[World]:
    """The world of tests/security/world.py, built once for the whole module.

    It lives in a database of its own: the per-test databases of the other fixtures
    are emptied before each test (TRUNCATE on PostgreSQL), which would wipe it, and
    wait forever on the transaction it keeps open.
    """
    if postgres is not None:
        url = postgres.create()
        migrate_to_head(url)
    else:
        path = tmp_path_factory.mktemp("world") / "quizapp.sqlite"
        shutil.copyfile(migrated_database, path)
        url = f"sqlite:///{path}"
    try:
        with running_app(base_config(url)) as app:
            yield build_world(app)
    finally:
        if postgres is not None:
            postgres.drop(url)
