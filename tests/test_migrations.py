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
