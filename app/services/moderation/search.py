"""Search: every comment matching a moderator's filters, newest first, in the queue shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_

from app.limits import PAGE_SIZE, SEARCH_TEXT_MAX
from app.models import Article, Comment, CommentStatus, User
from app.sanitize import normalize_text
from app.services.errors import ValidationError
from app.services.moderation.items import QueuePage, in_sites, item_query, page_of_items
from app.services.permissions import require_staff, site_scope


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _contains(text: str, *columns: Any) -> ColumnElement[bool]:
    """SQL: any of the columns contains ``text``, case-insensitively (LIKE, wildcards escaped)."""
    pattern = _like_pattern(text)
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


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
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min, tzinfo=UTC)
        if end:
            return utc_or_edge(moment, timedelta(days=1))
    else:
        raise ValidationError(f"{name} must be a date like 2026-11-25", f"invalid_{name}")
    return utc_or_edge(moment)


def utc_or_edge(moment: datetime, plus: timedelta = timedelta(0)) -> datetime:
    """``moment + plus`` in UTC, or the calendar's first or last instant where that falls off it
    (9999-12-31's end, 0001-01-01T00:00+01:00): a bound past every stored time means none."""
    try:
        return (moment + plus).astimezone(UTC)
    except OverflowError:
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


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
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """Comments matching every filter given, newest first, in the queue shape.

    ``text``: in the Markdown source (case-insensitive); ``author``: in the author's name;
    ``article``: in the article's key or title; ``status``: one CommentStatus value;
    ``date_from``/``date_to``: inclusive dates (or datetimes) in UTC.
    Raises ValidationError(invalid_text/author/article/status/date_from/date_to/cursor/limit).
    """
    moderator = require_staff(moderator)
    text = _clean_search_text(text, "text")
    author = _clean_search_text(author, "author")
    article = _clean_search_text(article, "article")
    start = _clean_when(date_from, "date_from", end=False)
    stop = _clean_when(date_to, "date_to", end=True)
    query = item_query()
    scope = in_sites(site_scope(moderator, site_slug))
    if scope is not None:
        query = query.where(scope)
    if status not in (None, ""):
        try:
            query = query.where(Comment.status == CommentStatus(status))
        except ValueError:
            names = ", ".join(s.value for s in CommentStatus)
            raise ValidationError(f"status must be one of {names}", "invalid_status") from None
    if text:
        query = query.where(_contains(text, Comment.body_source))
    if author:
        query = query.where(_contains(author, User.name, Comment.guest_name))
    if article:
        query = query.where(_contains(article, Article.key, Article.title))
    if start is not None:
        query = query.where(Comment.created_at >= start)
    if stop is not None:
        query = query.where(Comment.created_at < stop)
    return page_of_items(query, moderator, "search", Comment.created_at, True, cursor, limit)
