"""Rate-limit keys for every reader write (posting, editing, voting, reacting, reporting): per
account for signed-in readers, per IP for guests.

Counters live in Redis when PARLEY_REDIS_URL is set (shared by every worker), else in
process memory. Staff are not limited. PARLEY_RATE_LIMITS=off turns limits off entirely.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from app.extensions import limiter
from app.services.users import user_for_token
from app.web.viewer import bearer_token, current_viewer


def caller_rate_key() -> str:
    """Who a write counts against; each endpoint's limit keeps its own counter per key."""
    viewer = current_viewer()
    if viewer.user is not None:
        return f"caller:u:{viewer.user.id}"
    return f"caller:ip:{viewer.ip}"


def caller_is_staff() -> bool:
    return current_viewer().is_staff


def reader_write_limit(setting: str):
    """The limit of one kind of reader write: the rate in the ``setting`` config key (read on
    each request, e.g. PARLEY_VOTE_RATE) per caller, with its own counters; staff exempt."""
    return limiter.limit(
        lambda: current_app.config[setting], key_func=caller_rate_key, exempt_when=caller_is_staff
    )


def avatar_rate() -> str:
    return current_app.config["PARLEY_AVATAR_RATE"]


def uploader_key() -> str:
    """Per account for avatar uploads, found without reading the body (the upload view sets
    its own body limit first, so the CSRF check, which reads the form, must wait for it)."""
    token = bearer_token()
    if token is not None:
        return f"avatar:u:{user_for_token(token).id}"
    if current_user.is_authenticated:
        return f"avatar:u:{current_user.id}"
    return f"avatar:ip:{request.remote_addr}"
