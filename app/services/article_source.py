"""Which requests may create an article, or correct its title and URL.

Articles are created on their first comment or reaction. Left open, anyone could create
articles on any site from anywhere (a members-only site included, through reactions), and the
first request fixed the title and URL for good: the moderators' article list then linked to
whatever address it chose. So:

* An article is created only by a request from one of the site's registered origins, by the
  widget frame (Parley's own origin: it only runs framed by those origins), or by an
  authenticated client (a bearer token or a signed-in account). Otherwise: 404
  ``unknown_article``.
* Its URL must be on a registered origin (or Parley's own, for the demo page); another URL is
  not stored.
* The publisher's page (a request from a registered origin, or the frame) may correct the title
  and URL later; other requests may only fill in what is missing.

Services never read the request: the view describes it as a ``RequestSource``. A call without
one (the command line, imports, tests of the services) is not a web request and may create.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.database import savepoint
from app.extensions import db
from app.models import Article, Site
from app.services.errors import NotFound
from app.services.identity import Viewer


@dataclass(frozen=True, slots=True)
class RequestSource:
    origin: str | None  # the request's Origin header, if any
    own_origin: str  # Parley's own origin (the widget frame's requests carry it)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def from_publisher(site: Site, source: RequestSource | None) -> bool:
    """The request comes from one of the site's pages, or from the frame, or is no web request."""
    if source is None:
        return True
    return source.origin is not None and source.origin in (*site.origins, source.own_origin)


def on_site_origin(site: Site, url: str | None, source: RequestSource | None) -> str | None:
    """``url`` if it is on one of the site's origins (or Parley's own), else None."""
    if url is None or source is None:
        return url
    return url if origin_of(url) in (*site.origins, source.own_origin) else None


def article_for_post(
    site: Site,
    key: str,
    title: str | None,
    url: str | None,
    viewer: Viewer,
    source: RequestSource | None,
) -> Article:
    """The article with that key, created (or its title and URL corrected) where ``source`` may.

    Safe against two first posts racing. Raises NotFound(unknown_article).
    """
    publisher = from_publisher(site, source)
    url = on_site_origin(site, url, source)
    query = select(Article).where(Article.site_id == site.id, Article.key == key)
    article = db.session.scalar(query)
    if article is not None:
        if title and (publisher or not article.title):
            article.title = title
        if url and (publisher or not article.url):
            article.url = url
        return article
    if not publisher and viewer.user is None:
        raise NotFound(
            f"no article {key[:64]!r} on {site.slug}: articles are created from the site's own "
            "pages (the widget) or by a signed-in client",
            "unknown_article",
        )
    try:
        with savepoint(db.session):
            article = Article(site_id=site.id, key=key, title=title, url=url)
            db.session.add(article)
    except IntegrityError:
        article = db.session.scalar(query)
        if article is None:  # pragma: no cover - the conflicting row vanished again
            raise
    return article
