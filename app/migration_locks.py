"""``flask db upgrade`` waits for a table's lock only briefly, then says who holds it.

An ``ALTER TABLE`` (or a ``CREATE INDEX``) waits until every transaction that touched its table
has ended, and while it waits every request that touches the table queues behind it. One session
left idle in a transaction (an open ``psql``, a stuck script) would stall the whole site for as
long as the upgrade waits, and migrations have no statement timeout (``without_time_limits``).
So each lock is awaited at most ``PARLEY_MIGRATION_LOCK_TIMEOUT_MS``; past that the upgrade,
one transaction on PostgreSQL, rolls back whole and names the sessions holding locks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from alembic.util import CommandError
from psycopg.errors import LockNotAvailable
from sqlalchemy import Connection, Engine, Row, text
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

# Sessions of this database holding a lock on a table, oldest transaction first (another
# role's session shows no times to a role without pg_read_all_stats: it comes last).
LOCK_HOLDERS = text(
    """
    SELECT a.pid, a.application_name, a.usename, a.state,
           floor(extract(epoch FROM now() - a.xact_start))::int AS seconds,
           left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80) AS query
    FROM pg_stat_activity AS a
    WHERE a.datname = current_database() AND a.pid NOT IN (pg_backend_pid(), :upgrading)
      AND EXISTS (
          SELECT 1 FROM pg_locks AS l
          WHERE l.pid = a.pid AND l.granted AND l.relation IS NOT NULL
      )
    ORDER BY a.xact_start NULLS LAST
    LIMIT 5
    """
)


@contextmanager
def waiting_for_locks_at_most(
    engine: Engine, connection: Connection, milliseconds: int
) -> Iterator[None]:
    """Inside ``connection``'s transaction, each lock is awaited at most ``milliseconds``
    (0: as long as it takes). Past that, a ``CommandError``, which Flask-Migrate prints as
    the upgrade's failure, naming the sessions that hold locks: found on a new connection of
    ``engine``, since this one's transaction is aborted by then (and still holds the locks
    that earlier migrations took, so it is left out)."""
    if connection.dialect.name != "postgresql":
        yield
        return
    milliseconds = max(0, milliseconds)
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
    upgrading = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    try:
        yield
    except OperationalError as error:
        if not isinstance(error.orig, LockNotAvailable):
            raise
        raise CommandError(blocked_message(engine, milliseconds, upgrading)) from error


def blocked_message(engine: Engine, milliseconds: int, upgrading: int) -> str:
    try:
        with engine.connect() as connection:
            holders = connection.execute(LOCK_HOLDERS, {"upgrading": upgrading}).all()
    except Exception as error:  # noqa: BLE001 - the lock timeout is the news, not this
        holders = []
        log.warning("could not list the sessions holding locks: %s", error)
    sessions = "; ".join(describe(row) for row in holders)
    return (
        f"the upgrade waited {milliseconds} ms for a table's lock and gave up; nothing was "
        "changed (it rolls back whole). "
        + (f"Sessions holding locks, oldest first: {sessions}. " if sessions else "")
        + "End them or wait for them to finish, then run it again "
        "(PARLEY_MIGRATION_LOCK_TIMEOUT_MS sets the wait; 0 waits as long as it takes)."
    )


def describe(row: Row) -> str:
    who = f"{row.application_name or 'no application name'}, user {row.usename}"
    if row.state is None:  # another role's session, its details hidden from this one
        return f"pid {row.pid} ({who})"
    return (
        f"pid {row.pid} ({who}, {row.state}, its transaction open for {row.seconds} s: {row.query})"
    )
