"""Reading a thread: one page of top-level comments with all their replies.

The read costs four queries whatever the thread's size: site and article, reaction counts,
the page of top-level comments, and every reply under that page (found by ``root_id``).
HTML was rendered and sanitized when the comment was written, so reading does no rendering.

It is the hottest path of the service (docs/benchmarks.md), so its SQL statements are built
once per shape and reused with bound parameters (the viewer, the article, the cursor), and the
comment queries are Core selects of plain columns: no SQL is composed and no ORM object is
made per request or per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    or_,
    select,
)

from app.extensions import db
from app.limits import PAGE_SIZE, THREAD_PAGE_MAX
from app.models import (
    REMOVED_STATUSES,
    Site,
)
from app.services.comment_rows import (
    COMMENT_COLUMNS,
    COMMENT_FROM,
    COMMENTS,
    REMOVED,
    CommentNode,
    in_list,
    node_from_row,
    prune_placeholders,
    shown_clause,
    viewer_params,
)
from app.services.errors import ValidationError
from app.services.identity import Viewer
from app.services.paging import (
    KeyType,
    clean_limit,
    decode_cursor,
    encode_cursor,
    keyset_after,
    keyset_order,
    split_page,
)
from app.services.reactions import reaction_counts
from app.services.reply_pages import attach_capped_replies, clean_cap
from app.services.reply_tree import attach_replies
from app.services.site_settings import comments_closed
from app.services.thread_stamps import find_site_and_article

SORTS = ("oldest", "newest", "top")


@dataclass(slots=True)
class ArticleInfo:
    key: str
    title: str | None
    url: str | None
    comment_count: int
    closed: bool
    reactions: dict[str, int]
    id: int | None = None  # None: never commented on or reacted to (no row yet)


@dataclass(slots=True)
class ThreadPage:
    site: Site
    article: ArticleInfo
    comments: list[CommentNode]
    next_cursor: str | None


# Each sort: its sort key's type in a cursor, and whether it runs newest (or highest) first.
_SORT_KEYS = {"oldest": KeyType.TIME, "newest": KeyType.TIME, "top": KeyType.NUMBER}


def _sort_columns(sort: str) -> tuple[tuple[Any, Any], bool]:
    """The keyset columns of a sort (its key, then the id) and whether they run descending.

    Under "top" a placeholder counts as score 0, as it is shown: its old score is not a reader's.
    """
    c = COMMENTS.c
    key = case((c.status.in_(REMOVED), 0), else_=c.score) if sort == "top" else c.created_at
    return (key, c.id), sort != "oldest"


@cache
def _top_statement(sort: str, paged: bool) -> Select[Any]:
    """Top-level comments shown to the viewer, or removed ones with a shown reply (placeholders)."""
    below = COMMENTS.alias("below")
    has_shown_reply = exists(
        select(below.c.id).where(below.c.root_id == COMMENTS.c.id, shown_clause(below.c))
    )
    columns, descending = _sort_columns(sort)
    statement = (
        select(*COMMENT_COLUMNS)
        .select_from(COMMENT_FROM)
        .where(
            COMMENTS.c.article_id == bindparam("article_id"),
            COMMENTS.c.parent_id.is_(None),
            or_(shown_clause(COMMENTS.c), and_(COMMENTS.c.status.in_(REMOVED), has_shown_reply)),
        )
        .order_by(*keyset_order(columns, descending))
        .limit(bindparam("page_rows", type_=Integer))
    )
    if not paged:
        return statement
    after = (bindparam("after_value"), bindparam("after_id"))
    return statement.where(keyset_after(columns, after, descending))


@cache
def _replies_statement(dialect: str) -> Select[Any]:
    """Every reply under the given top-level comments that is shown, or removed (placeholder)."""
    return (
        select(*COMMENT_COLUMNS)
        .select_from(COMMENT_FROM)
        .where(
            in_list(COMMENTS.c.root_id, "roots", dialect),
            or_(shown_clause(COMMENTS.c), COMMENTS.c.status.in_(REMOVED)),
        )
        .order_by(COMMENTS.c.created_at.asc(), COMMENTS.c.id.asc())
    )


def _cursor_for(sort: str, row: Any) -> str:
    if sort == "top":
        return encode_cursor(sort, 0 if row.status in REMOVED_STATUSES else row.score, row.id)
    return encode_cursor(sort, row.created_at, row.id)


def clean_page_query(
    sort: str, limit: int, cursor: str | None, replies: int | None
) -> tuple[int, Any]:
    """The page's limit and decoded cursor, checked without the database (a cached answer's
    ETag is no reason to skip them). Raises
    ValidationError(invalid_sort/invalid_limit/invalid_cursor/invalid_replies)."""
    if sort not in SORTS:
        raise ValidationError("sort must be one of oldest, newest, top", "invalid_sort")
    limit = clean_limit(limit, THREAD_PAGE_MAX)
    after = decode_cursor(cursor, sort, _SORT_KEYS[sort])
    if replies is not None:
        clean_cap(replies)
    return limit, after


def load_thread(
    site_slug: str,
    article_key: str,
    viewer: Viewer,
    sort: str = "oldest",
    limit: int = PAGE_SIZE,
    cursor: str | None = None,
    replies: int | None = None,
) -> ThreadPage:
    """One page of a thread, as the viewer may see it; with ``replies``, at most that many
    replies under each top-level comment (``reply_pages``), else all of them.

    Raises NotFound(unknown_site),
    ValidationError(invalid_sort/invalid_limit/invalid_cursor/invalid_replies).
    An article never commented on gives an empty page (and is not created).
    """
    limit, after = clean_page_query(sort, limit, cursor, replies)
    site, article = find_site_and_article(site_slug, article_key)
    if article is None:
        info = ArticleInfo(article_key, None, None, 0, False, reaction_counts(None))
        return ThreadPage(site, info, [], None)
    info = ArticleInfo(
        article.key,
        article.title,
        article.url,
        article.comment_count,
        comments_closed(site, article),  # closed by hand, or by the site's close_after_days
        reaction_counts(article.id),
        id=article.id,
    )

    params = viewer_params(viewer)
    viewer_user, viewer_guest = params["viewer_user"], params["viewer_guest"]
    top_params = {**params, "article_id": article.id, "page_rows": limit + 1}
    if after is not None:
        top_params.update(after_value=after[0], after_id=after[1])
    connection = db.session.connection()
    top_rows = connection.execute(_top_statement(sort, after is not None), top_params).all()
    top_rows, next_cursor = split_page(top_rows, limit, lambda row: _cursor_for(sort, row))
    if not top_rows:
        return ThreadPage(site, info, [], None)

    roots = [node_from_row(row, viewer_user, viewer_guest) for row in top_rows]
    if replies is not None:
        roots = attach_capped_replies(connection, roots, viewer, replies)
        return ThreadPage(site, info, roots, next_cursor)
    by_id = {node.id: node for node in roots}
    replies = _replies_statement(connection.dialect.name)
    reply_rows = connection.execute(replies, {**params, "roots": list(by_id)}).all()
    attach_replies(reply_rows, by_id, lambda row: node_from_row(row, viewer_user, viewer_guest))
    return ThreadPage(site, info, prune_placeholders(roots), next_cursor)
