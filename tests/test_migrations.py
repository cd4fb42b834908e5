"""The schema comes only from migrations, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizapp import create_app
from quizapp.extensions import db
from tests.conftest import ON_POSTGRES, base_config, migrate_to_head


def test_upgrade_on_empty_database_matches_models(tmp_path, postgres):
    url = postgres.create() if ON_POSTGRES else f"sqlite:///{tmp_path}/empty.sqlite"
    try:
        migrate_to_head(url)
        app = create_app(base_config(url))
        with app.app_context():
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
                tables = set(sa.inspect(conn).get_table_names())
            db.engine.dispose()
        assert diff == [], f"models and migrations disagree: {diff}"
        assert set(db.metadata.tables) <= tables
    finally:
        if ON_POSTGRES:
            postgres.drop(url)


def test_migration_files_are_numbered_in_the_order_they_run():
    """The upgrade log reads 0001, 0002, ... : each file's number is its place in the chain.

    Revision ids keep the names they were released with (a database upgraded before the
    files were renumbered still finds its revision), so only the file names follow the chain.
    """
    from pathlib import Path

    from alembic.script import ScriptDirectory

    folder = Path(__file__).resolve().parents[1] / "migrations"
    scripts = ScriptDirectory(str(folder))
    chain = list(reversed(list(scripts.walk_revisions())))
    numbers = [Path(script.path).name[:4] for script in chain]
    assert numbers == [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert chain[0].down_revision is None


def test_a_database_at_the_released_head_upgrades(tmp_path, postgres):
    """A database made before the renumbering (stamped with the released head id) upgrades."""
    from flask_migrate import stamp

    url = postgres.create() if ON_POSTGRES else f"sqlite:///{tmp_path}/old.sqlite"
    try:
        app = create_app(base_config(url))
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="0009_assignments")
            stamp(revision="0009_assignments")
            upgrade()
            with db.engine.connect() as conn:
                version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            db.engine.dispose()
        from pathlib import Path

        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory(str(Path(__file__).resolve().parents[1] / "migrations"))
        assert version == scripts.get_current_head()
    finally:
        if ON_POSTGRES:
            postgres.drop(url)
