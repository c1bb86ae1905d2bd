"""Engine tuning per backend (SQLite in WAL mode, foreign keys enforced), and ``savepoint``,
the one way services open a savepoint."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def savepoint(session: Session) -> SessionTransaction:
    """``session.begin_nested()``, its database transaction opened first.

    Python's sqlite3 opens a transaction only before a write; a SAVEPOINT issued first (a
    service's savepoint before its first write) would open it instead, and releasing that
    savepoint would commit everything, so a later rollback could not undo it. An engine-wide
    ``savepoint`` listener would do the same, but any engine listener sends every statement
    through SQLAlchemy's event dispatch (about 90 more Python calls per statement).
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")
    return session.begin_nested()


def configure_engines(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


# Indexes that exist only on PostgreSQL and only in the migrations (they use its extensions,
# e.g. a trigram index for search). Alembic's model/migration comparison skips them.
POSTGRES_ONLY_INDEX_PREFIX = "pg_ix_"


def include_in_schema_comparison(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic ``include_object`` hook: compare everything but the PostgreSQL-only indexes."""
    return not (type_ == "index" and (name or "").startswith(POSTGRES_ONLY_INDEX_PREFIX))


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options for the configured database, over SQLALCHEMY_ENGINE_OPTIONS.

    PostgreSQL: each pooled connection is tested as it leaves the pool (a restarted server
    leaves dead ones behind), a connection attempt gives up after PARLEY_DB_CONNECT_TIMEOUT
    seconds, a statement after PARLEY_DB_STATEMENT_TIMEOUT_MS, and a request waits at most one
    second for a free pooled connection: an unreachable database costs a request a 503 within
    5 s, never a hang. SQLite is a local file and needs none of it.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        return options
    options.setdefault("pool_pre_ping", True)
    options.setdefault("pool_timeout", 1)
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", config["PARLEY_DB_CONNECT_TIMEOUT"])
    connect_args.setdefault(
        "options", f"-c statement_timeout={config['PARLEY_DB_STATEMENT_TIMEOUT_MS']}"
    )
    options["connect_args"] = connect_args
    return options
