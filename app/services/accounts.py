"""Who may sign in.

An account may not sign in when its status is ``banned`` or when it is banned from every site
until lifted (``app.services.authors.ban_author`` with ``scope="everywhere"``). Suspensions and
one-site bans only stop commenting: the reader can still sign in elsewhere.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Ban, User, UserStatus


def may_sign_in(user: User) -> bool:
    if user.status != UserStatus.ACTIVE:
        return False
    banned_everywhere = db.session.scalar(
        select(Ban.id)
        .where(Ban.user_id == user.id, Ban.site_id.is_(None), Ban.expires_at.is_(None))
        .limit(1)
    )
    return banned_everywhere is None
