"""Comment counts for many articles at once (for article lists and count.js)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Article
from app.services.errors import ValidationError
from app.services.sites import get_site

MAX_KEYS = 100


def count_comments(site_slug: str, keys: list[str]) -> dict[str, int]:
    """Approved-comment counts for up to 100 article keys; unknown articles count 0."""
    if not keys:
        raise ValidationError("give at least one article key", "invalid_article")
    if len(keys) > MAX_KEYS:
        raise ValidationError(f"at most {MAX_KEYS} article keys per request", "too_many_articles")
    site = get_site(site_slug)
    unique = list(dict.fromkeys(keys))
    counts = dict.fromkeys(unique, 0)
    rows = db.session.execute(
        select(Article.key, Article.comment_count).where(
            Article.site_id == site.id, Article.key.in_(unique)
        )
    )
    for key, count in rows:
        counts[key] = count
    return counts
