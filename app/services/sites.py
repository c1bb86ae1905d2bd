"""Sites: creation, lookup and their settings."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from app.limits import SITE_NAME_MAX
from app.models import SITE_SLUG_MAX, Site
from app.services.errors import Conflict, NotFound, ValidationError

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def normalize_origin(origin: str) -> str:
    """``https://News.Example:443/`` -> ``https://news.example``; refuses paths, other schemes."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(
            f"origin {origin!r} must look like https://news.example", "invalid_origin"
        )
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise ValidationError(
            f"origin {origin!r} must be a scheme and host only, without a path", "invalid_origin"
        )
    default_port = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme}://{host}{suffix}"


def create_site(
    slug: str,
    name: str,
    origins: list[str] | tuple[str, ...] = (),
    premod: bool = False,
    allow_guests: bool = True,
) -> Site:
    """Create a site. Raises ValidationError for a bad slug/name/origin, Conflict if it exists."""
    slug = slug.strip().lower()
    if len(slug) > SITE_SLUG_MAX or not SLUG_RE.match(slug):
        raise ValidationError(
            f"slug must be 1-{SITE_SLUG_MAX} lowercase letters, digits or hyphens, e.g. daily-news",
            "invalid_slug",
        )
    name = name.strip()
    if not 1 <= len(name) <= SITE_NAME_MAX:
        raise ValidationError(f"name must be 1 to {SITE_NAME_MAX} characters", "invalid_name")
    clean_origins = list(dict.fromkeys(normalize_origin(o) for o in origins))
    if db.session.scalar(select(Site.id).where(Site.slug == slug)) is not None:
        raise Conflict(f"a site with slug {slug!r} already exists", "site_exists")
    site = Site(
        slug=slug, name=name, origins=clean_origins, premod=premod, allow_guests=allow_guests
    )
    db.session.add(site)
    db.session.commit()
    return site


def get_site(slug: str) -> Site:
    """The site with that slug, or NotFound(unknown_site).

    A string that cannot be a slug names no site and is not sent to the database at all.
    """
    fits = isinstance(slug, str) and len(slug) <= SITE_SLUG_MAX and SLUG_RE.match(slug)
    site = db.session.scalar(select(Site).where(Site.slug == slug)) if fits else None
    if site is None:
        raise NotFound(f"no site with slug {str(slug)[:64]!r}", "unknown_site")
    return site
