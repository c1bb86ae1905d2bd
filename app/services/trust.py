"""Trust: on one site (granted by that site's moderators) or on every site (admins, all-site
moderators). A trusted author's comments skip pre-moderation and the soft rules there.

Trust must not reach further than the say of whoever granted it: a moderator limited to some
sites trusts an account on the site they act on, never everywhere.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, exists, select

from app.extensions import db
from app.models import Site, User, site_trusted_authors


def trusted_on(user_id: ColumnElement | int, site_id: ColumnElement | int) -> ColumnElement[bool]:
    """SQL: the account has trust of its own on that site (not counting ``users.trusted``)."""
    return exists().where(
        and_(site_trusted_authors.c.user_id == user_id, site_trusted_authors.c.site_id == site_id)
    )


def is_trusted(user: User, site: Site | None) -> bool:
    """Trusted everywhere, or on ``site``."""
    if user.trusted:
        return True
    if site is None:
        return False
    return bool(db.session.scalar(select(trusted_on(user.id, site.id))))


def grant_trust(user: User, site: Site | None) -> None:
    """Trust on ``site``, or on every site for ``None``. The caller commits."""
    if site is None:
        user.trusted = True
    elif not is_trusted(user, site):
        db.session.execute(site_trusted_authors.insert().values(user_id=user.id, site_id=site.id))


def withdraw_trust(user: User, site_ids: list[int] | None) -> None:
    """Remove trust on those sites, or every trust for ``None``. The caller commits."""
    query = delete(site_trusted_authors).where(site_trusted_authors.c.user_id == user.id)
    if site_ids is None:
        user.trusted = False
    else:
        query = query.where(site_trusted_authors.c.site_id.in_(site_ids))
    db.session.execute(query)
