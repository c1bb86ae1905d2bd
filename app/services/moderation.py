"""Moderation: who may moderate what, the queues, actions on comments, search and the audit log.

Roles: an admin moderates every site; a moderator the sites in ``user.moderated_sites``, or
every site when that list is empty; a reader (or nobody) never. Every function here takes the
acting user and checks that first (Forbidden ``forbidden``), so the API and the dashboard
cannot forget it.

Queues (``QUEUES``): ``pending`` (held before publication, oldest first), ``reported``
(approved or held comments with reports, most-reported first), ``spam`` (newest first), and
the history views ``approved`` and ``rejected`` (newest first). A page costs a constant
number of queries whatever its size: the page itself (comment, article, site, author and
parent joined), the authors' histories (one grouped query for accounts, one for guests) and
the report reasons (one grouped query). Pages are cursor-paginated on an indexed order
(``comments(status, created_at)``), so the 10,000th pending comment costs what the first does.

Actions (``ACTIONS``) go through ``app.services.comments.change_status``, which keeps the
article's visible count right and writes the audit entry with the status before and after;
feature/unfeature keep the status and are audited too. Approving or restoring a reported
comment dismisses its reports (``report_count`` back to 0, the Report rows kept), so it leaves
the Reported queue. Readers see the change on their next request: threads and counts are read
from the database, nothing caches them.

Additions beyond the agreed interface: ``queue_item(comment_id, moderator)`` (one comment in
the queue shape, for the answer to an action), ``require_staff(user)``,
``moderated_site_ids(user)`` (None: every site), ``site_settings_for(moderator, site_slug)``
(every setting, for moderators of the site), ``author_histories`` (used by
app.services.authors), ``clean_action``/``clean_reason``/``clean_ids``/``id_cursor`` (input
checks the dashboard can reuse), ``QUEUES``/``ACTIONS``, the dataclasses below, and a ``limit``
keyword (1 to 100) on ``audit_log``. Authors: app.services.authors; articles:
app.services.articles; settings: app.services.site_settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Article as ArticleModel
from app.models import (
    AuditEntry,
    Comment,
    CommentStatus,
    Report,
    Role,
    Site,
    User,
    utcnow,
)
from app.sanitize import normalize_text, plain_text
from app.services import audit
from app.services.avatars import avatar_path
from app.services.comments import change_status, get_comment
from app.services.errors import Conflict, Forbidden, NotFound, ValidationError
from app.services.site_settings import all_settings
from app.services.sites import get_site
from app.services.threads import decode_cursor, encode_cursor

QUEUES = ("pending", "reported", "spam", "approved", "rejected")
COUNTED_QUEUES = ("pending", "reported", "spam")
ACTIONS = ("approve", "reject", "spam", "restore", "feature", "unfeature")
STATUS_ACTIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "restore": CommentStatus.APPROVED,
}
BADGES = {Role.MODERATOR: "moderator", Role.ADMIN: "staff"}
REASON_MAX = 500
BULK_MAX = 200
PAGE_MAX = 100
EXCERPT_CHARS = 200
SEARCH_TEXT_MAX = 200


# --- who may moderate -----------------------------------------------------------------------


def can_moderate(user: User | None, site: Site) -> bool:
    """Admins: every site. Moderators: their sites, or every site if they have none listed."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.MODERATOR:
        return False
    sites = user.moderated_sites
    return not sites or any(s.id == site.id for s in sites)


def require_moderator(user: User | None, site: Site) -> None:
    """Raise Forbidden(forbidden) unless ``user`` may moderate ``site``."""
    if not can_moderate(user, site):
        raise Forbidden(f"you may not moderate the site {site.slug!r}", "forbidden")


def require_staff(user: User | None) -> User:
    """Raise Forbidden(forbidden) unless ``user`` is a moderator or an admin."""
    if user is None or not getattr(user, "is_authenticated", True) or not user.is_staff:
        raise Forbidden("only moderators and admins may do this", "forbidden")
    return user


def moderated_site_ids(user: User | None) -> list[int] | None:
    """The ids of the sites ``user`` moderates, or None for every site. Forbidden for readers."""
    user = require_staff(user)
    if user.role == Role.ADMIN or not user.moderated_sites:
        return None
    return [site.id for site in user.moderated_sites]


def _site_scope(moderator: User | None, site_slug: str | None) -> tuple[Site | None, list | None]:
    """(the site asked for, the site ids to filter on or None for all), checking permission."""
    allowed = moderated_site_ids(moderator)
    if site_slug is None or site_slug == "":
        return None, allowed
    site = get_site(site_slug)
    require_moderator(moderator, site)
    return site, [site.id]


# --- the shape of a queue item --------------------------------------------------------------


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


@dataclass(slots=True)
class QueueAuthor:
    name: str
    avatar_path: str
    badge: str | None
    user_id: int | None
    is_guest: bool
    trusted: bool
    history: AuthorHistory | None  # None for a guest without a browser id


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
    ArticleModel.key.label("article_key"),
    ArticleModel.title.label("article_title"),
    ArticleModel.url.label("article_url"),
    Site.slug.label("site_slug"),
    User.name.label("user_name"),
    User.role.label("user_role"),
    User.avatar_path.label("user_avatar"),
    User.trusted.label("user_trusted"),
    User.created_at.label("user_created_at"),
    _Parent.body_html.label("parent_html"),
    _Parent.guest_name.label("parent_guest_name"),
    _Parent.status.label("parent_status"),
    _ParentUser.name.label("parent_user_name"),
)


def _item_query():
    return (
        select(*_ITEM_COLUMNS)
        .join(ArticleModel, ArticleModel.id == Comment.article_id)
        .join(Site, Site.id == ArticleModel.site_id)
        .outerjoin(User, User.id == Comment.user_id)
        .outerjoin(_Parent, _Parent.id == Comment.parent_id)
        .outerjoin(_ParentUser, _ParentUser.id == _Parent.user_id)
    )


def _excerpt(html: str) -> str:
    text = " ".join(plain_text(html).split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def author_histories(
    user_ids: set[int], guest_keys: set[str]
) -> tuple[dict[int, AuthorHistory], dict[str, AuthorHistory]]:
    """Comment counts by status for these accounts and guests: two grouped queries at most."""
    by_user: dict[int, AuthorHistory] = {uid: AuthorHistory() for uid in user_ids}
    by_guest: dict[str, AuthorHistory] = {key: AuthorHistory() for key in guest_keys}
    for column, target in ((Comment.user_id, by_user), (Comment.guest_key, by_guest)):
        if not target:
            continue
        rows = db.session.execute(
            select(column, Comment.status, func.count(), func.min(Comment.created_at))
            .where(column.in_(list(target)))
            .group_by(column, Comment.status)
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


def _build_items(rows: list[Any]) -> list[QueueItem]:
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    guest_keys = {r.guest_key for r in rows if r.user_id is None and r.guest_key}
    by_user, by_guest = author_histories(user_ids, guest_keys)
    for row in rows:  # an account's age counts from its creation, not its first comment
        if row.user_id is not None:
            by_user[row.user_id].first_seen = row.user_created_at
    reports = _report_reasons([r.id for r in rows if r.report_count])
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
            QueueItem(
                id=row.id,
                site_slug=row.site_slug,
                article_key=row.article_key,
                article_title=row.article_title,
                article_url=row.article_url,
                parent=parent,
                author=author,
                html=row.body_html,
                status=CommentStatus(row.status),
                reasons=list(row.reasons or []),
                report_count=row.report_count,
                report_reasons=reports.get(row.id, {}),
                featured=bool(row.featured),
                created_at=row.created_at,
                edited_at=row.edited_at,
            )
        )
    return items


# --- cursors --------------------------------------------------------------------------------


def _cursor_tag(kind: str) -> str:
    """Reported pages are ordered by a number (as threads' ``top``); the others by time."""
    return "top" if kind == "reported" else kind


def id_cursor(cursor: str | None) -> int | None:
    """The id in a cursor that is just the last id seen (audit log, article list)."""
    if not cursor:
        return None
    try:
        return int(cursor)
    except ValueError:
        raise ValidationError(
            "cursor is not valid here: pass next_cursor unchanged", "invalid_cursor"
        ) from None


def _keyset(
    key_col: Any, descending: bool, after: list[Any] | None
) -> tuple[list[Any], ColumnElement[bool] | None]:
    """ORDER BY (key, id) in one direction, and the condition for rows after ``after``."""
    if descending:
        order = [key_col.desc(), Comment.id.desc()]
        cond = (
            None
            if after is None
            else or_(key_col < after[0], and_(key_col == after[0], Comment.id < after[1]))
        )
    else:
        order = [key_col.asc(), Comment.id.asc()]
        cond = (
            None
            if after is None
            else or_(key_col > after[0], and_(key_col == after[0], Comment.id > after[1]))
        )
    return order, cond


def _clean_limit(limit: Any) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_MAX:
        raise ValidationError(f"limit must be between 1 and {PAGE_MAX}", "invalid_limit")
    return limit


def _page(
    query: Any, kind: str, key_col: Any, key_attr: str, descending: bool, cursor: str | None, limit
) -> QueuePage:
    limit = _clean_limit(limit)
    after = decode_cursor(cursor, _cursor_tag(kind)) if cursor else None
    order, cond = _keyset(key_col, descending, after)
    if cond is not None:
        query = query.where(cond)
    rows = db.session.execute(query.order_by(*order).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        key = getattr(last, key_attr)
        next_cursor = encode_cursor(
            [_cursor_tag(kind), key.isoformat() if isinstance(key, datetime) else key, last.id]
        )
        rows = rows[:limit]
    return QueuePage(_build_items(rows), next_cursor, kind)


# --- queues ---------------------------------------------------------------------------------


def _queue_condition(queue: str) -> ColumnElement[bool]:
    if queue == "reported":
        return and_(
            Comment.status.in_([CommentStatus.APPROVED, CommentStatus.PENDING]),
            Comment.report_count > 0,
        )
    status = {
        "pending": CommentStatus.PENDING,
        "spam": CommentStatus.SPAM,
        "approved": CommentStatus.APPROVED,
        "rejected": CommentStatus.REJECTED,
    }[queue]
    return Comment.status == status


def _in_sites(site_ids: list[int] | None) -> ColumnElement[bool] | None:
    return None if site_ids is None else ArticleModel.site_id.in_(site_ids)


def list_queue(
    queue: str,
    moderator: User | None,
    site_slug: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> QueuePage:
    """One page of a queue, for one site or (``site_slug`` None) every site the moderator has.

    Raises NotFound(unknown_queue, unknown_site), Forbidden(forbidden),
    ValidationError(invalid_cursor, invalid_limit).
    """
    require_staff(moderator)
    if queue not in QUEUES:
        raise NotFound(f"no queue {queue[:40]!r}; queues are {', '.join(QUEUES)}", "unknown_queue")
    _site, site_ids = _site_scope(moderator, site_slug)
    query = _item_query().where(_queue_condition(queue))
    scope = _in_sites(site_ids)
    if scope is not None:
        query = query.where(scope)
    if queue == "reported":
        return _page(query, queue, Comment.report_count, "report_count", True, cursor, limit)
    return _page(query, queue, Comment.created_at, "created_at", queue != "pending", cursor, limit)


def queue_counts(moderator: User | None, site_slug: str | None = None) -> dict[str, int]:
    """How many comments wait in the pending, reported and spam queues (one query each)."""
    _site, site_ids = _site_scope(moderator, site_slug)
    counts = {}
    for queue in COUNTED_QUEUES:
        query = select(func.count(Comment.id)).where(_queue_condition(queue))
        if site_ids is not None:
            query = query.join(ArticleModel, ArticleModel.id == Comment.article_id).where(
                ArticleModel.site_id.in_(site_ids)
            )
        counts[queue] = db.session.scalar(query) or 0
    return counts


def queue_item(comment_id: int, moderator: User | None) -> QueueItem:
    """One comment in the queue shape. Raises NotFound(unknown_comment), Forbidden."""
    require_staff(moderator)
    comment = get_comment(comment_id)
    require_moderator(moderator, comment.article.site)
    rows = db.session.execute(_item_query().where(Comment.id == comment_id)).all()
    return _build_items(rows)[0]


# --- actions --------------------------------------------------------------------------------


def clean_action(action: Any) -> str:
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", "invalid_action")
    return action


def clean_reason(reason: Any) -> str | None:
    """An optional reason: one of the site's reject_reasons or free text up to 500 characters."""
    if reason is None:
        return None
    if not isinstance(reason, str):
        raise ValidationError("reason must be a string", "invalid_reason")
    reason = " ".join(normalize_text(reason).split())
    if len(reason) > REASON_MAX:
        raise ValidationError(f"reason must be at most {REASON_MAX} characters", "invalid_reason")
    return reason or None


def _apply(comment: Comment, action: str, moderator: User, reason: str | None) -> None:
    """Apply one action to one comment, audited; the caller commits."""
    if comment.status == CommentStatus.DELETED:
        raise Conflict(
            f"comment {comment.id} was deleted by its author; it cannot be moderated",
            "comment_deleted",
        )
    if action in ("feature", "unfeature"):
        if action == "feature" and comment.status != CommentStatus.APPROVED:
            raise ValidationError(
                f"comment {comment.id} is {comment.status.value}: only approved comments "
                "can be featured",
                "invalid_action",
            )
        comment.featured = action == "feature"
        status = comment.status.value
        audit.record(
            action,
            comment=comment,
            actor_id=moderator.id,
            reason=reason,
            before=status,
            after=status,
        )
        return
    target = STATUS_ACTIONS[action]
    note = reason
    if target == CommentStatus.APPROVED and comment.report_count:
        dismissed = f"{comment.report_count} report(s) dismissed"
        note = f"{reason}; {dismissed}" if reason else dismissed
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(report_count=0))
        comment.report_count = 0
    change_status(comment, target, action=action, actor_id=moderator.id, reason=note)


def moderate_comment(
    comment_id: int, action: str, moderator: User | None, reason: str | None = None
) -> Comment:
    """Approve, reject, mark spam, restore (to approved), feature or unfeature a comment; commit.

    Raises NotFound(unknown_comment), Forbidden(forbidden), ValidationError(invalid_action,
    invalid_reason), Conflict(comment_deleted) for a comment its author deleted.
    """
    require_staff(moderator)
    action = clean_action(action)
    reason = clean_reason(reason)
    comment = get_comment(comment_id)
    require_moderator(moderator, comment.article.site)
    assert moderator is not None
    _apply(comment, action, moderator, reason)
    db.session.commit()
    return comment


def clean_ids(comment_ids: Any) -> list[int]:
    if not isinstance(comment_ids, list | tuple) or not comment_ids:
        raise ValidationError("give a non-empty list of comment ids", "invalid_ids")
    if len(comment_ids) > BULK_MAX:
        raise ValidationError(f"at most {BULK_MAX} comments per bulk action", "invalid_ids")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in comment_ids):
        raise ValidationError("comment ids must be integers", "invalid_ids")
    return list(dict.fromkeys(comment_ids))


def bulk_moderate(
    comment_ids: Any, action: str, moderator: User | None, reason: str | None = None
) -> list[Comment]:
    """The same action on up to 200 comments, in one transaction (all or none), each audited.

    Raises what ``moderate_comment`` raises, plus ValidationError(invalid_ids); NotFound names
    the ids that do not exist.
    """
    allowed = moderated_site_ids(moderator)
    action = clean_action(action)
    reason = clean_reason(reason)
    ids = clean_ids(comment_ids)
    assert moderator is not None
    rows = db.session.execute(
        select(Comment, ArticleModel.site_id)
        .join(ArticleModel, ArticleModel.id == Comment.article_id)
        .where(Comment.id.in_(ids))
    ).all()
    found = {comment.id: (comment, site_id) for comment, site_id in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            f"no comments with ids {', '.join(map(str, missing[:20]))}", "unknown_comment"
        )
    if allowed is not None:
        refused = sorted({site_id for _c, site_id in found.values()} - set(allowed))
        if refused:
            raise Forbidden("some of these comments are on sites you do not moderate", "forbidden")
    comments = [found[i][0] for i in ids]
    for comment in comments:
        _apply(comment, action, moderator, reason)
    db.session.commit()
    return comments


# --- search ---------------------------------------------------------------------------------


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _clean_search_text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > SEARCH_TEXT_MAX:
        raise ValidationError(
            f"{name} must be text of at most {SEARCH_TEXT_MAX} characters", f"invalid_{name}"
        )
    value = normalize_text(value).strip()
    return value or None


def _clean_when(value: Any, name: str, end: bool) -> datetime | None:
    """A date or datetime (or ISO string) as a UTC bound; a bare date covers its whole day."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                f"{name} must be a date like 2026-11-25", f"invalid_{name}"
            ) from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        moment = datetime.combine(value, time.min, tzinfo=UTC)
        return moment + timedelta(days=1) if end else moment
    raise ValidationError(f"{name} must be a date like 2026-11-25", f"invalid_{name}")


def search_comments(
    moderator: User | None,
    text: str | None = None,
    author: str | None = None,
    article: str | None = None,
    status: str | CommentStatus | None = None,
    date_from: date | datetime | str | None = None,
    date_to: date | datetime | str | None = None,
    site_slug: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> QueuePage:
    """Comments matching every filter given, newest first, in the queue shape.

    ``text``: in the Markdown source (case-insensitive); ``author``: in the author's name;
    ``article``: in the article's key or title; ``status``: one CommentStatus value;
    ``date_from``/``date_to``: inclusive dates (or datetimes) in UTC.
    Raises ValidationError(invalid_text/author/article/status/date_from/date_to/cursor/limit).
    """
    require_staff(moderator)
    text = _clean_search_text(text, "text")
    author = _clean_search_text(author, "author")
    article = _clean_search_text(article, "article")
    start = _clean_when(date_from, "date_from", end=False)
    stop = _clean_when(date_to, "date_to", end=True)
    _site, site_ids = _site_scope(moderator, site_slug)
    query = _item_query()
    scope = _in_sites(site_ids)
    if scope is not None:
        query = query.where(scope)
    if status not in (None, ""):
        try:
            query = query.where(Comment.status == CommentStatus(status))
        except ValueError:
            names = ", ".join(s.value for s in CommentStatus)
            raise ValidationError(f"status must be one of {names}", "invalid_status") from None
    if text:
        query = query.where(func.lower(Comment.body_source).like(_like_pattern(text), escape="\\"))
    if author:
        pattern = _like_pattern(author)
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(Comment.guest_name).like(pattern, escape="\\"),
            )
        )
    if article:
        pattern = _like_pattern(article)
        query = query.where(
            or_(
                func.lower(ArticleModel.key).like(pattern, escape="\\"),
                func.lower(ArticleModel.title).like(pattern, escape="\\"),
            )
        )
    if start is not None:
        query = query.where(Comment.created_at >= start)
    if stop is not None:
        query = query.where(Comment.created_at < stop)
    return _page(query, "search", Comment.created_at, "created_at", True, cursor, limit)


# --- audit log ------------------------------------------------------------------------------


@dataclass(slots=True)
class AuditItem:
    id: int
    created_at: datetime
    action: str
    actor_id: int | None  # None: a rule or the system
    actor_name: str | None
    site_slug: str | None
    comment_id: int | None
    target_user_id: int | None
    target_user_name: str | None
    reason: str | None
    before_status: str | None
    after_status: str | None


@dataclass(slots=True)
class AuditPage:
    items: list[AuditItem] = field(default_factory=list)
    next_cursor: str | None = None


def audit_log(
    moderator: User | None,
    site_slug: str | None = None,
    comment_id: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> AuditPage:
    """Audit entries, newest first, filtered; a moderator sees the entries of their sites.

    Entries without a site (global bans) are shown to admins and all-site moderators only.
    Raises Forbidden, NotFound(unknown_site), ValidationError(invalid_cursor/limit/action).
    """
    _site, site_ids = _site_scope(moderator, site_slug)
    limit = _clean_limit(limit)
    actor = aliased(User, name="actor")
    target = aliased(User, name="target")
    query = (
        select(
            AuditEntry,
            actor.name.label("actor_name"),
            target.name.label("target_name"),
            Site.slug.label("site_slug"),
        )
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .outerjoin(target, target.id == AuditEntry.target_user_id)
        .outerjoin(Site, Site.id == AuditEntry.site_id)
    )
    if site_ids is not None:
        query = query.where(AuditEntry.site_id.in_(site_ids))
    if comment_id is not None:
        query = query.where(AuditEntry.comment_id == comment_id)
    if user_id is not None:
        query = query.where(
            or_(AuditEntry.target_user_id == user_id, AuditEntry.actor_id == user_id)
        )
    if action:
        if not isinstance(action, str) or len(action) > 40:
            raise ValidationError("action must be an audit action name", "invalid_action")
        query = query.where(AuditEntry.action == action)
    after = id_cursor(cursor)
    if after is not None:
        query = query.where(AuditEntry.id < after)
    rows = db.session.execute(query.order_by(AuditEntry.id.desc()).limit(limit + 1)).all()
    next_cursor = str(rows[limit - 1][0].id) if len(rows) > limit else None
    items = [
        AuditItem(
            id=entry.id,
            created_at=entry.created_at,
            action=entry.action,
            actor_id=entry.actor_id,
            actor_name=actor_name,
            site_slug=slug,
            comment_id=entry.comment_id,
            target_user_id=entry.target_user_id,
            target_user_name=target_name,
            reason=entry.reason,
            before_status=entry.before_status,
            after_status=entry.after_status,
        )
        for entry, actor_name, target_name, slug in rows[:limit]
    ]
    return AuditPage(items, next_cursor)


# --- site settings, as moderators read them ----------------------------------------------------


def site_settings_for(moderator: User | None, site_slug: str) -> dict[str, Any]:
    """Every setting of a site (moderators of the site may read them; admins change them with
    app.services.site_settings.update_site_settings). Raises Forbidden, NotFound(unknown_site).
    """
    require_staff(moderator)
    site = get_site(site_slug)
    require_moderator(moderator, site)
    return all_settings(site)
