"""The moderation queues, their counts, and one comment in the queue shape.

Queues (``QUEUES``): ``pending`` (held before publication, oldest first), ``reported``
(approved or held comments with reports, most-reported first), ``spam`` (newest first), and
the history views ``approved`` and ``rejected`` (newest first).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, and_, cast, func, select

from app.extensions import db
from app.limits import PAGE_SIZE
from app.models import Article, Comment, CommentStatus, User
from app.services.comments import get_comment
from app.services.errors import NotFound, ValidationError
from app.services.moderation.items import (
    QueueItem,
    QueuePage,
    build_items,
    in_sites,
    item_query,
    page_of_items,
)
from app.services.permissions import require_moderator, require_staff, site_scope

QUEUES = ("pending", "reported", "spam", "approved", "rejected")
COUNTED_QUEUES = ("pending", "reported", "spam")
QUEUE_SORTS = ("default", "toxicity")
# "Most toxic first": the score in ten-thousandths (scores are stored to 4 places, and cursors
# carry whole numbers), unscored comments (NULL) as -1, after every scored one.
TOXICITY_KEY = func.coalesce(cast(func.round(Comment.toxicity * 10_000), Integer), -1).label(
    "toxicity_key"
)
QUEUE_STATUSES = {
    "pending": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "approved": CommentStatus.APPROVED,
    "rejected": CommentStatus.REJECTED,
}


def queue_condition(queue: str) -> ColumnElement[bool]:
    """SQL: the comment is in ``queue``."""
    if queue == "reported":
        return and_(
            Comment.status.in_([CommentStatus.APPROVED, CommentStatus.PENDING]),
            Comment.report_count > 0,
        )
    return Comment.status == QUEUE_STATUSES[queue]


def list_queue(
    queue: str,
    moderator: User | None,
    site_slug: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    sort: str = "default",
) -> QueuePage:
    """One page of a queue, for one site or (``site_slug`` None) every site the moderator has.

    ``sort``: ``default`` (the queue's own order) or ``toxicity`` (most toxic first).
    Raises NotFound(unknown_queue, unknown_site), Forbidden(forbidden),
    ValidationError(invalid_cursor, invalid_limit, invalid_sort).
    """
    moderator = require_staff(moderator)
    if queue not in QUEUES:
        raise NotFound(f"no queue {queue[:40]!r}; queues are {', '.join(QUEUES)}", "unknown_queue")
    query = item_query().where(queue_condition(queue))
    scope = in_sites(site_scope(moderator, site_slug))
    if scope is not None:
        query = query.where(scope)
    if sort not in QUEUE_SORTS:
        raise ValidationError(f"sort must be one of {', '.join(QUEUE_SORTS)}", "invalid_sort")
    if sort == "toxicity":
        query = query.add_columns(TOXICITY_KEY)
        return page_of_items(query, moderator, "toxicity", TOXICITY_KEY, True, cursor, limit)
    if queue == "reported":
        return page_of_items(query, moderator, queue, Comment.report_count, True, cursor, limit)
    return page_of_items(
        query, moderator, queue, Comment.created_at, queue != "pending", cursor, limit
    )


def queue_counts(moderator: User | None, site_slug: str | None = None) -> dict[str, int]:
    """How many comments wait in the pending, reported and spam queues (one query each)."""
    site_ids = site_scope(moderator, site_slug)
    counts = {}
    for queue in COUNTED_QUEUES:
        query = select(func.count(Comment.id)).where(queue_condition(queue))
        if site_ids is not None:
            query = query.join(Article, Article.id == Comment.article_id).where(
                Article.site_id.in_(site_ids)
            )
        counts[queue] = db.session.scalar(query) or 0
    return counts


def queue_item(comment_id: int, moderator: User | None) -> QueueItem:
    """One comment in the queue shape. Raises NotFound(unknown_comment), Forbidden."""
    moderator = require_staff(moderator)
    comment = get_comment(comment_id)
    require_moderator(moderator, comment.article.site)
    rows = db.session.execute(item_query().where(Comment.id == comment_id)).all()
    return build_items(rows, moderator)[0]
