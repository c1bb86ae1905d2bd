"""Fixtures: an app with a fresh, migrated database per test, on SQLite and on PostgreSQL.

The schema is built by the real migrations once per session (a template SQLite file is copied
for each test; PostgreSQL tables are truncated between tests). PostgreSQL runs when
PARLEY_TEST_DATABASE_URL is set; under CI=true its absence is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.ctx import _cv_app
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("PARLEY_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PARLEY_TEST_REDIS_URL")
BACKENDS = ["sqlite", "postgresql"]


def base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PARLEY_REDIS_URL": None,
        "PARLEY_DEMO": True,
    }


def migrate_database(database_url: str, instance: Path) -> None:
    app = create_app(base_config(database_url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def require_or_skip(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    migrate_database(f"sqlite:///{path}", folder)
    return path


def _reset_public_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory) -> str:
    if not PG_URL:
        require_or_skip(
            "PostgreSQL tests need PARLEY_TEST_DATABASE_URL, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/parley_test (an empty database)"
        )
    if make_url(PG_URL).get_backend_name() != "postgresql":
        pytest.fail("PARLEY_TEST_DATABASE_URL must be a postgresql+psycopg:// URL")
    try:
        _reset_public_schema(PG_URL)
    except Exception as exc:  # noqa: BLE001 - any connection failure means: no server
        require_or_skip(f"PostgreSQL at PARLEY_TEST_DATABASE_URL is not reachable: {exc}")
    migrate_database(PG_URL, tmp_path_factory.mktemp("pg-instance"))
    return PG_URL


def _truncate_all(app: Flask) -> None:
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "parley.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = create_app(base_config(database_url, tmp_path))
    app.instance_path = str(tmp_path)
    with app.app_context():
        if database_url.startswith("postgresql"):
            _truncate_all(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app, request):
    """The shared world: sites news (pre-moderated) and other; an admin, a moderator of each
    site, a reader, and an author whose fresh pending comments ``world.fresh_comment()`` makes
    (tests/dashboard_support.py). A module or test varies it with the ``world`` marker, e.g.
    ``pytest.mark.world(premod=False, sport=True)`` (the options of ``make_world``)."""
    from tests.dashboard_support import make_world

    marker = request.node.get_closest_marker("world")
    return make_world(app, **(marker.kwargs if marker else {}))


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1: (its inbox, its port)."""
    from tests.mail_support import start_smtp

    inbox, port, controller = start_smtp()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(app, smtp) -> Iterator[Flask]:
    """The test app's database, with mail going to the SMTP server above."""
    from tests.mail_support import dispose, make_mail_app

    mailing = make_mail_app(app, smtp[1])
    yield mailing
    dispose(mailing)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CHECKOUT = Path(__file__).resolve().parent.parent
# Caches pytest, Python and the tools write by design; anything else is the suite's doing.
CHECKOUT_CACHES = {
    ".git",
    ".venv",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "__pycache__",
    "node_modules",
}


def checkout_files() -> set[str]:
    found = set()
    for folder, subfolders, files in os.walk(CHECKOUT):
        subfolders[:] = [name for name in subfolders if name not in CHECKOUT_CACHES]
        found.update(os.path.relpath(os.path.join(folder, name), CHECKOUT) for name in files)
    return found


@pytest.fixture(scope="session", autouse=True)
def suite_never_writes_into_the_checkout():
    """Fail the run if a test left a file in the source tree (instance/secret_key, a
    database, an upload): tests write under their tmp_path only."""
    before = checkout_files()
    yield
    added = sorted(checkout_files() - before)
    if added:
        pytest.fail(f"the test suite wrote into the checkout: {added[:10]}")


@pytest.fixture(autouse=True)
def no_leaked_app_context():
    """Fail a test that leaves an application context pushed."""
    yield
    leaked = _cv_app.get(None)
    if leaked is not None:
        pytest.fail("test leaked an application context")


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements sent to the database."""

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn, cursor, statement, *args):
            counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
