"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.database import include_in_schema_comparison
from app.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": include_in_schema_comparison,
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree; run flask db migrate: {diff}"


def test_upgrade_from_empty_reaches_the_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401 - the extension holds the config

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        head = ScriptDirectory.from_config(config).get_current_head()
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    assert current == head


def test_postgresql_search_uses_a_trigram_index(app, backend):
    """The moderators' text search (lower(body_source) LIKE) is indexed on PostgreSQL."""
    import pytest
    from sqlalchemy import text

    if backend != "postgresql":
        pytest.skip("a PostgreSQL index")
    with app.app_context():
        definition = db.session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'pg_ix_comments_body_trgm'")
        ).scalar()
        db.session.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            db.session.execute(
                text("EXPLAIN SELECT id FROM comments WHERE lower(body_source) LIKE '%drill%'")
            ).scalars()
        )
    assert definition is not None and "gin_trgm_ops" in definition
    assert "pg_ix_comments_body_trgm" in plan
