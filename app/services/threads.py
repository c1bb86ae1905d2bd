"""Reading a thread: one page of top-level comments with all their replies.

The read costs four queries whatever the thread's size: site and article, reaction counts,
the page of top-level comments, and every reply under that page (found by ``root_id``).
HTML was rendered and sanitized when the comment was written, so reading does no rendering.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    REMOVED_STATUSES,
    Article,
    Comment,
    CommentStatus,
    Reaction,
    ReactionKind,
    Role,
    Site,
    User,
)
from app.services.avatars import avatar_path
from app.services.errors import NotFound, ValidationError
from app.services.identity import Viewer

SORTS = ("oldest", "newest", "top")
MAX_LIMIT = 500
PLACEHOLDER_NAME = "[deleted]"
PLACEHOLDER_HTML = "<p>[deleted]</p>"
BADGES = {Role.MODERATOR: "moderator", Role.ADMIN: "staff"}


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


@dataclass(slots=True)
class ThreadPage:
    site: Site
    article: ArticleInfo
    comments: list[CommentNode]
    next_cursor: str | None


def _own_clause(table: Any, viewer: Viewer) -> ColumnElement[bool]:
    """SQL: the comment was written by this viewer."""
    clauses = []
    if viewer.user is not None:
        clauses.append(table.user_id == viewer.user.id)
    if viewer.guest_key is not None:
        clauses.append(table.guest_key == viewer.guest_key)
    return or_(*clauses) if clauses else false()


def _shown_clause(table: Any, viewer: Viewer) -> ColumnElement[bool]:
    """SQL: the viewer may read this comment's text (approved, or their own pending)."""
    return or_(
        table.status == CommentStatus.APPROVED,
        and_(table.status == CommentStatus.PENDING, _own_clause(table, viewer)),
    )


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """Parse a cursor made by ``encode_cursor`` for the same sort; ValidationError otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not (isinstance(values, list) and len(values) == 3 and values[0] == sort):
            raise ValueError
        if sort == "top":
            return [int(values[1]), int(values[2])]
        return [datetime.fromisoformat(values[1]), int(values[2])]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(
            "cursor is not valid for this sort: pass next_cursor from the previous page unchanged",
            "invalid_cursor",
        ) from None


def _order_and_after(
    sort: str, after: list[Any] | None
) -> tuple[list[Any], ColumnElement[bool] | None]:
    c = Comment
    if sort == "oldest":
        order = [c.created_at.asc(), c.id.asc()]
        cond = (
            None
            if after is None
            else or_(c.created_at > after[0], and_(c.created_at == after[0], c.id > after[1]))
        )
    elif sort == "newest":
        order = [c.created_at.desc(), c.id.desc()]
        cond = (
            None
            if after is None
            else or_(c.created_at < after[0], and_(c.created_at == after[0], c.id < after[1]))
        )
    else:
        order = [c.score.desc(), c.id.desc()]
        cond = (
            None
            if after is None
            else or_(c.score < after[0], and_(c.score == after[0], c.id < after[1]))
        )
    return order, cond


def _cursor_for(sort: str, row: Any) -> str:
    if sort == "top":
        return encode_cursor([sort, row.score, row.id])
    return encode_cursor([sort, row.created_at.isoformat(), row.id])


_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.user_id,
    Comment.guest_name,
    Comment.guest_key,
    Comment.body_html,
    Comment.status,
    Comment.score,
    Comment.featured,
    Comment.created_at,
    Comment.edited_at,
    User.name.label("user_name"),
    User.role.label("user_role"),
    User.avatar_path.label("user_avatar"),
)


def _node(row: Any, viewer: Viewer) -> CommentNode:
    status = row.status
    own = (viewer.user is not None and row.user_id == viewer.user.id) or (
        viewer.guest_key is not None and row.guest_key == viewer.guest_key
    )
    if status in REMOVED_STATUSES:
        return CommentNode(
            id=row.id,
            parent_id=row.parent_id,
            author_name=PLACEHOLDER_NAME,
            avatar_path=avatar_path(None, PLACEHOLDER_NAME),
            badge=None,
            html=PLACEHOLDER_HTML,
            created_at=row.created_at,
            edited_at=None,
            status=CommentStatus.DELETED.value,
            score=0,
        )
    if row.user_id is not None:
        name = row.user_name
        avatar = avatar_path(row.user_id, None, row.user_avatar)
        badge = BADGES.get(row.user_role)
    else:
        name = row.guest_name or "Guest"
        avatar = avatar_path(None, name)
        badge = None
    return CommentNode(
        id=row.id,
        parent_id=row.parent_id,
        author_name=name,
        avatar_path=avatar,
        badge=badge,
        html=row.body_html,
        created_at=row.created_at,
        edited_at=row.edited_at,
        status=status.value,
        score=row.score,
        featured=row.featured,
        own=own,
    )


def node_for_comment(comment: Comment, viewer: Viewer) -> CommentNode:
    """A CommentNode for one loaded Comment (e.g. the answer to a post)."""
    user = comment.user
    row = _RowView(comment, user)
    return _node(row, viewer)


class _RowView:
    """Adapts a Comment object to the row shape ``_node`` reads."""

    def __init__(self, comment: Comment, user: User | None):
        self._c = comment
        self.user_name = user.name if user else None
        self.user_role = user.role if user else None
        self.user_avatar = user.avatar_path if user else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._c, name)


def _reaction_counts(article_id: int | None) -> dict[str, int]:
    counts = {kind.value: 0 for kind in ReactionKind}
    if article_id is None:
        return counts
    rows = db.session.execute(
        select(Reaction.kind, func.count())
        .where(Reaction.article_id == article_id)
        .group_by(Reaction.kind)
    )
    for kind, n in rows:
        counts[kind.value] = n
    return counts


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
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}", "invalid_limit")
    after = decode_cursor(cursor, sort) if cursor else None

    found = db.session.execute(
        select(Site, Article)
        .outerjoin(Article, and_(Article.site_id == Site.id, Article.key == article_key))
        .where(Site.slug == site_slug)
    ).first()
    if found is None:
        raise NotFound(f"no site with slug {site_slug!r}", "unknown_site")
    site, article = found
    if article is None:
        info = ArticleInfo(article_key, None, None, 0, False, _reaction_counts(None))
        return ThreadPage(site, info, [], None)
    info = ArticleInfo(
        article.key,
        article.title,
        article.url,
        article.comment_count,
        article.closed,
        _reaction_counts(article.id),
    )

    below = aliased(Comment)
    has_shown_reply = exists(
        select(below.id).where(below.root_id == Comment.id, _shown_clause(below, viewer))
    )
    order, after_clause = _order_and_after(sort, after)
    top_query = (
        select(*_COLUMNS)
        .outerjoin(User, User.id == Comment.user_id)
        .where(
            Comment.article_id == article.id,
            Comment.parent_id.is_(None),
            or_(
                _shown_clause(Comment, viewer),
                and_(Comment.status.in_(REMOVED_STATUSES), has_shown_reply),
            ),
        )
        .order_by(*order)
        .limit(limit + 1)
    )
    if after_clause is not None:
        top_query = top_query.where(after_clause)
    top_rows = db.session.execute(top_query).all()
    next_cursor = _cursor_for(sort, top_rows[limit - 1]) if len(top_rows) > limit else None
    top_rows = top_rows[:limit]
    if not top_rows:
        return ThreadPage(site, info, [], None)

    roots = [_node(row, viewer) for row in top_rows]
    by_id = {node.id: node for node in roots}
    reply_rows = db.session.execute(
        select(*_COLUMNS)
        .outerjoin(User, User.id == Comment.user_id)
        .where(
            Comment.root_id.in_(list(by_id)),
            or_(_shown_clause(Comment, viewer), Comment.status.in_(REMOVED_STATUSES)),
        )
        .order_by(Comment.created_at.asc(), Comment.id.asc())
    ).all()
    # Parents are older than their replies, so one pass in time order attaches every reply.
    for row in reply_rows:
        parent = by_id.get(row.parent_id)
        if parent is None:
            continue  # its parent is hidden from this viewer (someone else's pending comment)
        node = _node(row, viewer)
        parent.replies.append(node)
        by_id[node.id] = node
    return ThreadPage(site, info, _prune(roots), next_cursor)
