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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.models import (
    REMOVED_STATUSES,
    Comment,
    CommentStatus,
    Site,
    User,
)
from app.services.avatars import avatar_path
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
from app.services.permissions import BADGES
from app.services.reactions import reaction_counts
from app.services.site_settings import comments_closed
from app.services.thread_stamps import find_site_and_article

SORTS = ("oldest", "newest", "top")
MAX_LIMIT = 500
PLACEHOLDER_NAME = "[deleted]"
PLACEHOLDER_HTML = "<p>[deleted]</p>"


@dataclass(slots=True)
class CommentNode:
    id: int
    parent_id: int | None
    author_name: str
    avatar_path: str
    badge: str | None
    html: str
    created_at: datetime
    edited_at: datetime | None
    status: str
    score: int
    featured: bool = False
    own: bool = False
    replies: list[CommentNode] = field(default_factory=list)


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


def _shown_clause(columns: Any) -> ColumnElement[bool]:
    """SQL: the viewer may read this comment's text (approved, or their own pending).

    The viewer arrives as the bound parameters ``viewer_user`` and ``viewer_guest``
    (``_viewer_params``); a NULL parameter matches no row, as ``x = NULL`` is never true.
    """
    return or_(
        columns.status == CommentStatus.APPROVED,
        and_(
            columns.status == CommentStatus.PENDING,
            or_(
                columns.user_id == bindparam("viewer_user"),
                columns.guest_key == bindparam("viewer_guest"),
            ),
        ),
    )


def _viewer_params(viewer: Viewer) -> dict[str, Any]:
    return {
        "viewer_user": viewer.user.id if viewer.user is not None else None,
        "viewer_guest": viewer.guest_key,
    }


_T = Comment.__table__
_U = User.__table__
# Row layout read by ``_node``; Core columns keep their types (UTC datetimes, status enum).
_COLUMNS = (
    _T.c.id,
    _T.c.parent_id,
    _T.c.user_id,
    _T.c.guest_name,
    _T.c.guest_key,
    _T.c.body_html,
    _T.c.status,
    _T.c.score,
    _T.c.featured,
    _T.c.created_at,
    _T.c.edited_at,
    _U.c.name.label("user_name"),
    _U.c.role.label("user_role"),
    _U.c.avatar_path.label("user_avatar"),
)
_FROM = _T.outerjoin(_U, _U.c.id == _T.c.user_id)
_REMOVED = sorted(REMOVED_STATUSES)


# Each sort: its sort key's type in a cursor, and whether it runs newest (or highest) first.
_SORT_KEYS = {"oldest": KeyType.TIME, "newest": KeyType.TIME, "top": KeyType.NUMBER}


def _sort_columns(sort: str) -> tuple[tuple[Any, Any], bool]:
    """The keyset columns of a sort (its key, then the id) and whether they run descending."""
    key = _T.c.score if sort == "top" else _T.c.created_at
    return (key, _T.c.id), sort != "oldest"


@cache
def _top_statement(sort: str, paged: bool) -> Select[Any]:
    """Top-level comments shown to the viewer, or removed ones with a shown reply (placeholders)."""
    below = _T.alias("below")
    has_shown_reply = exists(
        select(below.c.id).where(below.c.root_id == _T.c.id, _shown_clause(below.c))
    )
    columns, descending = _sort_columns(sort)
    statement = (
        select(*_COLUMNS)
        .select_from(_FROM)
        .where(
            _T.c.article_id == bindparam("article_id"),
            _T.c.parent_id.is_(None),
            or_(_shown_clause(_T.c), and_(_T.c.status.in_(_REMOVED), has_shown_reply)),
        )
        .order_by(*keyset_order(columns, descending))
        .limit(bindparam("page_rows", type_=Integer))
    )
    if not paged:
        return statement
    after = (bindparam("after_value"), bindparam("after_id"))
    return statement.where(keyset_after(columns, after, descending))


def in_list(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """SQL ``column IN (the list bound as name)``, in the form cheapest for the dialect.

    PostgreSQL takes the list as one array parameter (``= ANY(:name)``): the statement's text
    is the same for any length, where an expanding IN is re-rendered with one cast parameter
    per item on every execution (300 for a whole thread).
    """
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


@cache
def _replies_statement(dialect: str) -> Select[Any]:
    """Every reply under the given top-level comments that is shown, or removed (placeholder)."""
    return (
        select(*_COLUMNS)
        .select_from(_FROM)
        .where(
            in_list(_T.c.root_id, "roots", dialect),
            or_(_shown_clause(_T.c), _T.c.status.in_(_REMOVED)),
        )
        .order_by(_T.c.created_at.asc(), _T.c.id.asc())
    )


def _cursor_for(sort: str, row: Any) -> str:
    return encode_cursor(sort, row.score if sort == "top" else row.created_at, row.id)


# Avatar paths are a pure function of a few author fields; most authors recur in a thread.
_avatar = lru_cache(maxsize=16_384)(avatar_path)
_DELETED = CommentStatus.DELETED.value


def _node(values: Sequence[Any], viewer_user: int | None, viewer_guest: str | None) -> CommentNode:
    """A node from a row laid out as ``_COLUMNS`` (as the viewer may see it)."""
    (
        comment_id,
        parent_id,
        user_id,
        guest_name,
        guest_key,
        html,
        status,
        score,
        featured,
        created_at,
        edited_at,
        user_name,
        user_role,
        user_avatar,
    ) = values
    if status in REMOVED_STATUSES:
        return CommentNode(
            comment_id,
            parent_id,
            PLACEHOLDER_NAME,
            _avatar(None, PLACEHOLDER_NAME),
            None,
            PLACEHOLDER_HTML,
            created_at,
            None,
            _DELETED,
            0,
        )
    own = (viewer_user is not None and user_id == viewer_user) or (
        viewer_guest is not None and guest_key == viewer_guest
    )
    if user_id is not None:
        name = user_name
        avatar = _avatar(user_id, None, user_avatar)
        badge = BADGES.get(user_role)
    else:
        name = guest_name or "Guest"
        avatar = _avatar(None, name)
        badge = None
    return CommentNode(
        comment_id,
        parent_id,
        name,
        avatar,
        badge,
        html,
        created_at,
        edited_at,
        status.value,
        score,
        featured,
        own,
    )


def node_for_comment(
    comment: Comment, viewer: Viewer, status: CommentStatus | None = None
) -> CommentNode:
    """A CommentNode for one loaded Comment, shown with ``status`` if given."""
    user = comment.user
    values = (
        comment.id,
        comment.parent_id,
        comment.user_id,
        comment.guest_name,
        comment.guest_key,
        comment.body_html,
        status or comment.status,
        comment.score,
        comment.featured,
        comment.created_at,
        comment.edited_at,
        user.name if user else None,
        user.role if user else None,
        user.avatar_path if user else None,
    )
    return _node(values, viewer.user.id if viewer.user else None, viewer.guest_key)


def node_for_author(comment: Comment, viewer: Viewer) -> CommentNode:
    """What the author is answered after posting or editing their comment.

    A comment the rules rejected or marked spam reads as ``pending`` with no text, like a held
    comment: the contract's answer is approved or pending, a spammer learns nothing from it,
    and a removed comment's text never appears in a reader response. No thread shows it.
    """
    if comment.status not in (CommentStatus.REJECTED, CommentStatus.SPAM):
        return node_for_comment(comment, viewer)
    node = node_for_comment(comment, viewer, status=CommentStatus.PENDING)
    node.html = ""
    return node


def _prune(nodes: list[CommentNode]) -> list[CommentNode]:
    """Drop placeholders with no shown descendants, bottom-up, keeping the tree's shape."""
    kept = []
    for node in nodes:
        node.replies = _prune(node.replies)
        if node.status != CommentStatus.DELETED.value or node.replies:
            kept.append(node)
    return kept


def load_thread(
    site_slug: str,
    article_key: str,
    viewer: Viewer,
    sort: str = "oldest",
    limit: int = 50,
    cursor: str | None = None,
) -> ThreadPage:
    """One page of a thread, as the viewer may see it.

    Raises NotFound(unknown_site), ValidationError(invalid_sort/invalid_limit/invalid_cursor).
    An article never commented on gives an empty page (and is not created).
    """
    if sort not in SORTS:
        raise ValidationError("sort must be one of oldest, newest, top", "invalid_sort")
    limit = clean_limit(limit, MAX_LIMIT)
    after = decode_cursor(cursor, sort, _SORT_KEYS[sort])

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

    params = _viewer_params(viewer)
    viewer_user, viewer_guest = params["viewer_user"], params["viewer_guest"]
    top_params = {**params, "article_id": article.id, "page_rows": limit + 1}
    if after is not None:
        top_params.update(after_value=after[0], after_id=after[1])
    connection = db.session.connection()
    top_rows = connection.execute(_top_statement(sort, after is not None), top_params).all()
    top_rows, next_cursor = split_page(top_rows, limit, lambda row: _cursor_for(sort, row))
    if not top_rows:
        return ThreadPage(site, info, [], None)

    roots = [_node(row, viewer_user, viewer_guest) for row in top_rows]
    by_id = {node.id: node for node in roots}
    replies = _replies_statement(connection.dialect.name)
    reply_rows = connection.execute(replies, {**params, "roots": list(by_id)}).all()
    # Parents are older than their replies, so one pass in time order attaches every reply.
    for row in reply_rows:
        parent = by_id.get(row[1])  # parent_id
        if parent is None:
            continue  # its parent is hidden from this viewer (someone else's pending comment)
        node = _node(row, viewer_user, viewer_guest)
        parent.replies.append(node)
        by_id[node.id] = node
    return ThreadPage(site, info, _prune(roots), next_cursor)
