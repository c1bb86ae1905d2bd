"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.database import include_in_schema_comparison
from app.extensions import db
from tests.conftest import base_config, require_or_skip
from tests.private_servers import PrivatePostgres, missing_tools


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


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test's own, removed afterwards."""
    reason = missing_tools()
    if reason:
        require_or_skip(reason)
    server = PrivatePostgres()
    server.start()
    try:
        yield server
    finally:
        server.remove()


def test_a_migration_may_take_longer_than_a_request_may(tmp_path, private_postgres):
    """``flask db upgrade`` lifts the request's statement timeout, which a migration of a large
    table exceeds: here 50,000 comments to index (7c1e2f9a4b3d) and rewrite, against 100 ms.
    The timeout holds again for everything after the upgrade."""
    url = private_postgres.url
    seeding = create_app({**base_config(url, tmp_path), "PARLEY_DB_STATEMENT_TIMEOUT_MS": 0})
    with seeding.app_context():
        upgrade(revision="0369fa00a7c6")  # the first schema, then a large site's comments
        with db.engine.begin() as connection:
            for statement in LARGE_SITE:
                connection.execute(text(statement))
        db.engine.dispose()
    app = create_app({**base_config(url, tmp_path), "PARLEY_DB_STATEMENT_TIMEOUT_MS": 100})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "100ms"
            indexed = "SELECT count(*) FROM pg_indexes WHERE indexname = 'pg_ix_comments_body_trgm'"
            assert connection.execute(text(indexed)).scalar() == 1
        db.engine.dispose()


LARGE_SITE = [
    "INSERT INTO sites (slug, name, origins, premod, allow_guests, settings, created_at)"
    " VALUES ('news', 'News', '[]', false, true, '{}', now())",
    "INSERT INTO articles (site_id, key, closed, comment_count, created_at)"
    " VALUES (1, 'a1', false, 50000, now())",
    "INSERT INTO comments (article_id, depth, body_source, body_html, status, reasons, featured,"
    " score, report_count, created_at)"
    " SELECT 1, 0, md5(i::text) || ' ' || md5((i * 7)::text), '<p>x</p>', 'approved', '[]',"
    " false, 0, 0, now() - make_interval(secs => i) FROM generate_series(1, 50000) AS i",
]


def test_an_upgrade_behind_a_held_lock_gives_up_and_names_the_holder(
    tmp_path, capfd, private_postgres
):
    """A session idle in a transaction that read ``articles`` would make the next migration's
    ALTER wait for ever, and every request behind it. The upgrade waits the lock timeout, rolls
    back whole, names the session, and goes through once it has ended."""
    url = private_postgres.url
    app = create_app({**base_config(url, tmp_path), "PARLEY_MIGRATION_LOCK_TIMEOUT_MS": 300})
    with app.app_context():
        upgrade(revision="7c1e2f9a4b3d")  # the next one alters articles, votes, reports
        conninfo = url.replace("postgresql+psycopg", "postgresql")
        with psycopg.connect(conninfo, application_name="an open psql") as held:
            held.execute("SELECT count(*) FROM articles")  # idle in transaction from here
            # Without a lock timeout the upgrade would wait until this lets go, and pass.
            letting_go = threading.Timer(30, held.rollback)
            letting_go.start()
            try:
                with pytest.raises(SystemExit):
                    upgrade()
            finally:
                letting_go.cancel()
            failure = capfd.readouterr().err  # Flask-Migrate's "Error: ..." line
            assert "waited 300 ms for a table's lock" in failure
            assert "nothing was changed" in failure
            assert f"pid {held.info.backend_pid} (an open psql" in failure
            assert "idle in transaction" in failure
            assert "SELECT count(*) FROM articles" in failure
            with db.engine.connect() as connection:
                version = "SELECT version_num FROM alembic_version"
                assert connection.execute(text(version)).scalar() == "7c1e2f9a4b3d"
                assert connection.execute(text("SHOW lock_timeout")).scalar() == "0"
        upgrade()  # the session has ended: now it goes through
        with db.engine.connect() as connection:
            columns = "SELECT count(*) FROM information_schema.columns WHERE column_name = "
            assert connection.execute(text(columns + "'first_comment_at'")).scalar() == 1
        db.engine.dispose()
