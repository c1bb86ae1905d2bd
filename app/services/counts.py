"""Comment counts for many articles at once (for article lists and count.js).

One query answers both "does the site exist" and the counts (the site outer-joined to the
asked articles), from a statement built once: count.js fetches this on every article list,
so it is the most frequent request (docs/benchmarks.md).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, select

from app.extensions import db
from app.limits import ARTICLE_KEY_MAX, COUNTS_KEYS_MAX
from app.models import Article, Site
from app.services.articles import clean_article_key, fit_article_key
from app.services.comment_rows import in_list
from app.services.errors import NotFound, ValidationError


@cache
def _counts_statement(dialect: str) -> Select[Any]:
    sites, articles = Site.__table__, Article.__table__
    return (
        select(sites.c.id, articles.c.key, articles.c.comment_count)
        .select_from(
            sites.outerjoin(
                articles,
                and_(
                    articles.c.site_id == sites.c.id,
                    in_list(articles.c.key, "keys", dialect),
                ),
            )
        )
        .where(sites.c.slug == bindparam("slug"))
    )


def count_comments(site_slug: str, keys: list[str]) -> dict[str, int]:
    """Approved-comment counts for up to 100 article keys; unknown articles count 0."""
    if not keys:
        raise ValidationError("give at least one article key", "invalid_article")
    if len(keys) > COUNTS_KEYS_MAX:
        raise ValidationError(
            f"at most {COUNTS_KEYS_MAX} article keys per request", "too_many_articles"
        )
    # Each key as the widget frame takes it: trimmed, and made to fit when over-long; an empty
    # one is refused (clean_article_key). The usual key is taken as it is, at no cost.
    stored = dict(zip(keys, keys, strict=True))
    for key in [k for k in stored if not k or len(k) > ARTICLE_KEY_MAX or k != k.strip()]:
        stored[key] = clean_article_key(fit_article_key(key))
    counts = dict.fromkeys(stored, 0)
    statement = _counts_statement(db.session.get_bind().dialect.name)
    values = {"slug": site_slug, "keys": list(set(stored.values()))}
    rows = db.session.execute(statement, values).all()
    if not rows:
        raise NotFound(f"no site with slug {site_slug!r}", "unknown_site")
    # The site's row alone (key None) when none of the keys is a known article.
    found = {key: count for _site_id, key, count in rows if key is not None}
    if found:
        for key, article in stored.items():
            if article in found:
                counts[key] = found[article]
    return counts
