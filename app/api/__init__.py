"""The JSON API under /api/v1: parse -> service -> serialize."""

from flask import Blueprint

from app.web.viewer import require_csrf_for_cookie_writes

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Flask-WTF's app-wide check is off here (app/__init__.py): bearer-token calls need no token,
# and this is the one check for calls authenticated by a cookie.
bp.before_request(require_csrf_for_cookie_writes)

from app.api import (  # noqa: E402,F401  (routes register on bp)
    account,
    comments,
    counts,
    editing,
    events,
    me,
    moderation,
    openapi,
    reactions,
    reports,
    threads,
    votes,
)
