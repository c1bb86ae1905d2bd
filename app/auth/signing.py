"""Signing a person in and out of this request's cookie session (dashboard or widget frame).

Flask-Login keeps the user id in the session; next to it we keep a random session token whose
hash is a row in ``user_sessions`` (app.services.user_sessions). ``load_user`` accepts the
cookie only while that row lives, so ending a session on the server is final. Flask-Login's
own remember-me cookie (the same value on every sign-in, valid for a year) is never set:
"keep me signed in" makes the session cookie permanent and the row long-lived instead.
"""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from app.extensions import login_manager
from app.models import User
from app.services.user_sessions import end_session, start_session, user_for_session
from app.sessions import is_frame_request

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the session key's name, not a secret


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return user_for_session(user_id, session.get(SESSION_TOKEN_KEY))


def current_session_token() -> str | None:
    token = session.get(SESSION_TOKEN_KEY)
    return token if isinstance(token, str) else None


def begin_session(user: User, *, remember: bool = False, channel: str | None = None) -> str:
    """Sign ``user`` in on this request's cookie, ending any session it held before.

    Frame sessions are always long-lived: the frame's cookie is permanent anyway (the guest
    id), and a reader signs in there on their own device.
    """
    end_session(current_session_token())
    frame = is_frame_request()
    long_lived = remember or frame
    token = start_session(user, channel or ("frame" if frame else "site"), long_lived=long_lived)
    session[SESSION_TOKEN_KEY] = token
    session.permanent = long_lived
    login_user(user, remember=False)
    return token


def finish_session() -> None:
    """Sign out: end the session on the server and forget it in the cookie."""
    end_session(current_session_token())
    session.pop(SESSION_TOKEN_KEY, None)
    logout_user()
