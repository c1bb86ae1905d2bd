"""``flask comments recount``: the counts kept beside what they count, set again from it.

Two numbers are stored so that reading a thread counts nothing: an article's ``comment_count``
(its approved comments, also what ``GET /api/v1/counts`` answers) and a comment's ``score``
(its counted votes, app.services.votes.counted_scores). Each change keeps them right in its own
transaction, but concurrent requests made both drift before the row locks that now order them
(status changes: ``locked_status``; votes at the same moment). This sets each wrong one right.

A range of ids at a time, each its own transaction: the range's rows are locked first, in id
order, and counted by a later statement, so a vote or a status change in flight has either
committed (and is counted) or waits for the range and then adjusts the value set here. The
recount is what gives way: on PostgreSQL it waits at most RANGE_LOCK_MS for a row another
transaction holds (a request waits for the range instead, and a cycle of waits cannot form
for long), then tries the range again; on SQLite the range is one write transaction (BEGIN
IMMEDIATE), which orders it with every other writer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from psycopg.errors import DeadlockDetected, LockNotAvailable
from sqlalchemy import Column, ColumnElement, bindparam, func, select, update
from sqlalchemy.exc import OperationalError

from app.database import begin_writing
from app.extensions import db
from app.models import Article, Comment, CommentStatus
from app.services.errors import Conflict
from app.services.freshness import touch_article
from app.services.sites import get_site
from app.services.votes import counted_scores

RECOUNT_BATCH = 1_000
RANGE_LOCK_MS = 500
RANGE_TRIES = 5

articles = Article.__table__
comments = Comment.__table__

# count(ids) -> {id: right value} for those of ``ids`` whose value is not 0
Count = Callable[[list[int]], dict[int, int]]


@dataclass(frozen=True, slots=True)
class Recounted:
    articles: int  # articles recounted
    comments: int  # comments whose score was recounted
    wrong_counts: int  # articles whose comment count was wrong (now right)
    wrong_scores: int  # comments whose score was wrong (now right)


def recount(site_slug: str | None = None, batch: int = RECOUNT_BATCH) -> Recounted:
    """Set every article's comment count and every comment's score, of one site or of all,
    from the comments and votes they count. Raises NotFound(unknown_site), and Conflict(busy)
    when requests kept a range locked through every try (what was done before it stays)."""
    site_id = get_site(site_slug).id if site_slug is not None else None
    of_site = articles.c.site_id == site_id if site_id is not None else None
    in_site = (
        comments.c.article_id.in_(select(articles.c.id).where(of_site))
        if of_site is not None
        else None
    )
    article_counts = _recount(
        articles.c.comment_count, articles.c.id, of_site, _approved_comments, batch
    )
    scores = _recount(comments.c.score, comments.c.article_id, in_site, counted_scores, batch)
    return Recounted(article_counts[0], scores[0], article_counts[1], scores[1])


def _approved_comments(article_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(comments.c.article_id, func.count())
            .where(comments.c.article_id.in_(article_ids))
            .where(comments.c.status == CommentStatus.APPROVED)
            .group_by(comments.c.article_id)
        ).all()
    )


def _recount(
    stored: Column[int],
    article_id: Column[int],
    scope: ColumnElement[bool] | None,
    count: Count,
    batch: int,
) -> tuple[int, int]:
    """Set ``stored`` of each row in ``scope`` to what ``count`` answers for it (absent: 0), a
    range of ids at a time; how many rows there were, and were wrong. ``article_id``: the
    row's article, whose cached pages a corrected row makes stale."""
    seen = wrong = 0
    for first, last in _id_ranges(stored.table.c.id, scope, batch):
        for attempt in range(1, RANGE_TRIES + 1):
            try:
                rows, fixed = _recount_range(stored, article_id, scope, count, first, last)
                break
            except OperationalError as error:
                db.session.rollback()
                if not _gave_way(error):
                    raise
                if attempt == RANGE_TRIES:
                    raise Conflict(
                        f"requests kept {stored.table.name} {first} to {last} locked through "
                        f"{RANGE_TRIES} tries; what came before is recounted: run it again",
                        "busy",
                    ) from None
                time.sleep(0.1 * attempt)
        seen += rows
        wrong += fixed
    return seen, wrong


def _recount_range(
    stored: Column[int],
    article_id: Column[int],
    scope: ColumnElement[bool] | None,
    count: Count,
    first: int,
    last: int,
) -> tuple[int, int]:
    row_id = stored.table.c.id
    begin_writing(db.session)  # SQLite: what the row locks below mean on PostgreSQL
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {RANGE_LOCK_MS}")
    locked = select(row_id, stored, article_id).where(row_id.between(first, last))
    if scope is not None:
        locked = locked.where(scope)
    rows = db.session.execute(locked.order_by(row_id).with_for_update(key_share=True)).all()
    right = count([row[0] for row in rows]) if rows else {}
    fixes = [row for row in rows if row[1] != right.get(row[0], 0)]
    if fixes:
        db.session.execute(
            update(stored.table)
            .where(row_id == bindparam("row_id"))
            .values({stored.name: bindparam("right")}),
            [{"row_id": row[0], "right": right.get(row[0], 0)} for row in fixes],
        )
        for row in fixes:
            touch_article(row[2])
    db.session.commit()
    return len(rows), len(fixes)


def _gave_way(error: OperationalError) -> bool:
    """The range met a lock it would not wait for (PostgreSQL), or SQLite stayed busy."""
    if isinstance(error.orig, LockNotAvailable | DeadlockDetected):
        return True
    return "database is locked" in str(error.orig)


def _id_ranges(
    row_id: Column[int], scope: ColumnElement[bool] | None, batch: int
) -> Iterator[tuple[int, int]]:
    bounds = select(func.min(row_id), func.max(row_id))
    if scope is not None:
        bounds = bounds.where(scope)
    low, high = db.session.execute(bounds).one()
    db.session.commit()
    if low is None:
        return
    for first in range(low, high + 1, batch):
        yield first, min(first + batch - 1, high)
