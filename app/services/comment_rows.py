"""The rows a thread read turns into comments: the columns, who may see what, and the nodes.

Shared by the thread read (``threads``) and the capped replies (``reply_pages``): one row
layout, one rule for what a viewer is shown, one place that makes placeholders of removed
comments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, any_, bindparam, or_
from sqlalchemy.dialects.postgresql import ARRAY

from app.models import REMOVED_STATUSES, Comment, CommentStatus, User
from app.services.avatars import avatar_path
from app.services.identity import Viewer
from app.services.permissions import BADGES

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
    # With a replies cap (app/services/reply_pages.py): replies left out, and where they start.
    more_replies: int = 0
    replies_cursor: str | None = None


def shown_clause(columns: Any) -> ColumnElement[bool]:
    """SQL: the viewer may read this comment's text (approved, or their own pending).

    The viewer arrives as the bound parameters ``viewer_user`` and ``viewer_guest``
    (``viewer_params``); a NULL parameter matches no row, as ``x = NULL`` is never true.
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


def viewer_params(viewer: Viewer) -> dict[str, Any]:
    return {
        "viewer_user": viewer.user.id if viewer.user is not None else None,
        "viewer_guest": viewer.guest_key,
    }


COMMENTS = Comment.__table__
_U = User.__table__
# Row layout read by ``node_from_row``; Core columns keep their types (UTC datetimes, status enum).
COMMENT_COLUMNS = (
    COMMENTS.c.id,
    COMMENTS.c.parent_id,
    COMMENTS.c.user_id,
    COMMENTS.c.guest_name,
    COMMENTS.c.guest_key,
    COMMENTS.c.body_html,
    COMMENTS.c.status,
    COMMENTS.c.score,
    COMMENTS.c.featured,
    COMMENTS.c.created_at,
    COMMENTS.c.edited_at,
    _U.c.name.label("user_name"),
    _U.c.role.label("user_role"),
    _U.c.avatar_path.label("user_avatar"),
    _U.c.sso_avatar_url.label("sso_avatar"),
    _U.c.sso_badge.label("sso_badge"),
)
COMMENT_FROM = COMMENTS.outerjoin(_U, _U.c.id == COMMENTS.c.user_id)
REMOVED = sorted(REMOVED_STATUSES)


def in_list(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """SQL ``column IN (the list bound as name)``, in the form cheapest for the dialect.

    PostgreSQL takes the list as one array parameter (``= ANY(:name)``): the statement's text
    is the same for any length, where an expanding IN is re-rendered with one cast parameter
    per item on every execution (300 for a whole thread).
    """
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


# Avatar paths are a pure function of a few author fields; most authors recur in a thread.
_avatar = lru_cache(maxsize=16_384)(avatar_path)
_DELETED = CommentStatus.DELETED.value


def node_from_row(
    values: Sequence[Any], viewer_user: int | None, viewer_guest: str | None
) -> CommentNode:
    """A node from a row laid out as ``COMMENT_COLUMNS`` (as the viewer may see it)."""
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
        sso_avatar,
        sso_badge,
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
        avatar = sso_avatar or _avatar(user_id, None, user_avatar)  # SSO: https, latest token
        badge = BADGES.get(user_role) or sso_badge
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
        user.sso_avatar_url if user else None,
        user.sso_badge if user else None,
    )
    return node_from_row(values, viewer.user.id if viewer.user else None, viewer.guest_key)


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


def prune_placeholders(nodes: list[CommentNode]) -> list[CommentNode]:
    """Drop placeholders with no shown descendants, bottom-up, keeping the tree's shape."""
    kept = []
    for node in nodes:
        node.replies = prune_placeholders(node.replies)
        if node.status != CommentStatus.DELETED.value or node.replies:
            kept.append(node)
    return kept
