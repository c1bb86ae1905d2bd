"""What identifies the current state of a thread, for caches and ETags: one small query.

A thread page changes only when its article's ``version`` does (app.services.freshness), or
when it closes by age (``close_after_days``), which no write announces: both are in the stamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, select

from app.extensions import db
from app.models import Article, Site
from app.services.errors import NotFound
from app.services.site_settings import comments_closed


@dataclass(frozen=True, slots=True)
class ThreadStamp:
    site_id: int
    article_id: int | None  # None: never commented on or reacted to
    version: int
    closed: bool

    def tag(self) -> str:
        return f"{self.site_id}.{self.article_id or 0}.{self.version}.{int(self.closed)}"


@cache
def site_and_article_statement() -> Select[Any]:
    """The site by slug, outer-joined to its article by key (None when there is none)."""
    return (
        select(Site, Article)
        .outerjoin(
            Article, and_(Article.site_id == Site.id, Article.key == bindparam("article_key"))
        )
        .where(Site.slug == bindparam("site_slug"))
    )


def find_site_and_article(site_slug: str, article_key: str) -> tuple[Site, Article | None]:
    """The site and its article (None if it has none by that key). Raises NotFound(unknown_site)."""
    found = db.session.execute(
        site_and_article_statement(), {"site_slug": site_slug, "article_key": article_key}
    ).first()
    if found is None:
        raise NotFound(f"no site with slug {site_slug!r}", "unknown_site")
    return found[0], found[1]


@cache
def _stamp_statement() -> Select[Any]:
    """The stamp's plain columns: no ORM objects are made on the cached read's path."""
    sites, articles = Site.__table__, Article.__table__
    return (
        select(
            sites.c.id,
            sites.c.settings,
            articles.c.id,
            articles.c.version,
            articles.c.closed,
            articles.c.first_comment_at,
        )
        .select_from(
            sites.outerjoin(
                articles,
                and_(articles.c.site_id == sites.c.id, articles.c.key == bindparam("article_key")),
            )
        )
        .where(sites.c.slug == bindparam("site_slug"))
    )


def thread_stamp(
    site_slug: str, article_key: str, connection: Connection | None = None
) -> ThreadStamp:
    """The thread's stamp, from one query of plain columns, on ``connection`` (the request's
    session when None). Raises NotFound(unknown_site)."""
    found = (
        (connection or db.session)
        .execute(_stamp_statement(), {"site_slug": site_slug, "article_key": article_key})
        .first()
    )
    if found is None:
        raise NotFound(f"no site with slug {site_slug!r}", "unknown_site")
    site_id, settings, article_id, version, closed, first_comment_at = found
    if article_id is None:
        return ThreadStamp(site_id, None, 0, False)
    # comments_closed reads only these attributes of the site and the article.
    closed_now = comments_closed(
        SimpleNamespace(settings=settings),  # type: ignore[arg-type]
        SimpleNamespace(closed=closed, first_comment_at=first_comment_at),  # type: ignore[arg-type]
    )
    return ThreadStamp(site_id, article_id, version, closed_now)
