"""``flask comments recount``: the counts kept beside what they count, set again from it.

Two numbers are stored so that reading a thread counts nothing: an article's ``comment_count``
(its approved comments, also what ``GET /api/v1/counts`` answers) and a comment's ``score``
(its counted votes, app.services.votes.counted_scores). Every change keeps them right in its own
transaction, but concurrent requests made both drift before the row locks that now order them
(status changes: ``locked_status``; votes at the same moment). This sets each wrong one right.

By ranges of ids, each committed on its own, like ``forget_ips``: a range's rows are locked
first and counted by a later statement, so a vote or a status change in flight has either
committed (and is counted) or waits for the range and then adjusts the value set here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, bindparam, func, select, update

from app.extensions import db
from app.models import Article, Comment, CommentStatus
from app.services.freshness import touch_article
from app.services.sites import get_site
from app.services.votes import counted_scores

RECOUNT_BATCH = 10_000

articles = Article.__table__
comments = Comment.__table__


@dataclass(frozen=True, slots=True)
class Recounted:
    articles: int  # articles recounted
    comments: int  # comments whose score was recounted
    wrong_counts: int  # articles whose comment count was wrong (now right)
    wrong_scores: int  # comments whose score was wrong (now right)


def recount(site_slug: str | None = None, batch: int = RECOUNT_BATCH) -> Recounted:
    """Set every article's comment count and every comment's score, of one site or of all,
    from the comments and votes they count. Raises NotFound(unknown_site)."""
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


def _approved_comments(first: int, last: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(comments.c.article_id, func.count())
            .where(comments.c.article_id.between(first, last))
            .where(comments.c.status == CommentStatus.APPROVED)
            .group_by(comments.c.article_id)
        ).all()
    )


def _recount(
    stored: Column[int],
    article_id: Column[int],
    scope: ColumnElement[bool] | None,
    count: Callable[[int, int], dict[int, int]],
    batch: int,
) -> tuple[int, int]:
    """Set ``stored`` of each row in ``scope`` to what ``count(first id, last id)`` answers
    for it (absent: 0), a range of ids at a time; how many rows there were, and were wrong.
    ``article_id``: the row's article, whose cached pages a corrected row makes stale."""
    row_id = stored.table.c.id
    set_right = (
        update(stored.table)
        .where(row_id == bindparam("row_id"))
        .values({stored.name: bindparam("right")})
    )
    seen = wrong = 0
    for first, last in _id_ranges(row_id, scope, batch):
        locked = select(row_id, stored, article_id).where(row_id.between(first, last))
        if scope is not None:
            locked = locked.where(scope)
        rows = db.session.execute(locked.with_for_update(key_share=True)).all()
        right = count(first, last)
        fixes = [row for row in rows if row[1] != right.get(row[0], 0)]
        if fixes:
            db.session.execute(
                set_right, [{"row_id": row[0], "right": right.get(row[0], 0)} for row in fixes]
            )
            for row in fixes:
                touch_article(row[2])
        db.session.commit()
        seen += len(rows)
        wrong += len(fixes)
    return seen, wrong


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
