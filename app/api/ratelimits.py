"""Rate-limit keys for every reader write (posting, editing, voting, reacting, reporting): per
account for signed-in readers, per IP for guests.

Counters live in Redis when PARLEY_REDIS_URL is set (shared by every worker), else in
process memory. Staff are not limited. PARLEY_RATE_LIMITS=off turns limits off entirely.
"""

from __future__ import annotations

from flask import current_app

from app.web.viewer import current_viewer


def post_rate() -> str:
    return current_app.config["PARLEY_POST_RATE"]


def caller_rate_key() -> str:
    """Who a write counts against; each endpoint's limit keeps its own counter per key."""
    viewer = current_viewer()
    if viewer.user is not None:
        return f"caller:u:{viewer.user.id}"
    return f"caller:ip:{viewer.ip}"


def caller_is_staff() -> bool:
    return current_viewer().is_staff
