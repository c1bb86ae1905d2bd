"""What happened to a comment, handed to notifications and webhooks once it is committed.

Services call ``record(name, comment)`` inside the transaction that made the change
(``change_status`` does it for every status change). Just before that transaction commits, the
comments' ids are taken; after it commits, every listener registered with ``listen`` is called
once per event with ``(name, comment_id)``, plus what its ``freeze`` took before the commit.
Listeners only enqueue background jobs (app.jobs), which load what they need themselves, or take
the frozen state: a job runs later, when the comment may have changed again. An event that
was rolled back is never announced; one that was committed is announced even if a listener
fails (logged; the change itself stays).

Event names are the webhook contract's: ``comment.created``, ``comment.approved``,
``comment.rejected``, ``comment.spam``, ``comment.edited``, ``comment.deleted``,
``comment.reported``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.commit_work import CommitWork
from app.models import Comment, CommentStatus

log = logging.getLogger(__name__)
EVENTS = (
    "comment.created",
    "comment.approved",
    "comment.rejected",
    "comment.spam",
    "comment.edited",
    "comment.deleted",
    "comment.reported",
)
STATUS_EVENTS = {
    CommentStatus.APPROVED: "comment.approved",
    CommentStatus.REJECTED: "comment.rejected",
    CommentStatus.SPAM: "comment.spam",
    CommentStatus.DELETED: "comment.deleted",
}
Listener = Callable[..., None]
Condition = Callable[[str, Comment], bool]
Freeze = Callable[[str, Comment], Any]
_listeners: list[Listener] = []
_conditions: dict[Listener, Condition] = {}
_freezers: dict[Listener, Freeze] = {}


def listen(listener: Listener, when: Condition | None = None, freeze: Freeze | None = None) -> None:
    """Call ``listener(name, comment_id)`` after each commit that recorded an event (once).

    ``when(name, comment)``, if given, is asked just before that commit, inside the
    transaction (so it may query what the transaction wrote): the listener hears only the
    events it answers True for. It lets a listener skip the background job of an event that
    concerns no one, without querying after the commit. Should ``when`` fail, the event is
    heard: a condition never loses an event, nor stops the commit. A database error is the
    exception: it is raised, and the commit fails (on PostgreSQL the transaction is aborted,
    and a COMMIT would silently roll back what the caller is about to acknowledge).

    ``freeze(name, comment)``, if given, is asked then too, for the events the listener hears;
    the listener is called as ``listener(name, comment_id, frozen)`` with its answer: the
    comment as this transaction leaves it (None should ``freeze`` fail, with the same exception
    for database errors: the event is heard).
    """
    if listener not in _listeners:
        _listeners.append(listener)
    if when is not None:
        _conditions[listener] = when
    if freeze is not None:
        _freezers[listener] = freeze


def record(name: str, comment: Comment) -> None:
    """Announce ``name`` about ``comment`` once the current transaction commits."""
    if name not in EVENTS:
        raise ValueError(f"unknown comment event {name!r}")
    WORK.collected(list).append((name, comment))


def record_status(before: CommentStatus | None, after: CommentStatus, comment: Comment) -> None:
    """The event of a status change, if it has one (a hold back to pending has none)."""
    name = STATUS_EVENTS.get(after)
    if name is not None and before != after:
        record(name, comment)


Ready = list[tuple[str, int, frozenset[Listener], dict[Listener, Any]]]


def _take_ids(session: Session, pending: list[tuple[str, Comment]]) -> Ready:
    """Just before the commit: new comments get their ids while the transaction is still
    open, each listener's condition is asked, and the hearing listeners' freezes taken."""
    if any(comment.id is None for _, comment in pending):
        session.flush()
    ready: Ready = []
    for name, comment in pending:
        if comment.id is not None:
            unconcerned = _unconcerned(name, comment)
            ready.append((name, comment.id, unconcerned, _frozen(name, comment, unconcerned)))
    return ready


def _unconcerned(name: str, comment: Comment) -> frozenset[Listener]:
    """The listeners whose condition says the event is not for them."""
    skipped = set()
    for listener, when in list(_conditions.items()):
        try:
            if not when(name, comment):
                skipped.add(listener)
        except SQLAlchemyError:
            raise  # the transaction may be aborted (PostgreSQL): its commit must fail, not pass
        except Exception:
            log.exception("condition of %r failed on %s for comment %s", listener, name, comment.id)
    return frozenset(skipped)


def _frozen(name: str, comment: Comment, unconcerned: frozenset[Listener]) -> dict[Listener, Any]:
    """What each hearing listener's ``freeze`` answers for the event (None when it fails)."""
    frozen: dict[Listener, Any] = {}
    for listener, freeze in list(_freezers.items()):
        if listener in unconcerned:
            continue
        try:
            frozen[listener] = freeze(name, comment)
        except SQLAlchemyError:
            raise  # as in _unconcerned
        except Exception:
            log.exception("freeze of %r failed on %s for comment %s", listener, name, comment.id)
            frozen[listener] = None
    return frozen


def _announce(ready: Ready) -> None:
    """After the commit: hand each event to the listeners; a failing listener loses no data."""
    for name, comment_id, unconcerned, frozen in ready:
        for listener in list(_listeners):
            if listener in unconcerned:
                continue
            extra = (frozen[listener],) if listener in frozen else ()
            try:
                listener(name, comment_id, *extra)
            except Exception:
                log.exception("listener %r failed on %s for comment %s", listener, name, comment_id)


WORK = CommitWork("parley_comment_events", _take_ids, _announce)


def install_session_hooks() -> None:
    """Hook the events into every commit (once per process)."""
    WORK.install()
