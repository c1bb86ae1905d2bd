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

from sqlalchemy import ColumnElement, Select, and_, any_, bindparam, case, exists, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.models import REMOVED_STATUSES, AuditEntry, Comment, CommentStatus, User
from app.services.avatars import avatar_path
from app.services.identity import Viewer
from app.services.moderation.actions import STATUS_ACTIONS
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


# The statuses the rules may give a new or edited comment besides approved and pending.
RULE_REMOVED = (CommentStatus.REJECTED, CommentStatus.SPAM)
_AUDIT = AuditEntry.__table__
# The audit actions by which a moderator decides a comment's status (moderation/actions.py).
_DECISIONS = sorted(STATUS_ACTIONS)


def _decisions_on(comment_id: Any) -> Select[Any]:
    """The audit entries of a moderator deciding the comment's status."""
    return select(_AUDIT.c.id).where(
        _AUDIT.c.comment_id == comment_id, _AUDIT.c.action.in_(_DECISIONS)
    )


def held_by_rules_clause(columns: Any) -> ColumnElement[bool]:
    """SQL: the rules rejected this comment or marked it spam, and no moderator has decided it.

    Its author is shown it as pending, with its text, like any held comment: nothing tells
    them why it was held (app.services.rules), and nobody else sees it.
    """
    return and_(columns.status.in_(RULE_REMOVED), ~exists(_decisions_on(columns.id)))


def shown_clause(columns: Any) -> ColumnElement[bool]:
    """SQL: the viewer may read this comment's text (approved, or their own pending or held
    by the rules).

    The viewer arrives as the bound parameters ``viewer_user`` and ``viewer_guest``
    (``viewer_params``); a NULL parameter matches no row, as ``x = NULL`` is never true.
    """
    return or_(
        columns.status == CommentStatus.APPROVED,
        and_(
            or_(columns.status == CommentStatus.PENDING, held_by_rules_clause(columns)),
            or_(
                columns.user_id == bindparam("viewer_user"),
                columns.guest_key == bindparam("viewer_guest"),
            ),
        ),
    )


def held_by_rules(comment: Comment) -> bool:
    """``held_by_rules_clause`` for one loaded comment."""
    if comment.status not in RULE_REMOVED:
        return False
    return db.session.scalar(_decisions_on(comment.id).limit(1)) is None


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
    # Evaluated only for rejected and spam rows: whether the rules hold it for its author.
    case(
        (COMMENTS.c.status.in_(RULE_REMOVED), held_by_rules_clause(COMMENTS.c)),
        else_=False,
    ).label("held"),
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
        held,
    ) = values
    own = (viewer_user is not None and user_id == viewer_user) or (
        viewer_guest is not None and guest_key == viewer_guest
    )
    if held and own:
        status = CommentStatus.PENDING  # its author sees it as any held comment, text included
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
        held_by_rules(comment),
    )
    return node_from_row(values, viewer.user.id if viewer.user else None, viewer.guest_key)


def node_for_author(comment: Comment, viewer: Viewer) -> CommentNode:
    """What the author is answered after posting or editing their comment.

    A comment the rules rejected or marked spam reads as ``pending`` with its text, exactly
    like a held comment, here and in the author's later reads of the thread (``shown_clause``):
    the contract's answer is approved or pending, and a spammer cannot tell a rejection from
    a hold. Nobody else is shown it.
    """
    if comment.status in RULE_REMOVED:  # a cookie-less guest is not known as its author later
        return node_for_comment(comment, viewer, status=CommentStatus.PENDING)
    return node_for_comment(comment, viewer)


def prune_placeholders(nodes: list[CommentNode]) -> list[CommentNode]:
    """Drop placeholders with no shown descendants, bottom-up, keeping the tree's shape."""
    kept = []
    for node in nodes:
        node.replies = prune_placeholders(node.replies)
        if node.status != CommentStatus.DELETED.value or node.replies:
            kept.append(node)
    return kept
