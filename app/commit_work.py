"""Work a database transaction collects while it runs, finished around its commit.

Services note what they changed in this transaction's collection (``CommitWork.collected``).
Just before the outermost transaction commits, ``prepare(session, collection)`` turns it into
what is to be done, inside the transaction (so it may flush, query and write; new rows have
their ids). After the commit, ``deliver`` gets what ``prepare`` returned; a failure there loses
no data, as the change is committed. The work belongs to the transaction open when it is noted
(one is begun if none is, so work noted before any SQL is not carried into the next
transaction); a rollback of that whole transaction drops it, while a savepoint's commit or
rollback changes nothing.

The two users: app.services.freshness (article versions, live events) and
app.services.comment_events (notifications and webhooks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db, on_session_events

log = logging.getLogger(__name__)


class CommitWork:
    """One kind of work: its collection is kept under ``key`` in the session's ``info``."""

    def __init__(
        self,
        key: str,
        prepare: Callable[[Session, Any], Any],
        deliver: Callable[[Any], None],
    ) -> None:
        self.key = key
        self.ready_key = f"{key}_ready"
        self.prepare = prepare
        self.deliver = deliver

    def collected(self, new: Callable[[], Any]) -> Any:
        """This transaction's collection, made by ``new()`` on first use."""
        session = db.session()
        if not session.in_transaction():
            session.begin()
        info = session.info
        if self.key not in info:
            info[self.key] = new()
        return info[self.key]

    def install(self) -> None:
        """Hook this work into every session's commits (once per process; again adds nothing)."""
        on_session_events(
            ("before_commit", self._before_commit),
            ("after_commit", self._after_commit),
            ("after_soft_rollback", self._after_rollback),
        )

    def _before_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint: the enclosing transaction commits later
        collection = session.info.pop(self.key, None)
        if collection:
            ready = self.prepare(session, collection)
            if ready:
                session.info[self.ready_key] = ready

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():
            return
        ready = session.info.pop(self.ready_key, None)
        if ready:
            try:
                self.deliver(ready)
            except Exception:  # committed already: the other work and the caller go on
                log.exception("delivering %s after a commit failed", self.key)

    def _after_rollback(self, session: Session, previous: SessionTransaction) -> None:
        if previous.nested or previous.parent is not None:
            return
        session.info.pop(self.key, None)
        session.info.pop(self.ready_key, None)
