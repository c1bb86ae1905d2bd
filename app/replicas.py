"""Read replicas: with PARLEY_DATABASE_REPLICA_URL, thread reads and counts go to the replica.

A view that only reads calls ``read_from_replica(db.session)`` first; everything else (every
write, and every read of a view that did not ask) uses the primary. Only anonymous readers are
sent to the replica: an identified reader (cookie or token) reads from the primary, so a reader
who just wrote sees their own write even while the replica lags behind.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

REPLICA_BIND = "replica"
READ_REPLICA = "parley_read_replica"


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending a replica-reading session's statements there."""

    def get_bind(
        self, mapper: Any | None = None, clause: Any | None = None, bind: Any = None, **kwargs: Any
    ) -> sa.engine.Engine | sa.engine.Connection:
        if bind is None and self.info.get(READ_REPLICA):
            engine = self._db.engines.get(REPLICA_BIND)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def read_from_replica(session: Any) -> None:
    """Route this request's (read-only) session to the replica, when there is one."""
    session.info[READ_REPLICA] = True


def replica_binds(config: dict[str, Any], engine_options: dict[str, Any]) -> dict[str, Any]:
    """SQLALCHEMY_BINDS with the replica's engine, or the configured binds unchanged."""
    binds = dict(config.get("SQLALCHEMY_BINDS") or {})
    url = config.get("PARLEY_DATABASE_REPLICA_URL")
    if url:
        binds[REPLICA_BIND] = {"url": url, **engine_options}
    return binds
