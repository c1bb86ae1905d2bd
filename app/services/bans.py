"""Whether a reader may write: bans and suspensions (app.services.authors creates and lifts them).

An account is banned by its id (or its status), a guest by browser key or IP address, so
clearing cookies is not enough to come back; a suspension is a ban with an end.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Ban, Site, UserStatus, utcnow
from app.services.errors import Forbidden
from app.services.identity import Viewer


def check_not_banned(site: Site, viewer: Viewer) -> None:
    """Raise Forbidden(banned) if the viewer's account, browser or address is banned on
    ``site`` (a site ban, or one on every site) and the ban has not run out."""
    if viewer.user is not None and viewer.user.status == UserStatus.BANNED:
        raise Forbidden("your account is banned from commenting", "banned")
    who = []
    if viewer.user is not None:
        who.append(Ban.user_id == viewer.user.id)
    if viewer.guest_key is not None:
        who.append(Ban.guest_key == viewer.guest_key)
    if viewer.user is None and viewer.ip:
        # The address part of a guest's ban reaches guests and cookie-less clients only: behind
        # a proxy (or a newsroom's NAT) many people share an address, and a routine guest ban
        # must never silence signed-in readers, moderators or admins.
        who.append(Ban.ip == viewer.ip)
    if not who:
        return
    ban = db.session.scalar(
        select(Ban)
        .where(
            or_(*who),
            or_(Ban.site_id.is_(None), Ban.site_id == site.id),
            or_(Ban.expires_at.is_(None), Ban.expires_at > utcnow()),
        )
        .limit(1)
    )
    if ban is not None:
        until = f" until {ban.expires_at:%Y-%m-%d %H:%M} UTC" if ban.expires_at else ""
        raise Forbidden(f"you are banned from commenting on this site{until}", "banned")
