"""A comment as the moderation queues show it, and one page of such comments.

A page costs a constant number of queries whatever its size: the page itself (comment,
article, site, author and parent joined), the authors' histories (one grouped query for
accounts, one for guests) and the report reasons (one grouped query). Pages are keyset-paged
(app.services.paging) on an indexed order (``comments(status, created_at)``), so the 10,000th
pending comment costs what the first does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.limits import EXCERPT_CHARS, QUEUE_PAGE_MAX
from app.models import Article, Comment, CommentStatus, Report, Site, User, utcnow
from app.sanitize import plain_text
from app.services.avatars import avatar_path
from app.services.paging import KeyType, keyset_page
from app.services.permissions import BADGES, OfferedAction, moderated_site_ids, offered_actions
from app.services.report_notes import ReportNote, report_notes
from app.services.shapes import shape
from app.services.trust import trusted_on


@dataclass(slots=True)
class AuthorHistory:
    comments: int = 0
    approved: int = 0
    pending: int = 0
    rejected: int = 0
    spam: int = 0
    deleted: int = 0
    # An account's creation, or a guest's first comment.
    first_seen: datetime | None = None

    @property
    def account_age_days(self) -> int | None:
        if self.first_seen is None:
            return None
        return max(0, (utcnow() - self.first_seen).days)


# A guest, a Parley account, or a publisher's single sign-on reader.
AUTHOR_KINDS = ("guest", "account", "sso")


@dataclass(slots=True)
class QueueAuthor:
    name: str
    avatar_path: str
    badge: str | None
    user_id: int | None
    is_guest: bool
    trusted: bool
    history: AuthorHistory | None  # None for a guest without a browser id
    kind: str = "guest"  # one of AUTHOR_KINDS


@dataclass(slots=True)
class ParentContext:
    id: int
    author_name: str
    excerpt: str
    status: str


@dataclass(slots=True)
class QueueItem:
    id: int
    site_slug: str
    article_key: str
    article_title: str | None
    article_url: str | None
    parent: ParentContext | None
    author: QueueAuthor
    html: str
    status: CommentStatus
    reasons: list[str]
    report_count: int
    report_reasons: dict[str, int]
    featured: bool
    created_at: datetime
    edited_at: datetime | None
    toxicity: float | None = None  # 0 to 1; None when not scored (app.services.toxicity)
    report_notes: list[ReportNote] = field(default_factory=list)

    @property
    def actions(self) -> list[OfferedAction]:
        """The actions the dashboard offers on this comment (app.services.permissions)."""
        return offered_actions(self.status, self.report_count, self.featured)


@dataclass(slots=True)
class QueuePage:
    items: list[QueueItem]
    next_cursor: str | None
    queue: str | None = None


_Parent = aliased(Comment, name="parent_comment")
_ParentUser = aliased(User, name="parent_user")

_ITEM_COLUMNS = (
    Comment.id,
    Comment.parent_id,
    Comment.user_id,
    Comment.guest_name,
    Comment.guest_key,
    Comment.body_html,
    Comment.status,
    Comment.reasons,
    Comment.report_count,
    Comment.featured,
    Comment.created_at,
    Comment.edited_at,
    Comment.toxicity,
    Article.key.label("article_key"),
    Article.title.label("article_title"),
    Article.url.label("article_url"),
    Site.slug.label("site_slug"),
    User.name.label("user_name"),
    User.role.label("user_role"),
    User.avatar_path.label("user_avatar"),
    User.sso_site_id.label("user_sso_site"),
    or_(User.trusted, trusted_on(Comment.user_id, Site.id)).label("user_trusted"),
    User.created_at.label("user_created_at"),
    _Parent.body_html.label("parent_html"),
    _Parent.guest_name.label("parent_guest_name"),
    _Parent.status.label("parent_status"),
    _ParentUser.name.label("parent_user_name"),
)


def item_query() -> Select[Any]:
    """Every column a queue item needs, joined; callers add their conditions."""
    return (
        select(*_ITEM_COLUMNS)
        .join(Article, Article.id == Comment.article_id)
        .join(Site, Site.id == Article.site_id)
        .outerjoin(User, User.id == Comment.user_id)
        .outerjoin(_Parent, _Parent.id == Comment.parent_id)
        .outerjoin(_ParentUser, _ParentUser.id == _Parent.user_id)
    )


def _excerpt(html: str) -> str:
    text = " ".join(plain_text(html).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def author_histories(
    user_ids: set[int], guest_keys: set[str], moderator: User
) -> tuple[dict[int, AuthorHistory], dict[str, AuthorHistory]]:
    """Comment counts by status for these accounts and guests, as ``moderator`` may see
    them: on the sites they moderate only (every site for admins and all-site moderators).
    Two grouped queries at most."""
    by_user: dict[int, AuthorHistory] = {uid: AuthorHistory() for uid in user_ids}
    by_guest: dict[str, AuthorHistory] = {key: AuthorHistory() for key in guest_keys}
    sites = in_sites(moderated_site_ids(moderator))
    for column, target in ((Comment.user_id, by_user), (Comment.guest_key, by_guest)):
        if not target:
            continue
        query = select(column, Comment.status, func.count(), func.min(Comment.created_at))
        if sites is not None:
            query = query.join(Article, Article.id == Comment.article_id).where(sites)
        rows = db.session.execute(
            query.where(column.in_(list(target))).group_by(column, Comment.status)
        )
        for who, status, count, first in rows:
            history = target[who]
            history.comments += count
            name = CommentStatus(status).value
            setattr(history, name, getattr(history, name) + count)
            if first is not None and (history.first_seen is None or first < history.first_seen):
                history.first_seen = first
    return by_user, by_guest


def _report_reasons(comment_ids: list[int]) -> dict[int, dict[str, int]]:
    if not comment_ids:
        return {}
    result: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(Report.comment_id, Report.reason, func.count())
        .where(Report.comment_id.in_(comment_ids))
        .group_by(Report.comment_id, Report.reason)
    )
    for comment_id, reason, count in rows:
        result.setdefault(comment_id, {})[reason.value] = count
    return result


def build_items(rows: Sequence[Any], moderator: User) -> list[QueueItem]:
    """Queue items from ``item_query`` rows as ``moderator`` sees them (authors' histories on
    their sites), with histories and reasons in three queries."""
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    guest_keys = {r.guest_key for r in rows if r.user_id is None and r.guest_key}
    by_user, by_guest = author_histories(user_ids, guest_keys, moderator)
    for row in rows:  # an account's age counts from its creation, not its first comment
        if row.user_id is not None:
            by_user[row.user_id].first_seen = row.user_created_at
    reports = _report_reasons([r.id for r in rows if r.report_count])
    notes = report_notes([r.id for r in rows if r.report_count])
    items = []
    for row in rows:
        if row.user_id is not None:
            author = QueueAuthor(
                name=row.user_name,
                avatar_path=avatar_path(row.user_id, None, row.user_avatar),
                badge=BADGES.get(row.user_role),
                user_id=row.user_id,
                is_guest=False,
                trusted=bool(row.user_trusted),
                history=by_user[row.user_id],
                kind="sso" if row.user_sso_site is not None else "account",
            )
        else:
            name = row.guest_name or "Guest"
            author = QueueAuthor(
                name=name,
                avatar_path=avatar_path(None, name),
                badge=None,
                user_id=None,
                is_guest=True,
                trusted=False,
                history=by_guest.get(row.guest_key) if row.guest_key else None,
            )
        parent = None
        if row.parent_id is not None:
            parent = ParentContext(
                id=row.parent_id,
                author_name=row.parent_user_name or row.parent_guest_name or "Guest",
                excerpt=_excerpt(row.parent_html or ""),
                status=CommentStatus(row.parent_status).value,
            )
        items.append(
            shape(
                QueueItem,
                row,
                parent=parent,
                author=author,
                html=row.body_html,
                status=CommentStatus(row.status),
                reasons=list(row.reasons or []),
                report_reasons=reports.get(row.id, {}),
                featured=bool(row.featured),
                report_notes=notes.get(row.id, []),
            )
        )
    return items


def in_sites(site_ids: list[int] | None) -> ColumnElement[bool] | None:
    """SQL: the comment's article is on one of these sites (None: every site, no condition)."""
    return None if site_ids is None else Article.site_id.in_(site_ids)


def page_of_items(
    query: Select[Any],
    moderator: User,
    kind: str,
    key: Any,
    descending: bool,
    cursor: str | None,
    limit: Any,
) -> QueuePage:
    """One page of ``query`` ordered by ``key`` (created_at, report_count, or a labelled
    whole-number expression the query also selects, e.g. TOXICITY_KEY) and id, as
    ``moderator`` sees it."""
    rows, next_cursor = keyset_page(
        query,
        kind,
        KeyType.TIME if key is Comment.created_at else KeyType.NUMBER,
        (key, Comment.id),
        lambda row: (getattr(row, key.key), row.id),
        descending=descending,
        cursor=cursor,
        limit=limit,
        maximum=QUEUE_PAGE_MAX,
    )
    return QueuePage(build_items(rows, moderator), next_cursor, kind)
