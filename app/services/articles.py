"""Articles: their keys, and how moderators see them (a list per site with counts, closing,
per-article premod). Their creation on first use is app.services.article_source.

``close_after_days`` (a site setting) closes every article first seen more than N days ago;
``closed`` here is the article's own switch. Both make posting answer 403 ``thread_closed``
(app.services.site_settings.comments_closed). ``premod`` on an article overrides the site's
(True: hold every comment; False: never pre-moderate; None: follow the site).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.limits import ARTICLES_PAGE_MAX, PAGE_SIZE
from app.models import ARTICLE_KEY_MAX, Article, Comment, CommentStatus, Site, User
from app.services import audit
from app.services.errors import NotFound, ValidationError
from app.services.freshness import touch_article
from app.services.paging import newest_first_by_id
from app.services.permissions import moderated_site
from app.services.shapes import shape
from app.services.site_settings import comments_closed

REPORTED = and_(
    Comment.report_count > 0,
    Comment.status.in_([CommentStatus.APPROVED, CommentStatus.PENDING]),
)


def clean_article_key(key: Any) -> str:
    """An article key: any non-empty string up to 512 characters (a CMS id or a URL)."""
    if not isinstance(key, str) or not key.strip():
        raise ValidationError("article must be a non-empty string", "invalid_article")
    key = key.strip()
    if len(key) > ARTICLE_KEY_MAX:
        raise ValidationError(
            f"article must be at most {ARTICLE_KEY_MAX} characters", "invalid_article"
        )
    return key


def fit_article_key(key: Any) -> Any:
    """A key over ARTICLE_KEY_MAX made to fit, for keys that come from a host page (embed.js
    uses the page's URL when the publisher gives none): its start and a hash of the whole, so
    the same page always gets the same key and two long URLs stay two articles. Other values
    are returned as they are, for ``clean_article_key`` to judge."""
    if not isinstance(key, str) or len(key.strip()) <= ARTICLE_KEY_MAX:
        return key
    key = key.strip()
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{key[: ARTICLE_KEY_MAX - len(digest) - 1]}#{digest}"


def shorten_title(title: str | None, limit: int) -> str | None:
    """A host page's title cut to ``limit`` characters (with an ellipsis) instead of refused."""
    if title is None or len(title) <= limit:
        return title
    return title[: limit - 1].rstrip() + "…"


@dataclass(slots=True)
class ArticleItem:
    id: int
    key: str
    title: str | None
    url: str | None
    comment_count: int  # approved comments, as readers count them
    pending_count: int
    reported_count: int
    closed: bool  # closed by hand
    comments_closed: bool  # closed by hand or by the site's close_after_days
    premod: bool | None
    created_at: datetime


@dataclass(slots=True)
class ArticlePage:
    items: list[ArticleItem]
    next_cursor: str | None


def list_articles(
    moderator: User | None, site_slug: str, cursor: str | None = None, limit: int = PAGE_SIZE
) -> ArticlePage:
    """A site's articles, newest first, with their approved, pending and reported counts.

    Two queries per page whatever its size. Raises NotFound(unknown_site), Forbidden,
    ValidationError(invalid_cursor, invalid_limit).
    """
    _moderator, site = moderated_site(moderator, site_slug)
    query = select(Article).where(Article.site_id == site.id)
    rows, next_cursor = newest_first_by_id(
        query, "articles", Article.id, cursor, limit, ARTICLES_PAGE_MAX
    )
    return ArticlePage(_with_counts(site, [row[0] for row in rows]), next_cursor)


def _with_counts(site: Site, articles: list[Article]) -> list[ArticleItem]:
    """``articles`` of ``site`` as moderators see them, with their pending and reported counts
    (one query)."""
    held: dict[int, tuple[int, int]] = {}
    if articles:
        rows = db.session.execute(
            select(
                Comment.article_id,
                func.sum(case((Comment.status == CommentStatus.PENDING, 1), else_=0)),
                func.sum(case((REPORTED, 1), else_=0)),
            )
            .where(
                Comment.article_id.in_([a.id for a in articles]),
                or_(Comment.status == CommentStatus.PENDING, Comment.report_count > 0),
            )
            .group_by(Comment.article_id)
        )
        held = {article_id: (int(p or 0), int(r or 0)) for article_id, p, r in rows}
    return [
        shape(
            ArticleItem,
            a,
            pending_count=held.get(a.id, (0, 0))[0],
            reported_count=held.get(a.id, (0, 0))[1],
            comments_closed=comments_closed(site, a),
        )
        for a in articles
    ]


def _article(moderator: User | None, site_slug: str, article_key: Any) -> tuple[User, Article]:
    moderator, site = moderated_site(moderator, site_slug)
    key = clean_article_key(article_key)
    article = db.session.scalar(
        select(Article).where(Article.site_id == site.id, Article.key == key)
    )
    if article is None:
        raise NotFound(f"no article {key[:80]!r} on {site.slug}", "unknown_article")
    return moderator, article


def _set_closed(article: Article, moderator: User, closed: Any) -> None:
    if not isinstance(closed, bool):
        raise ValidationError("closed must be true or false", "invalid_closed")
    if article.closed != closed:
        article.closed = closed
        audit.record(
            "close_article" if closed else "reopen_article",
            site_id=article.site_id,
            actor_id=moderator.id,
            reason=f"article {article.key[:400]}",
        )


def _set_premod(article: Article, moderator: User, premod: Any) -> None:
    if premod is not None and not isinstance(premod, bool):
        raise ValidationError("premod must be true, false or null", "invalid_premod")
    if article.premod != premod:
        article.premod = premod
        state = {True: "on", False: "off", None: "as the site"}[premod]
        audit.record(
            "article_premod",
            site_id=article.site_id,
            actor_id=moderator.id,
            reason=f"premod {state} for article {article.key[:400]}",
        )


def set_article_closed(
    moderator: User | None, site_slug: str, article_key: Any, closed: Any
) -> ArticleItem:
    """Close or reopen comments on one article; audited; commit.

    Raises NotFound(unknown_site, unknown_article), Forbidden, ValidationError(invalid_closed).
    """
    return update_article(moderator, site_slug, article_key, {"closed": closed})


def set_article_premod(
    moderator: User | None, site_slug: str, article_key: Any, premod: Any
) -> ArticleItem:
    """Set one article's pre-moderation: True, False, or None (follow the site); audited.

    Raises NotFound(unknown_site, unknown_article), Forbidden, ValidationError(invalid_premod).
    """
    return update_article(moderator, site_slug, article_key, {"premod": premod})


def update_article(
    moderator: User | None, site_slug: str, article_key: Any, changes: dict[str, Any]
) -> ArticleItem:
    """Apply ``closed`` and/or ``premod`` from ``changes`` in one transaction (the API's call);
    the article as ``list_articles`` shows it.

    Raises what ``set_article_closed``/``set_article_premod`` raise, and
    ValidationError(invalid_article_change) when neither is given.
    """
    if "closed" not in changes and "premod" not in changes:
        raise ValidationError("give closed and/or premod", "invalid_article_change")
    moderator, article = _article(moderator, site_slug, article_key)
    if "closed" in changes:
        _set_closed(article, moderator, changes["closed"])
    if "premod" in changes:
        _set_premod(article, moderator, changes["premod"])
    touch_article(article.id)
    db.session.commit()
    return _with_counts(article.site, [article])[0]
