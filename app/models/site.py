"""Sites (one per publisher) and the articles that carry threads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.limits import (
    ARTICLE_KEY_MAX,
    ARTICLE_TITLE_MAX,
    ARTICLE_URL_MAX,
    SITE_NAME_MAX,
    SITE_SLUG_MAX,
)
from app.models.types import CreatedAt, PrimaryKey, UTCDateTime


class Site(db.Model):
    __tablename__ = "sites"

    id: Mapped[PrimaryKey]
    slug: Mapped[str] = mapped_column(String(SITE_SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(SITE_NAME_MAX))
    # Origins allowed to embed the widget, e.g. ["https://news.example"].
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    premod: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_guests: Mapped[bool] = mapped_column(Boolean, default=True)
    # Moderation rules and other per-site settings; see app.services.rules.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Publisher single sign-on (app.services.sso): shared HS256 secrets, each with an optional
    # key id, [{"kid": str | None, "secret": str}], and/or the URL of the publisher's JWKS.
    sso_secrets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sso_jwks_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[CreatedAt]

    articles: Mapped[list[Article]] = relationship(back_populates="site")

    def __repr__(self) -> str:
        return f"<Site {self.slug}>"


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[PrimaryKey]
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(ARTICLE_KEY_MAX))
    title: Mapped[str | None] = mapped_column(String(ARTICLE_TITLE_MAX))
    url: Mapped[str | None] = mapped_column(String(ARTICLE_URL_MAX))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: follow the site's setting; True/False: override it for this article.
    premod: Mapped[bool | None] = mapped_column(Boolean)
    # Denormalized number of approved comments, kept by app.services.comments.
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped in the same transaction as every change readers can see (app.services.freshness):
    # caches and ETags of the article's thread are keyed by it.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[CreatedAt]
    # When its first comment was posted: the site's close_after_days counts from here.
    first_comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship(back_populates="articles")

    def __repr__(self) -> str:
        return f"<Article {self.site_id}:{self.key[:40]}>"
