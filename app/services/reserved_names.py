"""Staff display names are reserved: nobody else may comment under one, or under a look-alike.

Names are compared after the rules engine's folding (``app.services.rules.fold_term``: case,
compatibility forms, accents, invisible characters, other scripts' look-alikes, digits and
symbols read as letters), with the spaces between words dropped ("J a n e" is "Jane") and
decorations such as "(staff)" or "moderator" ignored. A guest may not post as a moderator or
admin of the site; nobody may sign up or rename themselves to any staff member's name.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from app.extensions import db
from app.models import Role, Site, User, moderator_sites
from app.services.errors import ValidationError
from app.services.rules import fold_term

DECORATIONS = frozenset(
    {
        "staff",
        "mod",
        "mods",
        "moderator",
        "moderation",
        "admin",
        "administrator",
        "official",
        "team",
    }
)


def name_key(name: str) -> str:
    """What two names must share to look alike: folded words, joined, decorations dropped."""
    words = fold_term(name).split()
    core = [word for word in words if word not in DECORATIONS]
    return "".join(core or words)


def staff_names(site: Site | None) -> list[str]:
    """Display names of the staff of ``site`` (None: of every site)."""
    query = select(User.name).where(User.role.in_([Role.ADMIN, Role.MODERATOR]))
    if site is not None:
        has_sites = exists().where(moderator_sites.c.user_id == User.id)
        on_site = exists().where(
            moderator_sites.c.user_id == User.id, moderator_sites.c.site_id == site.id
        )
        query = query.where(
            or_(
                User.role == Role.ADMIN, and_(User.role == Role.MODERATOR, or_(~has_sites, on_site))
            )
        )
    return list(db.session.scalars(query))


def check_not_reserved(name: str, site: Site | None, *, own_name: str | None = None) -> None:
    """ValidationError(reserved_name) when ``name`` looks like a staff member's name.

    ``own_name``: the caller's own current name (staff renaming themselves keep theirs).
    """
    key = name_key(name)
    if not key:
        return
    for staff_name in staff_names(site):
        if staff_name != own_name and name_key(staff_name) == key:
            raise ValidationError(
                "that name belongs to a moderator of this site; choose another",
                "reserved_name",
            )
