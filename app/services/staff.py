"""Staff management (admins only): who moderates which sites, and who administers Parley.

An account becomes staff by getting the moderator or admin role; a moderator with no sites
listed moderates every site (as ``flask users create --role moderator`` without ``--site``).
Admins cannot change their own role (so the last admin cannot lock everyone out by mistake).
Every change is audited (action ``staff_update``, the account as ``target_user_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.limits import STAFF_SITES_MAX
from app.models import Role, Site, User
from app.services import audit
from app.services.errors import NotFound, ValidationError
from app.services.freshness import touch_articles_of
from app.services.permissions import moderated_site_ids, require_admin
from app.services.users import get_user_by_email, normalize_email


@dataclass(slots=True)
class StaffMember:
    id: int
    email: str
    name: str
    role: str
    sites: list[str]  # slugs; empty: every site (moderators) or not applicable (admins)


def list_staff(admin: User | None) -> list[StaffMember]:
    """Every moderator and admin, by name. Raises Forbidden."""
    require_admin(admin, "manage staff")
    users = db.session.scalars(
        select(User).where(User.role.in_([Role.MODERATOR, Role.ADMIN])).order_by(User.name)
    ).all()
    return [_member(user) for user in users]


def list_site_choices(admin: User | None) -> list[Site]:
    """Every site, by name, for the assignment form. Raises Forbidden."""
    return sites_moderated_by(require_admin(admin, "manage staff"))


def sites_moderated_by(user: User | None) -> list[Site]:
    """The sites ``user`` moderates, by name: every site for admins and for moderators with
    no sites listed. Raises Forbidden for anyone but staff."""
    ids = moderated_site_ids(user)
    query = select(Site).order_by(Site.name)
    if ids is not None:
        query = query.where(Site.id.in_(ids))
    return list(db.session.scalars(query))


def _member(user: User) -> StaffMember:
    slugs = sorted(site.slug for site in user.moderated_sites)
    return StaffMember(user.id, user.email, user.name, user.role.value, slugs)


def _clean_role(role: Any) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError("role must be reader, moderator or admin", "invalid_role") from None


def _sites(slugs: Any) -> list[Site]:
    if not isinstance(slugs, list | tuple) or len(slugs) > STAFF_SITES_MAX:
        raise ValidationError("sites must be a list of site slugs", "invalid_sites")
    wanted = list(dict.fromkeys(slugs))
    sites = list(db.session.scalars(select(Site).where(Site.slug.in_(wanted))))
    missing = set(wanted) - {site.slug for site in sites}
    if missing:
        raise NotFound(f"no site with slug {sorted(missing)[0]!r}", "unknown_site")
    return sites


def set_staff_role(
    admin: User | None,
    role: Any,
    site_slugs: Any = (),
    *,
    user_id: int | None = None,
    email: str | None = None,
) -> StaffMember:
    """Give an account (by id or email) a role and, for moderators, their sites; commit.

    ``reader`` takes an account off the staff. Raises Forbidden, NotFound(unknown_user,
    unknown_site), ValidationError(invalid_role, invalid_sites, invalid_email, invalid_user).
    """
    admin = require_admin(admin, "manage staff")
    new_role = _clean_role(role)
    sites = _sites(site_slugs) if new_role == Role.MODERATOR else []
    if (user_id is None) == (email is None):
        raise ValidationError("give either a user id or an email", "invalid_user")
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user with id {user_id}", "unknown_user")
    else:
        user = get_user_by_email(normalize_email(email or ""))
    if user.id == admin.id:
        raise ValidationError("you cannot change your own role", "invalid_user")
    before = f"{user.role.value} ({', '.join(sorted(s.slug for s in user.moderated_sites))})"
    user.role = new_role
    user.moderated_sites = sites
    after = f"{new_role.value} ({', '.join(sorted(s.slug for s in sites))})"
    audit.record(
        "staff_update",
        actor_id=admin.id,
        target_user_id=user.id,
        reason=f"{before} -> {after}".replace(" ()", ""),
    )
    touch_articles_of(user_id=user.id)  # their badge in threads
    db.session.commit()
    return _member(user)
