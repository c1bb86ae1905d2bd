"""Engine tuning per backend (SQLite in WAL mode, foreign keys enforced; PostgreSQL answers
awaited for a bounded time), and ``savepoint``, the one way services open a savepoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from flask import Flask
from psycopg.errors import _WaitTimeout as PsycopgWaitTimeout  # psycopg 3.3's wait deadline
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

# How long past the statement timeout a PostgreSQL answer is awaited before the connection is
# given up on, and how long a pooled connection's test (ping) may take.
ANSWER_MARGIN_SECONDS = 0.5
PING_SECONDS = 1.0


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


def begin_writing(session: Session) -> None:
    """On SQLite, make the session's transaction the database's one writer from now on (BEGIN
    IMMEDIATE, waiting for the writer before it to commit), unless it has begun already.

    What a service reads before it changes a row must stay as read until it commits: on
    PostgreSQL it locks the rows it reads (SELECT ... FOR NO KEY UPDATE). SQLite has no row
    locks, only one writer at a time, and Python's sqlite3 opens a transaction only before a
    write: what was read before that was read outside any transaction, and another request
    could commit over it first (two concurrent rejections of one comment each took it off its
    article's count). Once this transaction writes, or began here, nobody else writes until
    it ends. Does nothing on PostgreSQL.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            # Through SQLAlchemy, so that "database is locked" (another writer past the busy
            # timeout) is its OperationalError: a 503 for a request, a retry for the recount.
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class AnswerTimeout(psycopg.OperationalError):
    """PostgreSQL did not answer within a connection's ``answer_seconds``; it is closed."""


class CommitUnconfirmed(psycopg.OperationalError):
    """The connection was lost (or closed for not answering) after COMMIT was sent: the server
    may have applied the transaction or not (app.outages says so to the client)."""


class BoundedConnection(psycopg.Connection):
    """A psycopg connection that waits at most ``answer_seconds`` for each answer.

    The statement timeout is enforced by the server. A server that is frozen while its host
    still speaks TCP (a paused container or VM, a process under SIGSTOP) never sends it, and the
    operating system keeps acknowledging what is sent, so psycopg would wait for ever. When the
    time is up the connection is closed (the server may act on what it was sent once it
    resumes): SQLAlchemy sees a disconnect, drops the connection, and the request answers 503
    (app.outages).
    """

    answer_seconds: float | None = None
    is_new = True  # until its first checkout from the pool

    def wait(self, gen: Any, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        if timeout is not None or self.answer_seconds is None:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        try:
            return super().wait(gen, *args, timeout=self.answer_seconds, **kwargs)
        except PsycopgWaitTimeout:
            self.close()
            raise AnswerTimeout(
                f"PostgreSQL did not answer within {self.answer_seconds:g} s"
            ) from None

    def commit(self) -> None:
        """COMMIT; ``CommitUnconfirmed`` when it was sent and no answer came back. A closed
        connection sends nothing, and an error from the server (one that ended the session
        included) means it did not commit: those are raised as they are."""
        if self.closed:
            return super().commit()
        try:
            return super().commit()
        except psycopg.OperationalError as error:
            if error.sqlstate is not None or not (self.closed or self.broken):
                raise
            raise CommitUnconfirmed(f"no answer to COMMIT: {error}") from error

    @contextmanager
    def answering_within(self, seconds: float | None) -> Iterator[None]:
        """Wait at most ``seconds`` (None: as long as it takes) for each answer in the block."""
        before, self.answer_seconds = self.answer_seconds, seconds
        try:
            yield
        finally:
            self.answer_seconds = before


def _bounded_connect(answer_seconds: float | None) -> Callable[..., BoundedConnection]:
    """An engine ``do_connect`` listener: connect with BoundedConnection instead of psycopg's."""

    def connect(_dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> BoundedConnection:
        connection = BoundedConnection.connect(*cargs, **cparams)
        connection.answer_seconds = answer_seconds
        return connection

    return connect


def _ping_on_checkout(dialect: Dialect) -> Callable[..., None]:
    """A pool ``checkout`` listener: SQLAlchemy's pre-ping, within PING_SECONDS.

    A connection just made needs no test. A restarted server leaves dead connections in the
    pool: one failing its test discards them all. A frozen or overloaded one leaves silent
    ones: each is discarded as its test times out, the others stay. Either way the checkout
    connects anew (within PARLEY_DB_CONNECT_TIMEOUT), so a request waits a few seconds at most.
    """

    def ping(dbapi_connection: BoundedConnection, _record: Any, _proxy: Any) -> None:
        if dbapi_connection.is_new:
            dbapi_connection.is_new = False
            return
        try:
            with dbapi_connection.answering_within(PING_SECONDS):
                dialect.do_ping(dbapi_connection)
        except AnswerTimeout as error:
            raise DisconnectionError(f"pooled connection was silent: {error}") from error
        except psycopg.Error as error:
            raise InvalidatePoolError(f"pooled connection failed its test: {error}") from error

    return ping


@contextmanager
def without_time_limits(connection: Connection) -> Iterator[None]:
    """Inside ``connection``'s transaction, no statement timeout and no answer deadline.

    For bulk work an operator runs and waits for, such as ``flask db upgrade``: a migration
    that rewrites or indexes a large table takes longer than any request may. The statement
    timeout returns when the transaction ends (``SET LOCAL``), the deadline when the block does.
    """
    if connection.dialect.driver != "psycopg":
        yield
        return
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    with connection.connection.dbapi_connection.answering_within(None):
        yield


def answer_seconds(config: dict[str, Any]) -> float | None:
    """How long a PostgreSQL answer is awaited: the statement timeout and a margin (none when
    statements have no timeout, as for bulk seeding and operators' bulk commands)."""
    statement_ms = config["PARLEY_DB_STATEMENT_TIMEOUT_MS"]
    return statement_ms / 1000 + ANSWER_MARGIN_SECONDS if statement_ms > 0 else None


def configure_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            elif engine.dialect.driver == "psycopg":
                event.listen(engine, "do_connect", _bounded_connect(answer_seconds(app.config)))
                event.listen(engine, "checkout", _ping_on_checkout(engine.dialect))


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

    PostgreSQL: a connection attempt gives up after PARLEY_DB_CONNECT_TIMEOUT seconds, a
    statement after PARLEY_DB_STATEMENT_TIMEOUT_MS, and a request waits at most one second for
    a free pooled connection; configure_engines adds a bounded wait for every answer and a test
    of each pooled connection as it leaves the pool. An unreachable or frozen database costs a
    request a 503 within 5 s, never a hang. SQLite is a local file and needs none of it.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        return options
    options.setdefault("pool_timeout", 1)
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", config["PARLEY_DB_CONNECT_TIMEOUT"])
    connect_args.setdefault(
        "options", f"-c statement_timeout={config['PARLEY_DB_STATEMENT_TIMEOUT_MS']}"
    )
    options["connect_args"] = connect_args
    return options
