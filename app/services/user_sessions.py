"""Signed-in sessions the server can end, and revoking an account's credentials.

A session cookie (Flask's signed cookie: the dashboard's ``parley_session`` or the widget's
partitioned ``parley_frame``) carries Flask-Login's user id *and* a random session token.
Only the token's SHA-256 is stored, in ``user_sessions``. The user loader accepts the cookie
only while that row exists, belongs to the same user and has not expired, so:

* signing out deletes the row: the same cookie replayed afterwards is anonymous;
* "keep me signed in" is the same token with a longer life (no second, guessable cookie);
* a password change ends the account's other sessions, "sign out everywhere" all of them;
* an account banned everywhere loses every session and API token at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from app.extensions import db
from app.models import ApiToken, User, UserSession, UserStatus, utcnow

# A session without "keep me signed in" still ends on the server after this long.
SHORT_LIFETIME = timedelta(hours=12)
# "Keep me signed in", and sessions inside the widget frame (a reader's own device).
LONG_LIFETIME = timedelta(days=30)
CHANNELS = ("site", "frame", "sso")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, channel: str, *, long_lived: bool) -> str:
    """Record a new session for ``user`` and return its token (to keep in the cookie); commit."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown session channel {channel!r}")
    token = secrets.token_urlsafe(32)
    lifetime = LONG_LIFETIME if long_lived else SHORT_LIFETIME
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_digest(token),
            channel=channel,
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.commit()
    return token


def find_session(token: object) -> UserSession | None:
    """The live session with this token, or None (unknown, ended or expired)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    digest = token_digest(token)
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == digest))
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.expires_at <= utcnow():
        return None
    return row


def user_for_session(user_id: str, token: object) -> User | None:
    """The user a session cookie stands for, or None when the session was ended or is stale."""
    row = find_session(token)
    if row is None or str(row.user_id) != user_id:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    return user


def end_session(token: object) -> None:
    """End one session (sign out); commit. Unknown tokens are ignored."""
    if isinstance(token, str) and token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))
        db.session.commit()


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except the one whose token is ``keep``; commit.

    Returns how many ended. Used by "sign out everywhere" and after a password change.
    """
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        statement = statement.where(UserSession.token_hash != token_digest(keep))
    ended = db.session.execute(statement).rowcount or 0
    db.session.commit()
    return ended


def revoke_api_tokens(user: User) -> int:
    """Delete every API token of ``user`` (``flask users token EMAIL --revoke``); commit."""
    revoked = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    db.session.commit()
    return revoked or 0


def revoke_credentials(user_id: int) -> None:
    """Delete every session and API token of an account, without committing (the caller's
    transaction, such as a ban everywhere, commits it with everything else)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
